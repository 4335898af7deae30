"""Training-memory estimate from a few measured probes: the breakdown, the fitted model, the batch to pick.

The flow: `measure` runs `ppwarm.memory.probe` in a fresh process per (batch, side) point,
`fit_activations` fits what a batch adds on top of the baseline, `MemoryModel.estimate` predicts any
(batch, side) without further probes, and `pick_batch_size` searches that prediction against a budget.

What is fitted is what the probes measured: Paddle's max-memory-allocated counter of the GPU when every
probe ran on one (`device_keys`), else the process's peak resident-set size. The AMP O2 rows are GPU
planning numbers: on CPU AMP is off, so they cannot be checked there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ppwarm.config import Config, load_config

FLOAT_BYTES = 4
MB = 1_000_000
STATE_TENSORS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}  # fp32 tensors per parameter
PROBE_TIMEOUT = 900.0
DET_BATCHES = (2, 8)  # probe batches at the configured side; the first is also used at a second side

Point = tuple[int, "int | None"]


def optimizer_state_bytes(kind: str, params: int, param_tensors: int = 0) -> int:
    """Bytes of optimizer state: momentum 1, Adam/AdamW 2 fp32 tensors per parameter, SGD none.

    Adam and AdamW also keep two beta-power scalars per parameter tensor (counted, tiny).
    """
    scalars = 2 * param_tensors if kind in ("adam", "adamw") else 0
    return (STATE_TENSORS[kind] * params + scalars) * FLOAT_BYTES


def parse_bytes(text: str) -> int:
    """'16GB' -> 16e9, '512MB', '1.5GiB' -> 1.5 x 2**30, '1000' -> 1000 bytes; ValueError otherwise.

    Units without 'i' are decimal (kB, MB, GB, TB), with 'i' binary (KiB, MiB, GiB, TiB); case-insensitive.
    """
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(i?)b?\s*", text, flags=re.IGNORECASE)
    if not match or (match.group(3) and not match.group(2)):
        raise ValueError(f"cannot read {text!r} as a size; write e.g. 16GB, 512MB or 1.5GiB")
    power = "kmgt".find(match.group(2).lower()) + 1 if match.group(2) else 0
    base = 1024 if match.group(3) else 1000
    return int(float(match.group(1)) * base**power)


@dataclass(frozen=True)
class ActivationFit:
    """activations(B, S) = a + c * B * (S / s0)**2, in bytes (peak RSS minus baseline RSS).

    `c` is what one sample adds at the reference side `s0`; `a` what a training pass adds regardless of
    the batch. Without a side (non-detection tasks) the ratio is 1.
    """

    a: float
    c: float
    s0: int | None

    def __call__(self, batch: int, size: int | None = None) -> float:
        return self.a + self.c * batch * _side_ratio(size, self.s0) ** 2


def _side_ratio(size: int | None, s0: int | None) -> float:
    return 1.0 if size is None or s0 is None else size / s0


GPU_KEYS = ("gpu_peak_bytes", "gpu_baseline_bytes")
RSS_KEYS = ("peak_rss_bytes", "baseline_rss_bytes")
MEASURED_BY = {GPU_KEYS: "GPU max allocated", RSS_KEYS: "CPU peak RSS"}  # table header of each key pair


def device_keys(points: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """(peak key, baseline key) to fit: the GPU counters when every point has them, else peak RSS."""
    on_gpu = all(p.get(GPU_KEYS[0]) is not None and p.get(GPU_KEYS[1]) is not None for p in points)
    return GPU_KEYS if on_gpu and points else RSS_KEYS


def fit_activations(points: Sequence[dict[str, Any]], s0: int | None = None) -> ActivationFit:
    """Least-squares fit of peak minus baseline (keys from `device_keys`) to a + c * B * (S/s0)**2.

    `points` are probe results (keys batch, size, the peak and baseline bytes); `s0` defaults to
    the side most points share. Exact points give the exact coefficients. Raises ValueError when the
    points do not vary B * (S/s0)**2 (two unknowns need two distinct values).
    """
    if s0 is None:
        sizes = [p["size"] for p in points if p["size"] is not None]
        s0 = max(set(sizes), key=sizes.count) if sizes else None
    x = np.array([p["batch"] * _side_ratio(p["size"], s0) ** 2 for p in points], dtype=np.float64)
    if len(np.unique(x)) < 2:
        raise ValueError("the points need at least two distinct values of batch x (side/s0)^2 to fit")
    peak, baseline = device_keys(points)
    y = np.array([p[peak] - p[baseline] for p in points], dtype=np.float64)
    (a, c), *_ = np.linalg.lstsq(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)
    return ActivationFit(float(a), float(c), s0)


@dataclass
class MemoryEstimate:
    """Predicted training memory at one (batch, side), in bytes; `total` is the sum of the rows."""

    batch: int
    size: int | None
    parameters: int
    gradients: int
    optimizer_state: int
    master_weights: int
    input_batch: int
    activations: int
    overhead: int
    coefficients: ActivationFit
    amp_level: str | None = None
    budget_bytes: int | None = None
    measured: str = MEASURED_BY[RSS_KEYS]

    ROWS = ("parameters", "gradients", "optimizer_state", "master_weights", "input_batch", "activations")

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in (*self.ROWS, "overhead"))

    def table(self, budget_bytes: int | None = None) -> str:
        """One row per component in MB (1e6 bytes), then the total against the budget (when known)."""
        budget = budget_bytes if budget_bytes is not None else self.budget_bytes
        side = f", input {self.size}" if self.size is not None else ""
        lines = [
            f"memory estimate: batch {self.batch}{side}, AMP {self.amp_level or 'off'} ({self.measured})"
        ]
        for name in (*self.ROWS, "overhead"):
            lines.append(f"  {name:<16} {getattr(self, name) / MB:>10.1f} MB")
        lines.append(f"  {'total':<16} {self.total / MB:>10.1f} MB")
        if budget is not None:
            verdict = "fits" if self.total <= budget else "does NOT fit"
            lines.append(f"  budget {budget / MB:.1f} MB: {verdict}")
        return "\n".join(lines)


@dataclass(frozen=True)
class MemoryModel:
    """What the probes measured, enough to predict any (batch, side) without probing again.

    `baseline_bytes` is the median probe baseline: the framework, parameters, gradients and optimizer
    state of the probed config. The overhead row is that baseline minus those three.
    """

    task: str
    optimizer: str
    params: int
    param_tensors: int
    sample_bytes: int
    baseline_bytes: int
    fit: ActivationFit
    points: list[dict[str, Any]] = field(default_factory=list)
    measured: str = MEASURED_BY[RSS_KEYS]

    def input_bytes(self, batch: int, size: int | None) -> int:
        """B x 3 x S x S x 4 for detection, else B x one sample's bytes."""
        if self.task == "det" and size is not None:
            return batch * 3 * size * size * FLOAT_BYTES
        return batch * self.sample_bytes

    def estimate(self, batch: int, size: int | None = None, amp_level: str | None = None) -> MemoryEstimate:
        """The breakdown at (batch, size); `amp_level` 'O2' adds fp32 master weights, halves activations."""
        weights = self.params * FLOAT_BYTES
        state = optimizer_state_bytes(self.optimizer, self.params, self.param_tensors)
        inputs = self.input_bytes(batch, size)
        activations = max(self.fit(batch, size) - inputs, 0.0)
        o2 = amp_level == "O2"
        return MemoryEstimate(
            batch=batch,
            size=size,
            parameters=weights,
            gradients=weights,
            optimizer_state=state,
            master_weights=weights if o2 else 0,
            input_batch=inputs,
            activations=int(activations / 2 if o2 else activations),
            overhead=max(self.baseline_bytes - 2 * weights - state, 0),
            coefficients=self.fit,
            amp_level=amp_level,
            measured=self.measured,
        )


