"""NaN / divergence guard: skip, roll back and re-warm, stop after max rollbacks; spikes extend warmup."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import paddle
import pytest

from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint
from ppwarm.lr.plan import extend_warmup, resolve_plan
from ppwarm.models.toy import ToyRegressor
from ppwarm.optim.groups import composite_schedule
from ppwarm.runner import TrainingStopped, run_training
from ppwarm.tasks.toy import build_toy_task
from tests.engine.conftest import logged


class Faulty(ToyRegressor):
    """The toy model with faults injected at chosen forward calls (one call = one update here)."""

    def __init__(self, nan_loss=(), nan_grad=(), spike=(), from_call: int | None = None) -> None:
        super().__init__()
        self.calls, self.nan_loss, self.nan_grad, self.spike, self.from_call = (
            0,
            set(nan_loss),
            set(nan_grad),
            set(spike),
            from_call,
        )

    def forward(self, batch):
        out = super().forward(batch)
        call, total = self.calls, out["total"]
        self.calls += 1
        if call in self.nan_loss or (self.from_call is not None and call >= self.from_call):
            total = total * float("nan")
        elif call in self.nan_grad:  # finite value, NaN gradient: d/dw sqrt(0 * w) = 0 * inf
            total = total + paddle.sqrt(self.head.weight * 0.0).sum()
        elif call in self.spike:  # the loss jumps, its gradient does not
            total = total + 50.0
        return {"mse": out["mse"], "total": total}


def run_faulty(cfg, **faults):
    task = replace(build_toy_task(cfg), model=Faulty(**faults))
    return run_training(cfg, task=task), task


GUARD = {
    "epochs": 4,
    "nan_guard": {"patience": 3, "snapshot_interval": 4, "rewarm_steps": 4, "max_rollbacks": 2},
}


def test_non_finite_loss_skips_the_update(toy_config):
    cfg = toy_config(GUARD)
    state, task = run_faulty(cfg, nan_loss={5})
    log = logged(cfg)
    assert state.skipped_updates == 1 and state.rollbacks == 0
    assert math.isnan(log["train/loss"][5]) and log["events/skipped_update"] == {5: 1.0}
    assert not math.isnan(log["train/loss"][6])
    assert all(math.isfinite(float(p.abs().max())) for p in task.model.parameters())


def test_non_finite_gradient_skips_the_update(toy_config):
    cfg = toy_config(GUARD)
    state, _ = run_faulty(cfg, nan_grad={7})
    log = logged(cfg)
    assert state.skipped_updates == 1
    assert math.isfinite(log["train/loss"][7]) and math.isnan(log["train/grad_norm"][7])
    assert log["events/skipped_update"] == {7: 1.0}


def test_patience_rolls_back_lowers_the_peak_and_rewarms(toy_config):
    cfg = toy_config(GUARD)
    state, task = run_faulty(cfg, nan_loss={13, 14, 15})
    log = logged(cfg)
    assert state.rollbacks == 1 and state.lr_factor == 0.5
    # snapshots after the first good update, then every 4 good ones: at steps 1, 5, 9 and 13
    assert log["events/rollback"] == {13: 1.0} and state.rewarm_from == 13
    plan = resolve_plan(cfg, batches_per_epoch=8)
    schedule = composite_schedule(cfg, plan)
    for t in range(13, plan.total_steps):
        ramp = min(1.0, (t - 13 + 1) / 4)
        assert log["train/lr/weight"][t] == pytest.approx(0.5 * ramp * schedule.lr("weight", t), rel=1e-12), t
    # the three bad updates 13-15 are done again after the rollback to step 13
    assert state.step == plan.total_steps and task.model.calls == 32 + 3
    assert np.isfinite(log["train/loss"][plan.total_steps - 1])


def test_divergence_before_any_good_update_stops(toy_config):
    cfg = toy_config(GUARD)
    with pytest.raises(TrainingStopped, match="diverged before its first good update"):
        run_faulty(cfg, from_call=0)


def test_divergence_stops_with_a_message_and_a_valid_checkpoint(toy_config):
    cfg = toy_config(GUARD)
    with pytest.raises(
        TrainingStopped, match=r"training diverged: 3 non-finite updates in a row after 2 rollbacks"
    ):
        run_faulty(cfg, from_call=10)
    latest = CheckpointManager(Path(cfg.output_dir) / "checkpoints").latest()
    saved = load_checkpoint(latest)
    assert saved["state"]["rollbacks"] == 2
    assert all(np.isfinite(v.numpy()).all() for v in saved["model"].values()), "the good weights were saved"


def test_loss_spike_in_warmup_extends_it(toy_config):
    cfg = toy_config({"nan_guard": {"spike_factor": 5.0, "spike_extend_steps": 3}})
    state, _ = run_faulty(cfg, spike={5})
    log = logged(cfg)
    assert state.warmup_extension == 3 and log["events/warmup_extended"] == {6: 1.0}
    plan = resolve_plan(cfg, batches_per_epoch=8)
    before, after = composite_schedule(cfg, plan), composite_schedule(cfg, extend_warmup(plan, 3))
    assert [log["train/lr/weight"][t] for t in range(6)] == list(before.lr("weight", np.arange(6)))
    assert [log["train/lr/weight"][t] for t in range(6, 32)] == list(after.lr("weight", np.arange(6, 32)))
    assert after.plan.warmup_steps == 11 and after.plan.total_steps == 32
