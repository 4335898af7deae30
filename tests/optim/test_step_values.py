"""`CompositeSchedule.at(t)`: the one per-step answer, equal to the vectorised plan to the bit, read once."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ppwarm.lr.plan import resolve_plan
from ppwarm.models.toy import ToyRegressor
from ppwarm.optim.build import build_optimizer
from ppwarm.optim.composite import CompositeSchedule, Rewarm
from ppwarm.optim.groups import composite_schedule

# Every formula at once: an exponential warmup (a numpy power, also in the ramps of the two parts with
# their own warmups), a bias warmup, a momentum warmup and a polynomial decay (another power).
MIXED = {
    "epochs": 6,
    "lr": {
        "base": 0.05,
        "warmup": {"type": "exponential", "epochs": 2, "start_lr": 0.001, "power": 3.0},
        "decay": {"type": "polynomial", "power": 0.9, "min_lr_ratio": 0.1},
    },
    "optimizer": {
        "type": "momentum",
        "momentum": 0.937,
        "warmup_momentum": 0.8,
        "warmup_bias_lr": 0.1,
        "parts": {
            "backbone": {"lr_mult": 0.1, "warmup_epochs": 3},
            "head": {"lr_mult": 2.0, "warmup_epochs": 1},
        },
    },
}


def schedule_for(make_config, data=MIXED, batches=7) -> CompositeSchedule:
    cfg = make_config(data)
    return composite_schedule(cfg, resolve_plan(cfg, batches_per_epoch=batches))


@pytest.mark.parametrize("rewarm", [Rewarm(), Rewarm(0.25, 9, 6)], ids=["plain", "after-a-rollback"])
def test_step_read_is_the_vectorised_plan_bit_for_bit(make_config, rewarm):
    schedule = replace(schedule_for(make_config), rewarm=rewarm)
    steps = np.arange(schedule.plan.total_steps + 5)
    columns = schedule.columns(steps)
    largest = schedule.largest(steps)
    for t in steps:
        values = schedule.at(int(t))
        assert values.lrs == {g.name: columns[f"lr/{g.name}"][t] for g in schedule.groups}, t
        assert values.momentum == columns["momentum"][t] and values.largest == largest[t], t


def test_rewarm_is_part_of_every_group_lr(make_config):
    plain = schedule_for(make_config)
    rewarmed = replace(plain, rewarm=Rewarm(0.5, 10, 4))
    steps = np.arange(10, plain.plan.total_steps)
    env = np.array([0.5 * min(1.0, (t - 10 + 1) / 4) for t in steps])
    for spec in plain.groups:
        np.testing.assert_allclose(
            rewarmed.lr(spec.name, steps), env * plain.lr(spec.name, steps), rtol=1e-15
        )
    np.testing.assert_array_equal(rewarmed.momentum_at(steps), plain.momentum_at(steps))
    assert not Rewarm().active and Rewarm(1.0, 3, 5).active and Rewarm(0.5).active


def test_the_scheduler_passes_its_own_lr_and_gets_the_same_answer(make_config):
    schedule = schedule_for(make_config)
    for t in range(schedule.plan.total_steps):
        assert schedule.at(t, base=float(schedule.plan.lr(np.array([t]))[0])) == schedule.at(t)


def test_the_schedule_is_evaluated_once_per_update(make_config, monkeypatch):
    """The trainer path asks `at` once per step: for the scheduler, the multipliers, momentum and the log."""
    cfg = make_config(MIXED)
    grouped = build_optimizer(ToyRegressor(), cfg, resolve_plan(cfg, batches_per_epoch=7))
    calls = []
    original = CompositeSchedule.at
    monkeypatch.setattr(
        CompositeSchedule, "at", lambda self, t, base=None: calls.append(t) or original(self, t, base)
    )
    grouped.scheduler.follow(grouped.scheduler.base, grouped.schedule.at)  # re-bind to the counting method
    calls.clear()
    params = list(grouped.params.values())
    for _ in range(10):
        sum(p.sum() for p in params).backward()
        grouped.step()
        grouped.optimizer.clear_grad()
    assert calls == list(range(1, 11)), "one evaluation per step, when the scheduler moves to it"


def test_applied_multipliers_and_momentum_come_from_the_answer(make_config):
    cfg = make_config(MIXED)
    grouped = build_optimizer(ToyRegressor(), cfg, resolve_plan(cfg, batches_per_epoch=7))
    for t in range(grouped.schedule.plan.total_steps):
        values = grouped.values
        assert values == grouped.schedule.at(t) and grouped.optimizer.get_lr() == values.largest
        grouped.before_update()
        for group, names in grouped.members.items():
            applied = grouped.optimizer.get_lr() * grouped.params[names[0]].optimize_attr["learning_rate"]
            assert applied == pytest.approx(values.lrs[group], rel=1e-15, abs=0.0), (group, t)
        assert grouped.optimizer._default_dict["momentum"] == values.momentum
        grouped.scheduler.step()
