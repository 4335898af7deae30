"""examples/plain_loop.py trains as the trainer does: the same loss, group LRs and momentum at every step."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppwarm.runner import run_training
from tests.engine.conftest import TOY, logged, merge

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "plain_loop.py"


def plain_loop():
    spec = importlib.util.spec_from_file_location("plain_loop", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("extra", "steps"),
    [({}, 32), ({"batch_size": 8, "accumulate": 3, "ema": {"enable": True}}, 24)],
    ids=["toy", "accumulate-3-with-ema"],
)
def test_plain_loop_equals_the_trainer_step_for_step(make_config, tmp_path, capsys, extra, steps):
    """Measured equal to the bit. EMA (when on) only shadows the weights, so it changes nothing here;
    16 batches of 8 in windows of 3 leave a short last window in every epoch (6 updates per epoch)."""
    cfg = make_config(
        {**merge(TOY, {"ema": {"enable": False}, **extra}), "output_dir": str(tmp_path / "run")}
    )
    run_training(cfg)
    trainer = logged(cfg)
    records = plain_loop().main(cfg)
    assert len(records) == len(trainer["train/loss"]) == steps
    groups = {tag.removeprefix("train/lr/") for tag in trainer if tag.startswith("train/lr/")}
    assert groups == {"weight", "bias", "norm"}
    for record in records:
        t = record["step"]
        assert record["loss"] == trainer["train/loss"][t], t
        assert record["momentum"] == trainer["train/momentum"][t], t
        assert {g: record[f"lr/{g}"] for g in groups} == {g: trainer[f"train/lr/{g}"][t] for g in groups}, t
    assert f"step {steps}/{steps}  lr " in capsys.readouterr().out


@pytest.mark.slow
def test_the_example_runs_as_a_script_under_80_lines():
    assert len(EXAMPLE.read_text(encoding="utf-8").splitlines()) < 80
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "-c", "configs/toy.yml", "-o", "epochs=2", "log_interval=8"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("step 32/32  lr ")
