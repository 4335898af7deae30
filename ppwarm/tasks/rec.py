"""The text-recognition task: a CRNN on PaddleOCR label files or LMDB (a synthetic demo set by default).

Metrics: exact-match accuracy (`acc`, selects the best model) and normalised edit distance.
"""

from __future__ import annotations

import logging
import sys
from functools import partial
from pathlib import Path
from typing import Any

from ppwarm.errors import ConfigError

log = logging.getLogger("ppwarm")


def _root(cfg: dict[str, Any]) -> Path:
    return Path(cfg["rec"]["data"]["root"])


def load_rec_data(cfg: dict[str, Any]):
    """(char_dict, train samples, val samples) of the configured set; generates the demo set if asked.

    Samples are ``(image_path, text)`` lists, or `LmdbRecords` with ``rec.data.format: lmdb``.
    """
    from ppwarm.data.rec.demo import DEMO_SETS, ensure_demo_rec
    from ppwarm.data.rec.dictionary import load_dict
    from ppwarm.data.rec.labels import load_label_files

    rec, data, root = cfg["rec"], cfg["rec"]["data"], _root(cfg)
    use_lmdb = data["format"] == "lmdb"
    demo = data["demo"] if not use_lmdb else "none"  # the demo sets are label files
    if demo != "none" and ensure_demo_rec(root, shape=tuple(rec["shape"]), **DEMO_SETS[demo]):
        log.info("generated the synthetic %s text-line set at %s", demo, root)
    if len(data["train_ratios"]) != len(data["train_files"]):
        raise ConfigError(
            f"rec.data.train_ratios = {data['train_ratios']}: one ratio per train file "
            f"({len(data['train_files'])})"
        )
    kind, exists = ("folder", Path.is_dir) if use_lmdb else ("file", Path.is_file)
    for name in (*data["train_files"], data["val_file"]):
        if not exists(root / name):
            raise ConfigError(
                f"rec.data: {root / name} does not exist or is not a {kind} "
                f"(rec.data.format = {data['format']}, rec.data.root = {root})"
            )
    if not (root / data["dict"]).is_file():
        raise ConfigError(f"rec.data: {root / data['dict']} does not exist (rec.data.root = {root})")
    chars = load_dict(root / data["dict"], use_space=data["use_space"])
    files = [(root / f, r) for f, r in zip(data["train_files"], data["train_ratios"])]
    if use_lmdb:  # imported only here: label-file users need no lmdb package
        from ppwarm.data.rec.lmdb_source import load_lmdb_folders as load
    else:
        load = partial(load_label_files, image_root=root)
    train, report = load(files, char_dict=chars, max_text_length=rec["max_text_length"], seed=cfg["seed"])
    val, val_report = load(
        [(root / data["val_file"], 1.0)], char_dict=chars, max_text_length=rec["max_text_length"], seed=0
    )
    for split, rep in (("train", report), ("val", val_report)):
        if rep.summary():
            log.warning(
                "label problems in the %s split (counted, those lines skipped):\n%s", split, rep.summary()
            )
    return chars, train, val


def train_set_size(cfg: dict[str, Any]) -> int:
    return len(load_rec_data(cfg)[1])


def evaluate_recognizer(model, dataset, chars, batch_size: int = 64) -> dict[str, float]:
    """Greedy CTC decoding of every validation line; accuracy and normalised edit distance."""
    import paddle
    from tqdm import tqdm

    from ppwarm.metrics.text import text_metrics
    from ppwarm.models.rec.decode import ctc_greedy_decode

    loader = paddle.io.DataLoader(dataset, batch_size=batch_size, shuffle=False)
    was_training = model.training
    model.eval()
    predictions: list[str] = []
    with paddle.no_grad():
        for batch in tqdm(loader, desc="eval", file=sys.stderr, leave=False):
            indices, probs = model.predict(batch["image"])
            predictions += [chars.decode(seq) for seq, _ in ctc_greedy_decode(indices.numpy(), probs.numpy())]
    if was_training:
        model.train()
    explain_blank_output(predictions)
    return text_metrics(predictions, dataset.texts)


def explain_blank_output(predictions: list[str]) -> bool:
    """Log why accuracy is 0 when every prediction is empty (the CTC blank plateau); True if it logged."""
    if not predictions or any(predictions):
        return False
    log.warning(
        "eval: all %d predictions are empty: the model still emits only CTC blanks, so acc and "
        "norm_edit_dis are 0. A recognizer trained from scratch or with a re-initialised head sits there "
        "for the first hundred or more updates (the loss falls slowly) before characters appear. If it "
        "persists, check that rec.data.dict lists the labels' characters (the label report), that the LR "
        "is not tiny (tools/plan.py), and the backbone lr_mult when fine-tuning.",
        len(predictions),
    )
    return True


def build_rec_model(cfg: dict[str, Any], num_classes: int):
    from ppwarm.models.rec.build import build_rec_preset

    return build_rec_preset(cfg["rec"]["model"], num_classes=num_classes)


def build_rec_task(cfg: dict[str, Any]):
    """Model, datasets, evaluation and the freeze-backbone hook of the recognition task."""
    from ppwarm.data.rec.dataset import RecDataset
    from ppwarm.engine.task_hooks import FreezePartHook
    from ppwarm.tasks.base import Task

    rec = cfg["rec"]
    chars, train_samples, val_samples = load_rec_data(cfg)
    model = build_rec_model(cfg, chars.num_classes)
    shape = tuple(rec["shape"])
    train = RecDataset(
        train_samples, chars, shape, rec["max_text_length"], augment=rec["augment"], seed=cfg["seed"]
    )
    val = RecDataset(val_samples, chars, shape, rec["max_text_length"], augment=False, seed=cfg["seed"])
    hooks = []
    if rec["freeze_backbone_epochs"]:
        hooks.append(FreezePartHook(model.parts["backbone"], 0, rec["freeze_backbone_epochs"]))

    def evaluate(m):
        return evaluate_recognizer(m, val, chars, batch_size=max(cfg["batch_size"], 32))

    return Task(model, train, val, evaluate, metric="acc", mode="max", hooks=hooks)