def default_points(cfg: Config) -> list[Point]:
    """3 probes for detection (batches 2 and 8 at the configured side, batch 2 at ~3/4 of it), else 2."""
    if cfg.task != "det":
        batch = cfg.batch_size
        return [(batch, None), (4 * batch, None)]
    side = cfg.det.input_size
    small = max(32 * round(0.75 * side / 32), 64)
    other = small if small != side else side + 64
    return [(DET_BATCHES[0], side), (DET_BATCHES[1], side), (DET_BATCHES[0], other)]


def probe_command(config_path: str, overrides: Sequence[str], batch: int, size: int | None) -> list[str]:
    """The command line of one probe (the current interpreter, a fresh process)."""
    cmd = [sys.executable, "-m", "ppwarm.memory.probe", str(config_path), "--batch", str(batch)]
    if size is not None:
        cmd += ["--size", str(size)]
    return cmd + (["-o", *overrides] if overrides else [])


def measure(
    config_path: str, overrides: Sequence[str], points: Sequence[Point], timeout: float = PROBE_TIMEOUT
) -> list[dict[str, Any]]:
    """Run one probe subprocess per (batch, size) point, in order; return their parsed JSON lines.

    Raises RuntimeError (with the end of the probe's stderr) when a probe fails or prints no JSON, and
    subprocess.TimeoutExpired after `timeout` seconds for one probe.
    """
    return [_run_probe(probe_command(config_path, overrides, b, s), timeout) for b, s in points]


