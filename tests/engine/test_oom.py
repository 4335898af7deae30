"""Out of memory during training: the last good state is saved, the advice has numbers, -r continues."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint
from ppwarm.engine.oom import is_out_of_memory
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
    assert "-o batch_size=8 accumulate=2: the same global batch (16)" in message
    assert "-o data.num_workers=1" in message and "-o amp.enable=true" in message
    saved = load_checkpoint(CheckpointManager(Path(cfg.output_dir) / "checkpoints").latest())
    assert saved["state"]["step"] == 10 and saved["state"]["batch_in_epoch"] == 2, "update 10 not done yet"
    resumed = run_training(
        toy_config({"data": {"num_workers": 2}, "batch_size": 8, "accumulate": 2}), resume="auto"
    )
    assert resumed.step == 32 and resumed.samples_seen == 32 * 16
