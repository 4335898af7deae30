"""Files and folders that appear whole or not at all: the one implementation every writer uses.

A file is written to a temp name beside it (`.<name>.tmp-<pid>`), synced, renamed over the target, and the
directory is synced so the rename survives a crash. A folder is filled under a temp name and renamed.
Killing the process at any moment leaves the previous content (or nothing), plus at most a stray temp.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def temp_path(path: Path) -> Path:
    """The temp name `replace_atomically` writes before renaming onto `path`."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def fsync_directory(directory: Path) -> None:
    """Make renames inside `directory` durable. Windows cannot open a directory; NTFS needs no sync."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def replace_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(temp)` for a temp file beside `path`, sync it and rename it onto `path`.

    If anything fails, `path` is untouched (old content or still absent) and the temp file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    temp.unlink(missing_ok=True)  # a leftover could be a hard link to a live file: never write into it
    try:
        write(temp)
        _fsync_file(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
    return path


def write_text_atomically(path: Path, text: str) -> Path:
    return replace_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def make_dir_atomically(root: Path, fill: Callable[[Path], None]) -> Path:
    """Create folder `root` by calling `fill(temp_folder)` and renaming it to `root` when complete.

    `root` must not exist or be empty (FileExistsError otherwise); a failure removes the temp folder.
    """
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} exists and is not empty")
    root.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{root.name}.partial-", dir=root.parent))
    try:
        fill(temp)
        if root.exists():
            root.rmdir()
        temp.rename(root)
    finally:
        if temp.exists():
            shutil.rmtree(temp)
    return root
