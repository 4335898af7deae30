"""Box helpers shared by the loaders and the augmentations (pure numpy, xyxy float32 pixel boxes)."""

from __future__ import annotations

import numpy as np

# A box narrower or shorter than this (in pixels, after clipping) carries no trainable signal.
MIN_BOX_SIZE = 1.0


def clip_and_filter(
    boxes: np.ndarray, labels: np.ndarray, width: float, height: float, min_size: float = MIN_BOX_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Clip boxes to ``[0, width] x [0, height]`` and drop rows with a side < `min_size` (labels follow)."""
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4).copy()
    np.clip(boxes[:, 0::2], 0, width, out=boxes[:, 0::2])
    np.clip(boxes[:, 1::2], 0, height, out=boxes[:, 1::2])
    keep = np.all(boxes[:, 2:] - boxes[:, :2] >= min_size, axis=1)
    return boxes[keep], np.asarray(labels, dtype=np.int64)[keep]


def xywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    return np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)


def xyxy_to_xywh(boxes: np.ndarray) -> np.ndarray:
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    return np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)
