"""Every warmup x decay pair against the closed-form contract, at every step of a small run."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ppwarm.lr.plan import resolve_plan
from tests.lr.reference import expected_lr

WARMUPS = ["linear", "exponential", "cosine", "constant", "none"]
DECAYS = ["cosine", "polynomial", "linear", "piecewise", "constant", "cosine_restarts"]
BATCHES_PER_EPOCH = 25  # 10 epochs x 25 = 250 steps


def lr_section(warmup: str, decay: str) -> dict:
    return {
        "base": 0.02,
        "warmup": {"type": warmup, "epochs": 2, "start_lr": 0.001, "power": 3.0},
        "decay": {
            "type": decay,
            "min_lr_ratio": 0.05,
            "power": 0.9,
            "milestones": [5, 8],
            "gamma": 0.2,
            "cycles": 3,
        },
        "plateau_epochs": 1,
    }


@pytest.fixture(params=list(itertools.product(WARMUPS, DECAYS)), ids=lambda p: f"{p[0]}+{p[1]}")
def plan(request, make_config):
    warmup, decay = request.param
    cfg = make_config(
        {"epochs": 10, "batch_size": 16, "reference_batch": 64, "lr": lr_section(warmup, decay)}
    )
    return resolve_plan(cfg, devices=2, batches_per_epoch=BATCHES_PER_EPOCH)


def test_every_step_matches_the_contract(plan):
    steps = np.arange(plan.total_steps + 20)  # and 20 steps past the end: held, never rising
    got = plan.lr(steps)
    want = np.array([expected_lr(plan, int(t)) for t in steps])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_shape_of_the_run(plan):
    assert plan.total_steps == 250
    assert plan.warmup_steps == (0 if plan.warmup_type == "none" else 50)
    assert plan.plateau_steps == 25
    lr = plan.lr(np.arange(plan.total_steps + 20))
    w = plan.warmup_steps
    # peak = base x global/reference = 0.02 x (16 x 2)/64
    assert plan.peak_lr == pytest.approx(0.01, rel=1e-15)
    assert lr[w] == pytest.approx(plan.peak_lr, rel=1e-15), "first step after warmup is the peak"
    if w:
        assert lr[0] == pytest.approx(plan.start_lr, rel=1e-15)
        assert np.all(np.diff(lr[:w]) >= 0), "warmup never falls"
        assert lr[w - 1] <= plan.peak_lr
    tail = lr[plan.total_steps - plan.plateau_steps :]
    assert np.all(tail == tail[0]), "the plateau and the steps past the end hold one value"


def test_final_value(plan):
    final = plan.lr(plan.total_steps - 1)
    if plan.decay_type in ("cosine", "polynomial", "linear", "cosine_restarts"):
        assert final == pytest.approx(plan.peak_lr * plan.min_lr_ratio, rel=1e-12)
    elif plan.decay_type == "piecewise":
        assert final == pytest.approx(plan.peak_lr * plan.gamma**2, rel=1e-12)
    else:
        assert final == plan.peak_lr


def test_only_restarts_rise_after_warmup(plan):
    u = np.arange(plan.total_steps + 20 - plan.warmup_steps)
    rises = u[1:][np.diff(plan.lr(u + plan.warmup_steps)) > 0]  # u of each step above its predecessor
    if plan.decay_type != "cosine_restarts":
        assert rises.size == 0
        return
    cycle = plan.decay_steps / plan.cycles
    rewarm = max(1, round(0.1 * cycle))
    windows = [(i * cycle, i * cycle + rewarm + 1) for i in (1, 2)]  # entered at the first step past i x C
    assert all(any(lo < r <= hi for lo, hi in windows) for r in rises)
    assert all(any(lo < r <= hi for r in rises) for lo, hi in windows)


def test_piecewise_milestones_fall_on_epoch_boundaries(make_config):
    cfg = make_config({"epochs": 10, "lr": lr_section("linear", "piecewise")})
    plan = resolve_plan(cfg, batches_per_epoch=BATCHES_PER_EPOCH)
    assert plan.milestone_steps == (125, 200)
    lr = plan.lr(np.array([124, 125, 199, 200]))
    p = plan.peak_lr
    np.testing.assert_allclose(lr, [p, p * 0.2, p * 0.2, p * 0.04], rtol=1e-15)


def test_cosine_restarts_rewarm_to_the_peak(make_config):
    cfg = make_config({"epochs": 10, "lr": lr_section("linear", "cosine_restarts")})
    plan = resolve_plan(cfg, batches_per_epoch=BATCHES_PER_EPOCH)
    # decay: 250 - 50 warmup - 25 plateau = 175 steps in 3 cycles of 58.33 steps, re-warmup 6 steps
    lr = plan.lr(np.arange(plan.total_steps))
    m = plan.peak_lr * plan.min_lr_ratio
    start2 = plan.warmup_steps + 175 / 3
    rewarm_end = int(np.ceil(start2 + 6))
    assert lr[int(np.ceil(start2))] < 0.2 * plan.peak_lr, "a new cycle starts low"
    assert lr[rewarm_end] == pytest.approx(plan.peak_lr, rel=0.01), (
        "and is back at the peak after the re-warmup"
    )
    assert lr[-1] == pytest.approx(m, rel=1e-12)
