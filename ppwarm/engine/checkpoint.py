"""Crash-safe checkpoint files: one `paddle.save` file per step, written so a reader never sees half of one.

Every file is first written to a hidden temporary name in the same directory, flushed to disk, then
renamed over its final name (`os.replace`, atomic on POSIX file systems), and the directory itself is
synced so the rename survives a power cut. A process killed at any instant therefore leaves either the old
file or the new one, plus at most a stray ".<name>.tmp-<pid>" file that readers ignore.

Directory layout kept by `CheckpointManager`::

    step_00001200.pdckpt   one per saved step; only the newest `keep_last` are kept
    best.pdckpt            the state last saved with is_best=True or by save_best(); never pruned
    latest.txt             the file name of the step checkpoint saved last, e.g. "step_00001200.pdckpt"
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paddle

from ppwarm.errors import ConfigError
from ppwarm.fileio import replace_atomically, write_text_atomically
from ppwarm.weights.safe import load_paddle_file

STEP_PATTERN = re.compile(r"^step_(\d+)\.pdckpt$")
TEMP_PATTERN = re.compile(r"^\..+\.tmp-(\d+)$")
BEST_NAME = "best.pdckpt"
LATEST_NAME = "latest.txt"


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated or not a checkpoint; the message names the file and cause."""


def save_atomic(state: dict[str, Any], path: Path) -> Path:
    """`paddle.save(state, path)` such that `path` holds either its previous content or all of `state`.

    Returns `path`. Errors from pickling or the file system propagate after the temp file is removed.
    """
    return replace_atomically(Path(path), lambda temp: paddle.save(state, str(temp)))


def _write_text_atomic(text: str, path: Path) -> Path:
    return write_text_atomically(path, text)


def _link_atomic(source: Path, path: Path) -> Path:
    """Make `path` a second name of the finished file `source`, replacing whatever `path` was."""
    return replace_atomically(path, lambda temp: os.link(source, temp))


def load_checkpoint(path: Path) -> dict[str, Any]:
    """The state dict saved at `path` (Paddle tensors come back as `paddle.Tensor`, arrays as numpy).

    Raises CheckpointError naming `path` and the cause when the file is missing, truncated, unreadable or
    holds something other than a dict.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"cannot load checkpoint {path}: no such file")
    try:
        state = load_paddle_file(path)
    except ConfigError:  # refused as unsafe (names a forbidden global): not corrupt, so never skipped
        raise
    except Exception as exc:  # paddle.load raises ValueError, EOFError, pickle errors, OSError...
        cause = f"{type(exc).__name__}: {exc}"
        raise CheckpointError(f"cannot load checkpoint {path} (truncated or corrupt?): {cause}") from exc
    if not isinstance(state, dict):
        raise CheckpointError(f"cannot load checkpoint {path}: it holds a {type(state).__name__}, not a dict")
    return state


def _process_alive(pid: int) -> bool:
    """Whether process `pid` exists. Always True on Windows, where os.kill would terminate it."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class CheckpointManager:
    """Saves numbered checkpoints into one directory, prunes old ones and finds the newest loadable one.

    Only one process (rank 0) should save into a directory at a time. Resuming with `-r auto` calls
    `CheckpointManager(output_dir / "checkpoints").latest()`.
    """

    def __init__(self, directory: Path, keep_last: int = 3) -> None:
        if keep_last < 1:
            raise ValueError(f"keep_last must be >= 1, got {keep_last}")
        self.directory = Path(directory)
        self.keep_last = keep_last

    def step_path(self, step: int) -> Path:
        return self.directory / f"step_{step:08d}.pdckpt"

    @property
    def best_path(self) -> Path:
        return self.directory / BEST_NAME

    def save(self, state: dict[str, Any], step: int, is_best: bool = False) -> Path:
        """Write `state` as the checkpoint of `step` and return its path.

        Order, each part atomic: the step file; best.pdckpt if `is_best`; latest.txt naming the step file;
        then step files beyond the newest `keep_last` are deleted (never the one just written, never
        best.pdckpt), as are temp files left by processes that no longer run. A crash at any point leaves
        `latest()` able to return this checkpoint or the previous one.
        """
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        path = save_atomic(state, self.step_path(step))
        if is_best:
            self._save_best(state, path)
        _write_text_atomic(path.name + "\n", self.directory / LATEST_NAME)
        self._prune(keep=path)
        self._remove_stale_temps()
        return path

    def save_best(self, state: dict[str, Any]) -> Path:
        """Write `state` as best.pdckpt alone (no step file, latest.txt untouched); returns its path.

        For a best result found between two periodic saves: the weights that scored it exist only now.
        """
        return save_atomic(state, self.best_path)

    def _save_best(self, state: dict[str, Any], step_file: Path) -> None:
        """Hard-link the step file as best.pdckpt; write a copy where the file system has no hard links."""
        try:
            _link_atomic(step_file, self.best_path)
        except OSError:
            save_atomic(state, self.best_path)

    def _prune(self, keep: Path) -> None:
        for step in self.steps()[: -self.keep_last]:
            path = self.step_path(step)
            if path != keep:
                path.unlink(missing_ok=True)

    def _remove_stale_temps(self) -> None:
        for path in self.directory.iterdir():
            match = TEMP_PATTERN.match(path.name)
            if match and not _process_alive(int(match.group(1))):
                path.unlink(missing_ok=True)

    def steps(self) -> list[int]:
        """Step numbers of the step_* files on disk, ascending; [] when the directory does not exist."""
        if not self.directory.is_dir():
            return []
        found = (STEP_PATTERN.match(p.name) for p in self.directory.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def _named_by_latest_txt(self) -> Path | None:
        marker = self.directory / LATEST_NAME
        if not marker.is_file():
            return None
        name = marker.read_text(encoding="utf-8", errors="replace").strip()
        if not STEP_PATTERN.match(name):  # also rejects anything with a path separator
            return None
        path = self.directory / name
        return path if path.is_file() else None

    def _candidates(self) -> Iterator[Path]:
        """latest.txt's file first, then the step files from the highest step down, without repeats."""
        named = self._named_by_latest_txt()
        if named is not None:
            yield named
        for step in reversed(self.steps()):
            path = self.step_path(step)
            if path != named:
                yield path

    def load_latest(self) -> tuple[Path, dict[str, Any]] | None:
        """(path, state) of the newest checkpoint that loads, in `latest()` order; None if none loads."""
        for path in self._candidates():
            with contextlib.suppress(CheckpointError):  # corrupt or deleted meanwhile: try the next
                return path, load_checkpoint(path)
        return None

    def latest(self) -> Path | None:
        """The newest loadable checkpoint: latest.txt's file, else step files by step number, newest first.

        A candidate counts only if it loads completely, so this reads the file once; call `load_latest()`
        instead to get the state from that same read. None when no checkpoint loads.
        """
        found = self.load_latest()
        return None if found is None else found[0]
