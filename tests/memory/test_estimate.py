"""The memory estimator: exact fits on synthetic points, the batch search, and one real toy probe check."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.memory.estimate import (
    ActivationFit,
    MemoryModel,
    build_memory_model,
    fit_activations,
    measure,
    optimizer_state_bytes,
    parse_bytes,
    pick_batch_size,
)

TOY_CONFIG = str(Path(__file__).resolve().parents[2] / "configs" / "toy.yml")


def synthetic_point(batch: int, size: int | None, a: float, c: float, s0: int | None) -> dict:
    act = ActivationFit(a, c, s0)(batch, size)
    return {"batch": batch, "size": size, "baseline_rss_bytes": 5e8, "peak_rss_bytes": 5e8 + act}


def test_fit_recovers_known_coefficients_from_batch_and_side_points():
    a, c = 12e6, 70e6
    points = [synthetic_point(b, s, a, c, 320) for b, s in ((2, 320), (4, 320), (2, 224), (3, 416))]
    fit = fit_activations(points)
    assert fit.s0 == 320
    assert fit.a == pytest.approx(a, rel=1e-9)
    assert fit.c == pytest.approx(c, rel=1e-9)


def test_fit_without_sides_is_linear_in_batch_and_rejects_one_point():
    fit = fit_activations([synthetic_point(b, None, 1e5, 3e3, None) for b in (16, 64)])
    assert (fit.a, fit.c) == (pytest.approx(1e5), pytest.approx(3e3))
    with pytest.raises(ValueError, match="two distinct"):
        fit_activations([synthetic_point(8, None, 1e5, 3e3, None)] * 2)


def test_fit_uses_gpu_counters_when_every_probe_ran_on_a_gpu():
    a, c = 3e6, 5e6
    points = []
    for b in (2, 4, 8):
        point = synthetic_point(b, None, 1e9, 1e9, None)  # host RSS: a different, wrong model
        gpu = ActivationFit(a, c, None)(b)
        points.append({**point, "gpu_baseline_bytes": 7e8, "gpu_peak_bytes": 7e8 + gpu})
    fit = fit_activations(points)
    assert (fit.a, fit.c) == (pytest.approx(a), pytest.approx(c))
    points[1]["gpu_peak_bytes"] = None  # one probe without a GPU: fall back to RSS for all
    fit = fit_activations(points)
    assert (fit.a, fit.c) == (pytest.approx(1e9), pytest.approx(1e9))


def test_pick_batch_size_returns_exact_largest_fitting_batch_and_accumulate():
    # total(B) = 100 MB + 7 MB x B; 0.8 x 1000 MB = 800 MB -> B <= 100 exactly.
    def total(batch: int) -> float:
        return 100e6 + 7e6 * batch

    batch, accumulate, reasons = pick_batch_size(
        total, 1_000_000_000, margin=0.8, nominal_batch=256, devices=2
    )
    assert batch == 100
    assert accumulate == 1  # round(256 / 200) = 1
    assert "-> batch 100 (predicted 800.0 MB)" in " ".join(reasons)
    batch, accumulate, reasons = pick_batch_size(total, 400_000_000, margin=0.8, nominal_batch=256)
    assert (batch, accumulate) == (31, 8)  # 100 + 7 x 31 = 317 <= 320 < 324; round(256 / 31) = 8
    assert reasons[-1] == "-> global batch 248"
    assert pick_batch_size(total, 10**12, max_batch=256)[:2] == (256, 1)
    with pytest.raises(ValueError, match="batch 1"):
        pick_batch_size(total, 100_000_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16GB", 16_000_000_000), ("512MB", 512_000_000), ("1.5GiB", 3 * 2**29), ("64kib", 65536), ("100", 100)],
)
def test_parse_bytes(text: str, expected: int):
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "GB", "16XB", "1.5iB", "-3GB"])
def test_parse_bytes_rejects_garbage(text: str):
    with pytest.raises(ValueError):
        parse_bytes(text)


def test_optimizer_state_bytes_by_type():
    params = 1000
    assert optimizer_state_bytes("sgd", params, 10) == 0
    assert optimizer_state_bytes("momentum", params, 10) == params * 4
    assert optimizer_state_bytes("adamw", params) == 2 * params * 4
    assert optimizer_state_bytes("adam", params, 10) == 2 * params * 4 + 2 * 10 * 4


def test_amp_o2_adds_master_weights_and_halves_activations():
    model = MemoryModel("det", "adamw", 1000, 4, 0, 10**8, ActivationFit(0.0, 3 * 32 * 32 * 4 + 800, 32))
    plain, o2 = model.estimate(2, 32), model.estimate(2, 32, amp_level="O2")
    assert plain.input_batch == 2 * 3 * 32 * 32 * 4
    assert plain.activations == 1600
    assert (o2.master_weights, o2.activations) == (4000, 800)
    assert plain.overhead == 10**8 - 2 * 4000 - 2 * 4000 - 2 * 4 * 4
    assert o2.total == plain.total + 4000 - 800
    assert "does NOT fit" in plain.table(plain.total - 1) and "fits" in plain.table(plain.total)


@pytest.mark.slow
def test_toy_estimate_matches_a_measured_probe_at_a_third_batch():
    """Probes at batches 16 and 64 predict the peak RSS at batch 1024 within 5% (measured: under 1%).

    The toy model is tiny, so the total is almost all framework baseline; this checks the plumbing (probe,
    fit, breakdown adding back up to RSS), not the activation model's accuracy.
    """
    model = build_memory_model(TOY_CONFIG, [], points=[(16, None), (64, None)])
    (measured,) = measure(TOY_CONFIG, [], [(1024, None)])
    predicted = model.estimate(1024).total
    assert predicted == pytest.approx(measured["peak_rss_bytes"], rel=0.05)
    assert model.params == measured["params"] == 162


def test_memory_model_takes_its_baseline_from_the_gpu_counters(monkeypatch):
    import ppwarm.memory.estimate as memory

    extra = {"params": 1000, "param_tensors": 4, "sample_bytes": 400, "task": "toy"}
    points = [
        {
            **synthetic_point(b, None, 1e9, 1e9, None),
            **extra,
            "gpu_baseline_bytes": 7e8 + b,
            "gpu_peak_bytes": 9e8,
        }
        for b in (2, 4, 8)
    ]
    monkeypatch.setattr(memory, "measure", lambda *args, **kwargs: points)
    model = build_memory_model(TOY_CONFIG, [], points=[(2, None), (4, None), (8, None)])
    assert model.baseline_bytes == 7e8 + 4  # median of the GPU baselines, not of host RSS (5e8)
    assert "(GPU max allocated)" in model.estimate(4).table()


def test_probe_peak_is_its_own_not_its_parents():
    """Linux carries ru_maxrss across exec: a probe started by a big process must not report the parent."""
    import subprocess
    import sys

    import numpy as np

    big = np.ones(1_500_000_000 // 8)  # 1.5 GB resident in this (parent) process
    code = "from ppwarm.memory.probe import peak_rss_bytes; print(peak_rss_bytes())"
    child = int(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert big.sum() > 0
    assert child < 1_000_000_000, f"the probe reported {child / 1e6:.0f} MB: its parent's size"
