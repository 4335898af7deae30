"""The plain-loop scheduler and the trainer's optimizer run on the same classes and give the same LR.

`build_scheduler(plan)` is what a plain Paddle loop steps; the trainer's `GroupedOptimizer` wraps that
same scheduler in `GroupedLR`. For a model with one parameter group (a Linear without bias, no bias
warmup) the LR the optimizer applies must be the plain scheduler's at every one of 10,000 steps.
"""

from __future__ import annotations

import numpy as np
import paddle
import pytest
from paddle.optimizer.lr import CosineAnnealingDecay
from paddle.optimizer.lr import LinearWarmup as PaddleLinearWarmup

from ppwarm.lr import schedulers
from ppwarm.lr.build import build_scheduler
from ppwarm.lr.plan import resolve_plan
from ppwarm.optim.build import build_optimizer

STEPS = 10_000


def one_group_config(make_config, warmup: str, decay: str) -> dict:
    return make_config(
        {
            "epochs": 10,  # x 1000 steps per epoch = 10,000 steps
            "lr": {
                "base": 0.02,
                "warmup": {"type": warmup, "epochs": 1, "start_lr": 0.0005, "power": 3.0},
                "decay": {"type": decay, "min_lr_ratio": 0.05, "milestones": [4, 7], "gamma": 0.3},
            },
            "optimizer": {"type": "momentum", "warmup_momentum": 0.8},
        }
    )


@pytest.mark.parametrize("decay", ["cosine", "piecewise"])
@pytest.mark.parametrize("warmup", ["linear", "exponential", "cosine"])
def test_trainer_path_and_build_scheduler_agree_at_every_step(make_config, warmup, decay):
    cfg = one_group_config(make_config, warmup, decay)
    plan = resolve_plan(cfg, batches_per_epoch=1000)
    assert plan.total_steps == STEPS and plan.warmup_steps == 1000
    plain = build_scheduler(plan)
    grouped = build_optimizer(paddle.nn.Linear(4, 1, bias_attr=False), cfg, plan)
    assert list(grouped.members) == ["weight"], "one parameter group"
    assert type(grouped.scheduler.base) is type(plain), "the trainer runs on build_scheduler's classes"
    assert isinstance(plain, PaddleLinearWarmup), "every warmup is Paddle's LinearWarmup"
    weight = grouped.params["weight"]
    ours, trainer, applied = [], [], []
    for _ in range(STEPS):
        grouped.before_update()  # what GroupedOptimizer.step does before optimizer.step()
        ours.append(plain())
        trainer.append(grouped.values.lrs["weight"])
        applied.append(grouped.optimizer.get_lr() * weight.optimize_attr["learning_rate"])
        grouped.scheduler.step()
        plain.step()
    np.testing.assert_allclose(trainer, ours, rtol=1e-12, atol=0)
    np.testing.assert_allclose(applied, ours, rtol=1e-12, atol=0)
    assert trainer == ours == applied, "measured: not just within 1e-12 but equal to the bit"
    assert np.array_equal(ours, plan.lr(np.arange(STEPS))), "and equal to the plan's vectorised curve"


def test_linear_warmup_is_paddles_own_to_the_bit():
    """ppwarm's LinearWarmup over a ppwarm cosine = Paddle's LinearWarmup over the same decay object."""
    total, w, peak, start = 3000, 400, 0.1, 0.003

    def decay():
        return schedulers.CosineDecay(peak, total - w, 0.02)

    ours = schedulers.LinearWarmup(decay(), w, start)
    theirs = PaddleLinearWarmup(decay(), w, start, ours.curve.peak)
    got, want = [], []
    for _ in range(total + 50):
        got.append(ours())
        want.append(theirs())
        ours.step()
        theirs.step()
    assert got == want
    assert np.array_equal(got, ours.values(np.arange(total + 50)))


def test_warmups_keep_wrapping_paddles_decays():
    """A warmup around Paddle's CosineAnnealingDecay: after the warmup Paddle's code steps it to t - W."""
    total, w, peak = 500, 50, 0.05
    sched = schedulers.CosineWarmup(CosineAnnealingDecay(peak, T_max=total - w), w, 0.0)
    reference = CosineAnnealingDecay(peak, T_max=total - w)
    for t in range(total):
        if t >= w:
            reference.step(t - w)
            assert sched() == reference(), t
        sched.step()


def test_without_a_warmup_the_scheduler_is_the_decay(make_config):
    cfg = make_config({"epochs": 4, "lr": {"warmup": {"type": "none"}, "decay": {"type": "cosine"}}})
    plan = resolve_plan(cfg, batches_per_epoch=10)
    sched = build_scheduler(plan)
    assert type(sched) is schedulers.CurveLR
    got = []
    for _ in range(plan.total_steps):
        got.append(sched())
        sched.step()
    assert np.array_equal(got, plan.lr(np.arange(plan.total_steps)))
    with pytest.raises(ValueError, match="warmup_steps must be >= 1"):
        schedulers.LinearWarmup(schedulers.ConstantDecay(0.1), 0)
    with pytest.raises(ValueError, match=r"start_lr 0\.1 must be below the decay's peak 0\.1"):
        schedulers.ExponentialWarmup(schedulers.ConstantDecay(0.1), 5, start_lr=0.1)
