"""Text-recognition datasets as the `rec` section describes them: PaddleOCR label files or LMDB."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ppwarm.data.rec.demo import DEMO_SETS, ensure_demo_rec
from ppwarm.data.rec.dictionary import load_dict
from ppwarm.data.rec.labels import load_label_files
from ppwarm.errors import ConfigError

if TYPE_CHECKING:  # the config room shares this floor: its types only, never at run time
    from ppwarm.config.sections.rec import RecConfig

log = logging.getLogger("ppwarm")


def load_rec_data(rec: RecConfig, seed: int):
    """(char_dict, train samples, val samples) of the set the `rec` section describes.

    Generates the demo set if asked. Samples are ``(image_path, text)`` lists, or `LmdbRecords` with
    ``rec.data.format: lmdb``. `seed` draws the sampling-ratio subsets of the training files.
    """
    data = rec.data
    root = Path(data.root)
    use_lmdb = data.format == "lmdb"
    demo = data.demo if not use_lmdb else "none"  # the demo sets are label files
    if demo != "none" and ensure_demo_rec(root, shape=tuple(rec.shape), **DEMO_SETS[demo]):
        log.info("generated the synthetic %s text-line set at %s", demo, root)
    if len(data.train_ratios) != len(data.train_files):
        raise ConfigError(
            f"rec.data.train_ratios = {list(data.train_ratios)}: one ratio per train file "
            f"({len(data.train_files)})"
        )
    kind, exists = ("folder", Path.is_dir) if use_lmdb else ("file", Path.is_file)
    for name in (*data.train_files, data.val_file):
        if not exists(root / name):
            raise ConfigError(
                f"rec.data: {root / name} does not exist or is not a {kind} "
                f"(rec.data.format = {data.format}, rec.data.root = {root})"
            )
    if not (root / data.dict).is_file():
        raise ConfigError(f"rec.data: {root / data.dict} does not exist (rec.data.root = {root})")
    chars = load_dict(root / data.dict, use_space=data.use_space)
    files = [(root / f, r) for f, r in zip(data.train_files, data.train_ratios, strict=True)]
    if use_lmdb:  # imported only here: label-file users need no lmdb package
        from ppwarm.data.rec.lmdb_source import load_lmdb_folders as load
    else:
        load = partial(load_label_files, image_root=root)
    train, report = load(files, char_dict=chars, max_text_length=rec.max_text_length, seed=seed)
    val, val_report = load(
        [(root / data.val_file, 1.0)], char_dict=chars, max_text_length=rec.max_text_length, seed=0
    )
    for split, rep in (("train", report), ("val", val_report)):
        if rep.summary():
            log.warning(
                "label problems in the %s split (counted, those lines skipped):\n%s", split, rep.summary()
            )
    return chars, train, val
