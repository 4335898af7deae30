"""Text-recognition samples from PaddleOCR LMDB datasets: the LMDB counterpart of `labels.load_label_files`.

Labels are judged at load time exactly as label-file lines are (`LabelReport.admit`), reading only the
label keys and checking that each kept record's image key exists; images are decoded when a sample is
read, and a record that does not decode raises there, naming its environment and index.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import cv2
import lmdb
import numpy as np

from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.labels import LabelReport, sample_subset
from ppwarm.data.rec.lmdb_io import find_environments, image_key, label_key, read_num_samples, reader


class LmdbRecords:
    """Sample source (see `dataset.SampleSource`) over records of PaddleOCR LMDB environments.

    Sample i is record ``indices[i]`` of environment ``env_paths[env_ids[i]]``. It holds paths, never an
    open Environment: `load_image` asks `lmdb_io.reader` for the handle of the process it runs in
    (opened on first use there), so the source pickles and forks into DataLoader workers freely.
    """

    def __init__(self, env_paths: list[str], env_ids: np.ndarray, indices: np.ndarray, texts: list[str]):
        if not len(env_ids) == len(indices) == len(texts):
            raise ValueError(f"{len(env_ids)} env ids, {len(indices)} indices and {len(texts)} texts")
        self.env_paths = list(env_paths)
        self.env_ids = np.asarray(env_ids, dtype=np.int32)
        self.indices = np.asarray(indices, dtype=np.int64)
        self.texts = list(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def load_image(self, index: int) -> np.ndarray:
        """RGB uint8 ``[H, W, 3]`` of sample `index`, decoded as `cv2.imread` decodes a file."""
        path, record = self.env_paths[self.env_ids[index]], int(self.indices[index])
        with reader(path).begin(buffers=True) as txn:
            data = txn.get(image_key(record))
            img = None if data is None else cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if img is None:
            raise ValueError(f"cannot decode image-{record:09d} of LMDB {path}")
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _read_label(txn: lmdb.Transaction, record: int, env_path: Path, report: LabelReport) -> str | None:
    """The utf-8 label of `record`; None, counted as malformed, when absent, not utf-8 or empty."""
    raw = txn.get(label_key(record))
    where = f"{env_path} label-{record:09d}"
    if raw is None:
        report.drop("malformed", f"{where} missing")
        return None
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        report.drop("malformed", f"{where} is not utf-8")
        return None
    if not text:  # CTC needs at least one target character
        report.drop("malformed", f"{where} is empty")
    return text or None


def _usable_label(
    txn: lmdb.Transaction,
    record: int,
    env_path: Path,
    char_dict: CharDict,
    max_text_length: int,
    report: LabelReport,
) -> str | None:
    """The label of `record` if the recognizer can train on it and its image key exists, else None with
    the reason counted in `report` (the checks and their order of `labels.load_label_files`)."""
    text = _read_label(txn, record, env_path, report)
    if text is None or not report.admit(text, char_dict, max_text_length):
        return None
    if txn.get(image_key(record)) is None:
        report.drop("missing_images", f"{env_path} image-{record:09d}")
        return None
    return text


def _chosen_records(counts: list[int], ratio: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``(env positions, 1-based record indices)`` of the records `sample_subset` keeps, in order, when the
    environments' records are concatenated."""
    offsets = np.cumsum([0, *counts])
    flat = np.asarray(sample_subset(range(int(offsets[-1])), ratio, rng), dtype=np.int64)
    envs = np.searchsorted(offsets, flat, side="right") - 1
    return envs, flat - offsets[envs] + 1


def load_lmdb_folders(
    folders: list[tuple[Path, float]],
    char_dict: CharDict,
    max_text_length: int,
    seed: int,
) -> tuple[LmdbRecords, LabelReport]:
    """Read every ``(folder, ratio)`` (all environments found under the folder, see `find_environments`)
    and return ``(records, report)``; the LMDB counterpart of `labels.load_label_files`.

    The ratio samples the folder's records (its environments concatenated in path order); the subset of
    folder k depends only on ``(seed, k)`` and the record counts, so it is the same on every rank and run.
    """
    report = LabelReport()
    env_paths: list[str] = []
    env_ids: list[int] = []
    indices: list[int] = []
    texts: list[str] = []
    for k, (folder, ratio) in enumerate(folders):
        paths = find_environments(folder)
        with ExitStack() as stack:
            # buffers: a lookup returns a view into the map, so checking an image key reads no image bytes
            txns = [stack.enter_context(reader(p).begin(buffers=True)) for p in paths]
            counts = [read_num_samples(txn, p) for txn, p in zip(txns, paths, strict=True)]
            for j, record in zip(
                *_chosen_records(counts, ratio, np.random.default_rng([seed, k])), strict=True
            ):
                text = _usable_label(txns[j], int(record), paths[j], char_dict, max_text_length, report)
                if text is not None:
                    env_ids.append(len(env_paths) + int(j))
                    indices.append(int(record))
                    texts.append(text)
                    report.kept += 1
        env_paths += [str(p) for p in paths]
    return LmdbRecords(env_paths, np.array(env_ids), np.array(indices), texts), report
