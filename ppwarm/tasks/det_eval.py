"""Detector evaluation: predict on the validation set, map boxes back to the original images, COCO mAP."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import paddle

from ppwarm.metrics.coco import coco_map


def to_original(boxes: np.ndarray, letterbox: np.ndarray, orig_size: np.ndarray) -> np.ndarray:
    """Input-pixel xyxy boxes -> original-image pixels: (x - pad) / r, clipped to the image."""
    r, pad_x, pad_y = (float(v) for v in letterbox)
    out = (boxes - np.array([pad_x, pad_y, pad_x, pad_y], dtype=np.float32)) / r
    height, width = float(orig_size[0]), float(orig_size[1])
    out[:, [0, 2]] = out[:, [0, 2]].clip(0, width)
    out[:, [1, 3]] = out[:, [1, 3]].clip(0, height)
    return out


def coco_results(dets: np.ndarray, image_id: int, label_to_category: dict[int, int]) -> list[dict[str, Any]]:
    """COCO result dicts from rows (label, score, x1, y1, x2, y2) in original pixels."""
    out = []
    for label, score, x1, y1, x2, y2 in dets.tolist():
        out.append(
            {
                "image_id": image_id,
                "category_id": label_to_category[int(label)],
                "bbox": [x1, y1, x2 - x1, y2 - y1],
                "score": score,
            }
        )
    return out


def predict_dataset(
    model: paddle.nn.Layer,
    dataset: paddle.io.Dataset,
    label_to_category: dict[int, int],
    batch_size: int = 8,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """COCO results for every image of an evaluation set (eval mode, no gradients, a progress bar)."""
    from tqdm import tqdm

    loader = paddle.io.DataLoader(dataset, batch_size=batch_size, shuffle=False)
    was_training = model.training
    model.eval()
    results: list[dict[str, Any]] = []
    with paddle.no_grad():
        for batch in tqdm(loader, desc="eval", disable=not progress, file=sys.stderr, leave=False):
            dets, counts = model.predict(batch["image"])
            dets, start = dets.numpy(), 0
            for i, count in enumerate(counts.numpy().tolist()):
                rows = dets[start : start + count].copy()
                start += count
                rows[:, 2:] = to_original(
                    rows[:, 2:], batch["letterbox"][i].numpy(), batch["orig_size"][i].numpy()
                )
                results += coco_results(rows, int(batch["im_id"][i]), label_to_category)
    if was_training:
        model.train()
    return results


def evaluate_detector(
    model: paddle.nn.Layer,
    dataset: paddle.io.Dataset,
    gt: dict[str, Any],
    label_to_category: dict[int, int],
    batch_size: int = 8,
) -> dict[str, float]:
    """COCO mAP@[.5:.95], mAP@.5 and AP@.5 per class of `model` on `dataset` against ground truth `gt`."""
    return coco_map(gt, predict_dataset(model, dataset, label_to_category, batch_size))
