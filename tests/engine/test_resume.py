"""Exact resume after a real SIGKILL, resume after a batch-size change, resume errors, step counters."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml

from ppwarm.cli.train import main as train_main
from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint, save_atomic
from ppwarm.engine.events import read_jsonl
from ppwarm.engine.hooks.base import Hook
from ppwarm.lr.plan import resolve_plan
from ppwarm.optim.groups import composite_schedule
from ppwarm.runner import run_training
from ppwarm.tasks.toy import build_toy_task
from tests.engine.conftest import TOY, logged, merge

REPO = Path(__file__).resolve().parents[2]
LONG = {"epochs": 100, "checkpoint": {"save_interval": 0, "save_interval_steps": 40}, "ema": {"enable": True}}


def train_command(config: Path, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "tools" / "train.py"), "-c", str(config), *extra]


def kill_after_a_save(config: Path, min_step: int) -> int:
    """Start training, SIGKILL it right after it reports a checkpoint at >= min_step; return that step."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        train_command(config), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=REPO
    )
    deadline = time.monotonic() + 120
    try:
        for line in proc.stderr:
            found = re.search(r"saved .*step_(\d+)\.pdckpt", line)
            if found and int(found.group(1)) >= min_step:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return int(found.group(1))
            assert time.monotonic() < deadline, "training did not reach the step in time"
        raise AssertionError(f"training ended without a save at step >= {min_step}: {proc.wait()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_sigkill_and_resume_auto_is_exact(tmp_path):
    data = merge(TOY, LONG)
    whole_cfg, killed_cfg = tmp_path / "whole.yml", tmp_path / "killed.yml"
    whole_cfg.write_text(yaml.safe_dump({**data, "output_dir": str(tmp_path / "whole")}))
    killed_cfg.write_text(yaml.safe_dump({**data, "output_dir": str(tmp_path / "killed")}))
    subprocess.run(train_command(whole_cfg), check=True, capture_output=True, cwd=REPO, timeout=300)
    saved_step = kill_after_a_save(killed_cfg, min_step=120)
    assert saved_step < 800, "the kill landed mid-run"
    done = subprocess.run(
        train_command(killed_cfg, "-r", "auto"), capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"resume: continuing at step \d+ \(epoch \d+, batch \d+\), exactly", done.stderr)
    whole, resumed = (
        read_jsonl(tmp_path / "whole" / "metrics.jsonl"),
        read_jsonl(tmp_path / "killed" / "metrics.jsonl"),
    )
    for tag in ("train/loss", "train/lr/weight", "train/lr/bias", "train/momentum", "train/grad_norm"):
        assert resumed[tag] == whole[tag], tag
    assert sorted(resumed["train/loss"]) == list(range(800)), "the dashboard steps continue without a gap"
    a = load_checkpoint(CheckpointManager(tmp_path / "whole" / "checkpoints").latest())
    b = load_checkpoint(CheckpointManager(tmp_path / "killed" / "checkpoints").latest())
    for key in a["model"]:
        assert np.array_equal(a["model"][key].numpy(), b["model"][key].numpy()), key
        assert np.array_equal(a["ema"]["shadow"][key].numpy(), b["ema"]["shadow"][key].numpy()), key
    assert a["state"] == b["state"]


def test_resume_after_batch_size_change_maps_progress_by_samples(toy_config, capsys):
    first = toy_config({"epochs": 4, "checkpoint": {"save_interval": 2}})
    run_training(first)  # 32 steps of 16 samples
    cfg = toy_config({"epochs": 4, "batch_size": 8})  # same output dir: resume from step 32's checkpoint
    ckpt = CheckpointManager(Path(cfg.output_dir) / "checkpoints")
    (Path(cfg.output_dir) / "checkpoints" / ckpt.step_path(32).name).unlink()  # resume from step 16
    (Path(cfg.output_dir) / "checkpoints" / "latest.txt").unlink()
    state = run_training(cfg, resume="auto")
    err = capsys.readouterr().err
    assert "resume: global batch changed 16 -> 8" in err
    assert "peak LR now 0.025 by the linear rule" in err
    assert "step 16 -> 32 of 64" in err, "256 samples seen = 32 steps of 8"
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=16)
    schedule = composite_schedule(cfg, plan)
    log = logged(cfg)
    for t in range(32, 64):
        assert log["train/lr/weight"][t] == schedule.lr("weight", t), t
    assert state.step == 64 and state.samples_seen == 16 * 16 + 32 * 8


def test_resume_auto_without_checkpoint_is_a_clear_error(toy_config, write_config, capsys):
    cfg = toy_config()
    path = write_config(cfg.to_dict(), name="cfg.yml")
    assert train_main(["-c", str(path), "-r", "auto"]) == 2
    assert f"-r auto: no checkpoint under {cfg.output_dir}/checkpoints" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["missing.pdckpt"])
def test_resume_from_a_missing_file(toy_config, write_config, capsys, bad):
    path = write_config(toy_config().to_dict(), name="cfg.yml")
    assert train_main(["-c", str(path), "-r", bad]) == 2
    assert f"-r {bad}: no such checkpoint file" in capsys.readouterr().err


def test_checkpoint_whose_scheduler_disagrees_with_its_step_is_refused(toy_config, write_config, capsys):
    cfg = toy_config({"epochs": 2, "checkpoint": {"save_interval": 1}})  # checkpoints at steps 8 and 16
    run_training(cfg)
    saved = CheckpointManager(Path(cfg.output_dir) / "checkpoints").step_path(8)
    ckpt = load_checkpoint(saved)
    assert ckpt["optimizer"]["LR_Scheduler"]["last_epoch"] == ckpt["state"]["step"] == 8
    ckpt["optimizer"]["LR_Scheduler"]["last_epoch"] = 5  # the scheduler three updates behind its step
    tampered = Path(cfg.output_dir) / "tampered.pdckpt"
    save_atomic(ckpt, tampered)
    config = write_config(cfg.to_dict(), name="cfg.yml")
    assert train_main(["-c", str(config), "-r", str(tampered)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"error: resume: {tampered} disagrees with itself: its train state is at step 8 but its LR "
        "scheduler at step 5; not resuming from it"
    )
    state = run_training(cfg, resume=str(saved))  # the file as written passes the check
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=8)
    schedule = composite_schedule(cfg, plan)
    log = logged(cfg)
    assert state.step == 16
    assert [log["train/lr/bias"][t] for t in range(8, 16)] == list(schedule.lr("bias", np.arange(8, 16)))


class ShiftsTheScheduler(Hook):
    def before_step(self, trainer) -> None:
        if trainer.state.step == 3:
            trainer.grouped.seek(5)


def test_trainer_refuses_to_step_when_the_counters_disagree(toy_config):
    cfg = toy_config({"epochs": 2})
    task = replace(build_toy_task(cfg), hooks=[ShiftsTheScheduler()])
    with pytest.raises(RuntimeError, match="the trainer is at step 3, the LR scheduler at 5"):
        run_training(cfg, task=task)
