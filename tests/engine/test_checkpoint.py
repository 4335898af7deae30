"""Checkpoint files: exact round trip, pruning, finding the newest good file, surviving a kill mid-save."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import paddle
import pytest

from ppwarm.engine.checkpoint import CheckpointError, CheckpointManager, load_checkpoint, save_atomic
from tests.engine._save_forever import make_state

SAVER_SCRIPT = Path(__file__).with_name("_save_forever.py")


def assert_same(expected: Any, actual: Any, where: str = "state") -> None:
    """Nested dicts/lists equal key by key; tensors and arrays compared as numpy arrays."""
    if isinstance(expected, dict):
        assert set(actual) == set(expected), where
        for key, value in expected.items():
            assert_same(value, actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, (paddle.Tensor, np.ndarray)):
        expected_np = expected.numpy() if isinstance(expected, paddle.Tensor) else expected
        actual_np = actual.numpy() if isinstance(actual, paddle.Tensor) else actual
        assert actual_np.dtype == expected_np.dtype, where
        np.testing.assert_array_equal(actual_np, expected_np, err_msg=where)
    else:
        assert actual == expected, where


def make_trainables() -> tuple[paddle.nn.Linear, paddle.optimizer.Momentum]:
    """A Linear model and a Momentum optimizer driven by a StepDecay scheduler (LR 0.1, halved per step)."""
    model = paddle.nn.Linear(4, 3)
    scheduler = paddle.optimizer.lr.StepDecay(learning_rate=0.1, step_size=1, gamma=0.5)
    return model, paddle.optimizer.Momentum(scheduler, momentum=0.9, parameters=model.parameters())


def training_state() -> dict[str, Any]:
    """A realistic checkpoint: model, EMA copy, optimizer + scheduler after one update, arrays, scalars."""
    paddle.seed(0)
    model, optimizer = make_trainables()
    model(paddle.rand([8, 4])).mean().backward()
    optimizer.step()
    optimizer._learning_rate.step()
    return {
        "model": model.state_dict(),
        "ema": {k: v * 0.5 for k, v in model.state_dict().items()},
        "optimizer": optimizer.state_dict(),
        "arrays": {"loss_history": np.linspace(1.0, 0.1, 7), "seen": np.array([True, False])},
        "train": {"step": 1, "epoch": 0, "lr_factor": 0.5, "best_metric": None, "tag": "run-a"},
    }


def read_step(path: Path) -> int:
    return load_checkpoint(path)["step"]


def make_manager(tmp_path: Path, steps: range, keep_last: int = 10) -> CheckpointManager:
    manager = CheckpointManager(tmp_path / "checkpoints", keep_last=keep_last)
    for step in steps:
        manager.save({"step": step}, step)
    return manager


# --- save / load ---------------------------------------------------------------------------------------


def test_round_trip_keeps_every_tensor_array_and_value(tmp_path: Path) -> None:
    state = training_state()
    assert "LR_Scheduler" in state["optimizer"]  # the scheduler travels inside the optimizer state
    path = save_atomic(state, tmp_path / "ckpt.pdckpt")
    assert_same(state, load_checkpoint(path))
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pdckpt"]


def test_loaded_state_restores_into_fresh_objects(tmp_path: Path) -> None:
    state = training_state()
    loaded = load_checkpoint(save_atomic(state, tmp_path / "ckpt.pdckpt"))
    model, optimizer = make_trainables()
    model.set_state_dict(loaded["model"])
    optimizer.set_state_dict(loaded["optimizer"])
    assert_same(state["model"], model.state_dict())
    assert_same(state["optimizer"], optimizer.state_dict())
    assert optimizer.get_lr() == pytest.approx(0.05)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint" * 50], ids=["empty", "garbage"])
def test_unreadable_file_raises_checkpoint_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pdckpt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=re.escape(str(path))):
        load_checkpoint(path)


def test_truncated_file_raises_checkpoint_error_naming_it(tmp_path: Path) -> None:
    path = save_atomic(training_state(), tmp_path / "ckpt.pdckpt")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=re.escape(str(path))) as info:
        load_checkpoint(path)
    assert isinstance(info.value, RuntimeError)
    assert info.value.__cause__ is not None


def test_missing_file_and_non_dict_raise_checkpoint_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "absent.pdckpt")
    path = tmp_path / "list.pdckpt"
    paddle.save([1, 2], str(path))
    with pytest.raises(CheckpointError, match="not a dict"):
        load_checkpoint(path)


# --- CheckpointManager.save: pruning, best, latest.txt ----------------------------------------------------


def test_keep_last_prunes_old_steps_but_never_best(tmp_path: Path) -> None:
    manager = CheckpointManager(tmp_path / "checkpoints", keep_last=2)
    for step in range(1, 6):
        manager.save({"step": step}, step, is_best=step == 2)
    assert manager.steps() == [4, 5]
    assert read_step(manager.best_path) == 2  # its step file is gone; the best copy is not
    assert (manager.directory / "latest.txt").read_text().strip() == "step_00000005.pdckpt"
    assert manager.latest() == manager.step_path(5)


def test_best_is_written_as_a_copy_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: Any) -> None:
        raise OSError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    manager = make_manager(tmp_path, range(1, 2))
    manager.save({"step": 2}, 2, is_best=True)
    assert read_step(manager.best_path) == 2
    assert not any(p.name.startswith(".") for p in manager.directory.iterdir())


def test_resaving_an_older_step_keeps_the_file_just_written(tmp_path: Path) -> None:
    manager = make_manager(tmp_path, range(5, 7), keep_last=2)
    manager.save({"step": 3}, 3)  # e.g. resumed from an earlier checkpoint
    assert manager.steps() == [3, 5, 6]
    assert manager.latest() == manager.step_path(3)


def test_failed_replace_leaves_previous_checkpoint_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = make_manager(tmp_path, range(1, 2))
    latest_txt = (manager.directory / "latest.txt").read_text()

    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk went away"):
        manager.save({"step": 2}, 2, is_best=True)
    monkeypatch.undo()
    assert sorted(p.name for p in manager.directory.iterdir()) == ["latest.txt", "step_00000001.pdckpt"]
    assert (manager.directory / "latest.txt").read_text() == latest_txt
    assert read_step(manager.step_path(1)) == 1
    assert manager.latest() == manager.step_path(1)


def test_write_dying_halfway_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_save(state: Any, path: str) -> None:
        Path(path).write_bytes(b"half of a pickle")
        raise OSError("no space left on device")

    monkeypatch.setattr(paddle, "save", half_save)
    with pytest.raises(OSError, match="no space left"):
        save_atomic({"step": 1}, tmp_path / "ckpt.pdckpt")
    assert list(tmp_path.iterdir()) == []


def test_stale_temp_files_are_ignored_and_removed_by_save(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    manager = make_manager(tmp_path, range(1, 3))
    stale = manager.directory / f".step_00000009.pdckpt.tmp-{dead.pid}"
    stale.write_bytes(b"half a checkpoint")
    assert manager.steps() == [1, 2]
    assert manager.latest() == manager.step_path(2)
    manager.save({"step": 3}, 3)
    assert not stale.exists()


# --- CheckpointManager.latest: which file resume picks ------------------------------------------------


def test_latest_is_none_without_checkpoints(tmp_path: Path) -> None:
    assert CheckpointManager(tmp_path / "missing").latest() is None
    assert CheckpointManager(tmp_path / "missing").steps() == []
    (tmp_path / "empty").mkdir()
    assert CheckpointManager(tmp_path / "empty").latest() is None


def test_latest_prefers_the_file_named_in_latest_txt(tmp_path: Path) -> None:
    manager = make_manager(tmp_path, range(1, 4))
    (manager.directory / "latest.txt").write_text("step_00000002.pdckpt\n")
    assert manager.latest() == manager.step_path(2)


@pytest.mark.parametrize("marker", [None, "", "../outside.pdckpt", "\x00\xff junk"])
def test_latest_falls_back_to_newest_step_without_a_usable_latest_txt(
    tmp_path: Path, marker: str | None
) -> None:
    manager = make_manager(tmp_path, range(1, 4))
    latest_txt = manager.directory / "latest.txt"
    if marker is None:
        latest_txt.unlink()
    else:
        latest_txt.write_text(marker)
    assert manager.latest() == manager.step_path(3)


def test_latest_skips_a_deleted_file_named_in_latest_txt(tmp_path: Path) -> None:
    manager = make_manager(tmp_path, range(1, 4))
    manager.step_path(3).unlink()
    assert manager.latest() == manager.step_path(2)


def test_latest_skips_corrupt_files_newest_first(tmp_path: Path) -> None:
    manager = make_manager(tmp_path, range(1, 4))
    manager.step_path(3).write_bytes(os.urandom(4096))
    assert manager.latest() == manager.step_path(2)
    path, state = manager.load_latest()
    assert (path, state["step"]) == (manager.step_path(2), 2)
    manager.step_path(2).write_bytes(b"")
    manager.step_path(1).write_bytes(manager.step_path(1).read_bytes()[:-3])
    assert manager.latest() is None


# --- a real SIGKILL in the middle of saving ------------------------------------------------------------

KILL_ROUNDS = 3
SAVES_BEFORE_KILL = 3
ROUND_TIMEOUT_S = 30.0  # a watchdog kills the saver if it never reports; the test cannot hang


def reported_steps(output: bytes) -> list[int]:
    return [int(n) for n in re.findall(rb"^saved (\d+)$", output, flags=re.MULTILINE)]


def run_saver_and_kill(directory: Path, delay: float, stderr_log: Path) -> int:
    """Start the saver, wait for SAVES_BEFORE_KILL saves, sleep `delay`, SIGKILL it; return its last step."""
    with open(stderr_log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(SAVER_SCRIPT), str(directory)], stdout=subprocess.PIPE, stderr=stderr
        )
    watchdog = threading.Timer(ROUND_TIMEOUT_S, proc.kill)
    watchdog.start()
    try:
        steps: list[int] = []
        while len(steps) < SAVES_BEFORE_KILL:
            line = proc.stdout.readline()
            if not line:  # the saver died, or the watchdog killed it
                break
            steps += reported_steps(line)
        assert len(steps) >= SAVES_BEFORE_KILL, f"saver stopped early:\n{stderr_log.read_text()}"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        steps += reported_steps(proc.stdout.read())  # lines printed before the signal landed
        proc.wait(timeout=ROUND_TIMEOUT_S)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return max(steps)


def assert_intact(path: Path) -> int:
    state = load_checkpoint(path)
    np.testing.assert_array_equal(state["array"], make_state(state["step"])["array"])
    return state["step"]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_during_saves_leaves_a_loadable_latest(tmp_path: Path) -> None:
    rng = random.Random()
    for round_ in range(KILL_ROUNDS):
        directory = tmp_path / f"run{round_}"
        delay = rng.uniform(0.0, 0.15)  # a save takes 10-20 ms: most kills land mid-save
        last_saved = run_saver_and_kill(directory, delay, tmp_path / f"stderr{round_}.txt")
        manager = CheckpointManager(directory)
        context = f"round {round_}, delay {delay:.3f}s, files {sorted(p.name for p in directory.iterdir())}"
        latest = manager.latest()
        assert latest is not None, context
        assert assert_intact(latest) >= last_saved, context
        for step in manager.steps():  # every visible step file is complete: none is ever half-written
            assert assert_intact(manager.step_path(step)) == step, context
        if manager.best_path.exists():
            assert assert_intact(manager.best_path) % 3 == 0, context