def _run_probe(cmd: list[str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"memory probe failed ({' '.join(cmd[2:])}):\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def build_memory_model(
    config_path: str, overrides: Sequence[str] = (), points: Sequence[Point] | None = None
) -> MemoryModel:
    """Probe the config at `points` (default: `default_points`) and fit the activation model."""
    cfg = load_config(config_path, list(overrides))
    results = measure(config_path, overrides, points or default_points(cfg))
    first = results[0]
    keys = device_keys(results)
    return MemoryModel(
        task=first["task"],
        optimizer=cfg.optimizer.type,
        params=first["params"],
        param_tensors=first["param_tensors"],
        sample_bytes=first["sample_bytes"],
        baseline_bytes=int(np.median([r[keys[1]] for r in results])),
        fit=fit_activations(results, s0=cfg.det.input_size if cfg.task == "det" else None),
        points=results,
        measured=MEASURED_BY[keys],
    )


def estimate(
    cfg_path: str,
    overrides: Sequence[str],
    batch: int,
    size: int | None,
    budget_bytes: int | None = None,
) -> MemoryEstimate:
    """Probe, fit and predict at (batch, size), with the config's AMP level when AMP is enabled."""
    cfg = load_config(cfg_path, list(overrides))
    amp = cfg.amp.level if cfg.amp.enable else None
    result = build_memory_model(cfg_path, overrides).estimate(batch, size, amp_level=amp)
    result.budget_bytes = budget_bytes
    return result


def available_budget() -> int:
    """Total memory of GPU 0 when Paddle sees a GPU, else the available RAM (MemAvailable on Linux)."""
    import paddle

    if paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
        return int(paddle.device.cuda.get_device_properties().total_memory)
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def pick_batch_size(
    estimate_fn: Callable[[int], float],
    budget_bytes: int,
    margin: float = 0.8,
    nominal_batch: int | None = None,
    devices: int = 1,
    max_batch: int = 256,
) -> tuple[int, int, list[str]]:
    """The largest per-device batch whose `estimate_fn(batch)` (total bytes) is <= margin x budget.

    Doubles from 1 while the prediction fits, then bisects between the last fitting power of two and the
    next; assumes the prediction grows with the batch. Accumulation rounds nominal_batch / (batch x
    devices) to the nearest integer, at least 1 (1 without a nominal batch). Returns (batch, accumulate,
    reasons). Raises ValueError when even batch 1 does not fit.
    """
    limit = margin * budget_bytes
    if estimate_fn(1) > limit:
        raise ValueError(
            f"batch 1 needs {estimate_fn(1) / MB:.1f} MB > {limit / MB:.1f} MB (margin x budget)"
        )
    batch = _largest_fitting(estimate_fn, limit, max_batch)
    accumulate = max(round(nominal_batch / (batch * devices)), 1) if nominal_batch else 1
    reasons = [
        f"budget {budget_bytes / MB:.1f} MB x margin {margin:g}",
        f"-> batch {batch} (predicted {estimate_fn(batch) / MB:.1f} MB)",
        f"-> accumulate {accumulate}"
        + (f" (nominal batch {nominal_batch} / ({batch} x {devices} devices))" if nominal_batch else ""),
        f"-> global batch {batch * devices * accumulate}",
    ]
    return batch, accumulate, reasons


def _largest_fitting(estimate_fn: Callable[[int], float], limit: float, max_batch: int) -> int:
    low = 1
    while 2 * low <= max_batch and estimate_fn(2 * low) <= limit:
        low *= 2
    high = min(2 * low, max_batch + 1)  # first batch known (or assumed) not to fit
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if estimate_fn(mid) <= limit else (low, mid)
    return low
