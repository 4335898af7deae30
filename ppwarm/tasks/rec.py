"""The text-recognition task: a CRNN on PaddleOCR label files or LMDB (a synthetic demo set by default).

Metrics: exact-match accuracy (`acc`, selects the best model) and normalised edit distance.
"""

from __future__ import annotations

import logging
import sys

from ppwarm.config import Config
from ppwarm.data.rec.load import load_rec_data

log = logging.getLogger("ppwarm")


def train_set_size(cfg: Config) -> int:
    return len(load_rec_data(cfg.rec, cfg.seed)[1])


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


def build_rec_model(cfg: Config, num_classes: int):
    from ppwarm.models.rec.build import build_rec_preset

    return build_rec_preset(cfg.rec.model, num_classes=num_classes)


def build_rec_task(cfg: Config):
    """Model, datasets, evaluation and the freeze-backbone hook of the recognition task."""
    from ppwarm.data.rec.dataset import RecDataset
    from ppwarm.engine.hooks.epoch import FreezePartHook
    from ppwarm.engine.task import Task

    rec = cfg.rec
    chars, train_samples, val_samples = load_rec_data(rec, cfg.seed)
    model = build_rec_model(cfg, chars.num_classes)
    shape = rec.shape
    train = RecDataset(train_samples, chars, shape, rec.max_text_length, augment=rec.augment, seed=cfg.seed)
    val = RecDataset(val_samples, chars, shape, rec.max_text_length, augment=False, seed=cfg.seed)
    hooks = []
    if rec.freeze_backbone_epochs:
        hooks.append(FreezePartHook(model.parts["backbone"], 0, rec.freeze_backbone_epochs))

    def evaluate(m):
        return evaluate_recognizer(m, val, chars, batch_size=max(cfg.batch_size, 32))

    return Task(model, train, val, evaluate, metric="acc", mode="max", hooks=hooks)
