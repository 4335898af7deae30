"""Out of memory during training: the last good state is saved, the advice has numbers, -r continues."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint
from ppwarm.engine.oom import is_out_of_memory, oom_advice
from ppwarm.lr.plan import resolve_plan
from ppwarm.lr.scaling import scale_lr
from ppwarm.models.toy import ToyRegressor
from ppwarm.runner import OutOfMemoryStopped, run_training
from ppwarm.tasks.toy import build_toy_task


class RunsOutOfMemory(ToyRegressor):
    def __init__(self, at_call: int) -> None:
        super().__init__()
        self.calls, self.at_call = 0, at_call

    def forward(self, batch):
        self.calls += 1
        if self.calls == self.at_call + 1:
            raise MemoryError("simulated: cannot allocate 512 MB")
        return super().forward(batch)


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        (MemoryError(), True),
        (RuntimeError("ResourceExhaustedError: Out of memory error on GPU 0"), True),
        (RuntimeError("(ResourceExhausted) Fail to alloc memory"), True),
        (ValueError("shape mismatch"), False),
    ],
)
def test_out_of_memory_is_recognised(err, expected):
    assert is_out_of_memory(err) is expected


def test_oom_saves_the_last_good_state_and_advises(toy_config):
    cfg = toy_config({"data": {"num_workers": 2}})
    task = replace(build_toy_task(cfg), model=RunsOutOfMemory(at_call=10))
    with pytest.raises(OutOfMemoryStopped) as err:
        run_training(cfg, task=task)
    message = str(err.value)
    assert "out of memory in update 10" in message
    assert "-o batch_size=8 accumulate=2: 8 x 2 = 16 x 1, the same global batch (16)" in message
    assert "-o data.num_workers=1" in message and "-o amp.enable=true" in message
    saved = load_checkpoint(CheckpointManager(Path(cfg.output_dir) / "checkpoints").latest())
    assert saved["state"]["step"] == 10 and saved["state"]["batch_in_epoch"] == 2, "update 10 not done yet"
    resumed = run_training(
        toy_config({"data": {"num_workers": 2}, "batch_size": 8, "accumulate": 2}), resume="auto"
    )
    assert resumed.step == 32 and resumed.samples_seen == 32 * 16


def _advice_for(toy_config, batch: int, accumulate: int, extra: dict | None = None):
    cfg = toy_config({"batch_size": batch, "accumulate": accumulate, **(extra or {})})
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=8)
    found = re.findall(r"-o batch_size=(\d+) accumulate=(\d+): (.*)", oom_advice(cfg, plan))
    return plan, [(int(b), int(a), rest) for b, a, rest in found]


@pytest.mark.parametrize(
    ("batch", "accumulate", "split"),
    [(5, 3, (3, 5)), (8, 1, (4, 2)), (6, 5, (3, 10)), (16, 1, (8, 2)), (9, 1, (3, 3)), (2, 1, (1, 2))],
)
def test_advice_keeps_the_global_batch_exactly(toy_config, batch, accumulate, split):
    plan, lines = _advice_for(toy_config, batch, accumulate)
    assert [(b, a) for b, a, _ in lines] == [split], "one line: the exact split"
    b, a, rest = lines[0]
    assert b * a == batch * accumulate and b <= (batch + 1) // 2
    assert f"the same global batch ({plan.global_batch})" in rest


@pytest.mark.parametrize(
    ("batch", "accumulate", "nearest", "extra"),
    [
        (7, 1, (4, 2), {}),  # 7 is prime: only 1 x 7 keeps it; linear scaling
        (5, 1, (3, 2), {"optimizer": {"type": "adamw"}}),  # sqrt scaling for the Adam family
        (11, 1, (6, 2), {"reference_batch": None}),  # no reference batch: the peak LR does not move
        (3, 1, (2, 1), {}),
    ],
)
def test_advice_without_an_exact_split_shows_the_nearest_batch_and_its_lr(
    toy_config, batch, accumulate, nearest, extra
):
    plan, lines = _advice_for(toy_config, batch, accumulate, extra)
    assert [(b, a) for b, a, _ in lines] == [(1, batch * accumulate), nearest]
    assert "the same global batch" in lines[0][2] and "one sample per device" in lines[0][2]
    b, a, rest = lines[1]
    new_global = b * a
    peak, why = scale_lr(plan.base_lr, new_global, plan.reference_batch, plan.scaling_rule)
    assert f"global batch {new_global} (was {plan.global_batch})" in rest
    assert f"peak LR becomes {peak:.6g} (was {plan.peak_lr:.6g}): {why}" in rest
    if plan.reference_batch is None:
        assert peak == plan.peak_lr
    else:
        assert peak != plan.peak_lr


def test_no_batch_advice_at_batch_1(toy_config):
    assert _advice_for(toy_config, 1, 4)[1] == []
