"""PaddleOCR recognition LMDB environments: the key layout, finding and opening them, writing them.

An environment is a folder holding ``data.mdb`` with keys ``num-samples`` (ascii int) and, for i = 1..N,
``image-%09d`` (encoded image bytes, e.g. PNG or JPEG) and ``label-%09d`` (utf-8 text), as PaddleOCR's
LMDBDataSet reads them. A dataset folder may hold several environments in subfolders; all are used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import lmdb

from ppwarm.data.rec.labels import LabelReport, existing_image, parse_label_line, read_label_lines
from ppwarm.errors import ConfigError
from ppwarm.fileio import make_dir_atomically

NUM_SAMPLES_KEY = b"num-samples"
_PAGE = 4096
_RECORDS_PER_COMMIT = 1000

ImageData = bytes | str | Path


def image_key(index: int) -> bytes:
    return b"image-%09d" % index


def label_key(index: int) -> bytes:
    return b"label-%09d" % index


def find_environments(folder: Path) -> list[Path]:
    """Every folder at or below `folder` that holds a ``data.mdb``, sorted by path; hidden folders (a
    leftover ``.name.partial-*`` of an interrupted `write_lmdb`) are skipped. Symlinked folders are
    followed. Raises ConfigError naming `folder` when it is not a folder or holds no environment."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder (an LMDB dataset is a folder of LMDB environments)")
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if "data.mdb" in filenames:
            found.append(Path(dirpath))
    if not found:
        raise ConfigError(f"{folder}: no LMDB environment (a folder holding data.mdb) in it or below it")
    return sorted(found)


# py-lmdb refuses to open an environment twice in one process, and LMDB forbids using a handle opened
# before a fork: so each process keeps one read-only handle per path, opened on first use.
_READERS: dict[str, lmdb.Environment] = {}
_READERS_LOCK = threading.Lock()


def _forget_inherited_readers() -> None:
    """In a forked child: close the parent's handles (harmless to the parent: without a lock file, closing
    only unmaps the child's view) so `reader` opens the child's own; the lock may have been held."""
    global _READERS_LOCK
    _READERS_LOCK = threading.Lock()
    for env in _READERS.values():
        env.close()
    _READERS.clear()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere workers are spawned and start empty
    os.register_at_fork(after_in_child=_forget_inherited_readers)


def reader(path: Path) -> lmdb.Environment:
    """This process's read-only handle of environment `path`, opened on first use as PaddleOCR opens
    them (no lock file, no readahead, no meminit) and kept open for the life of the process.

    Call it in the process that reads (e.g. in `__getitem__`); never pass its result to another process.
    An environment replaced on disk after its first use in a process is not seen by that process.
    """
    key = str(path)
    with _READERS_LOCK:
        env = _READERS.get(key)
        if env is None:
            env = _READERS[key] = lmdb.open(key, readonly=True, lock=False, readahead=False, meminit=False)
        return env


def read_num_samples(txn: lmdb.Transaction, path: Path) -> int:
    """The environment's ``num-samples``; ConfigError naming `path` when it is missing or not an int."""
    raw = txn.get(NUM_SAMPLES_KEY)
    if raw is None:
        raise ConfigError(f"{path}: LMDB environment has no 'num-samples' key (not a PaddleOCR rec LMDB?)")
    try:
        count = int(bytes(raw).decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise ConfigError(f"{path}: LMDB 'num-samples' is {bytes(raw)[:20]!r}, not an integer") from None
    if count < 0:
        raise ConfigError(f"{path}: LMDB 'num-samples' is {count}")
    return count


def _image_bytes(image: ImageData) -> bytes:
    return image if isinstance(image, bytes) else Path(image).read_bytes()


def _map_size(samples: Sequence[tuple[ImageData, str]]) -> int:
    """Room for every record: a value can waste up to a page, B-tree leaves may be half full."""
    payload = 0
    for image, text in samples:
        size = len(image) if isinstance(image, bytes) else Path(image).stat().st_size
        payload += size + len(text.encode("utf-8")) + 2 * _PAGE
    return 2 * payload + (8 << 20)


def write_lmdb(samples: Sequence[tuple[ImageData, str]], folder: Path) -> Path:
    """Write ``[(image, text), ...]`` as one PaddleOCR-compatible environment at `folder`; returns `folder`.

    `image` is encoded image bytes or the path of an image file, stored as is (never re-encoded), so a
    record decodes to exactly the pixels of its file. Records are numbered 1..N in the given order and
    ``num-samples`` is written last. The environment is filled in a temp sibling folder and renamed (see
    `fileio.make_dir_atomically`): `folder` (absent or empty) ends up whole or not at all.
    """
    map_size = _map_size(samples)

    def fill(temp: Path) -> None:
        with lmdb.open(str(temp), map_size=map_size) as env:
            for start in range(0, len(samples), _RECORDS_PER_COMMIT):
                with env.begin(write=True) as txn:
                    for i in range(start, min(start + _RECORDS_PER_COMMIT, len(samples))):
                        image, text = samples[i]
                        txn.put(image_key(i + 1), _image_bytes(image))
                        txn.put(label_key(i + 1), text.encode("utf-8"))
            with env.begin(write=True) as txn:
                txn.put(NUM_SAMPLES_KEY, str(len(samples)).encode("ascii"))

    return make_dir_atomically(folder, fill)


def label_file_to_lmdb(label_file: Path, image_root: Path, folder: Path) -> LabelReport:
    """Convert a PaddleOCR label file (paths relative to `image_root`) into an environment at `folder`.

    Every well-formed line whose image exists becomes a record, in file order; no dictionary or length
    filtering (the training config does that when it loads the LMDB). Malformed lines and missing images
    are left out and counted in the returned report (``kept`` = records written).
    """
    report = LabelReport()
    samples: list[tuple[ImageData, str]] = []
    for line in read_label_lines(label_file):
        pair = parse_label_line(line, report)
        image_path = None if pair is None else existing_image(image_root, pair[0], report)
        if pair is not None and image_path is not None:
            samples.append((image_path, pair[1]))
    write_lmdb(samples, folder)
    report.kept = len(samples)
    return report
