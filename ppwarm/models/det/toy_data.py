"""Tiny synthetic detection batches (bright class-coloured rectangles on noise) for tests and smoke runs.

The batch follows the data pipeline's contract: `image` float32 [B, 3, S, S], `gt_boxes` float32
[B, M, 4] xyxy pixels with zero padding rows, `gt_labels` int64 [B, M] with -1 for padding.
"""

from __future__ import annotations

import numpy as np
import paddle


def toy_detection_batch(
    batch_size: int = 4, size: int = 128, num_classes: int = 2, max_boxes: int = 2, seed: int = 0
) -> dict[str, paddle.Tensor]:
    """A deterministic batch: image i holds 1..max_boxes big boxes (side 30-60% of `size`).

    Class c brightens channel c % 3 inside its box, so class and extent are visible to a small model.
    """
    rng = np.random.RandomState(seed)
    image = rng.uniform(-0.2, 0.2, (batch_size, 3, size, size)).astype("float32")
    boxes = np.zeros((batch_size, max_boxes, 4), dtype="float32")
    labels = np.full((batch_size, max_boxes), -1, dtype="int64")
    for b in range(batch_size):
        for j in range(rng.randint(1, max_boxes + 1)):
            w, h = rng.uniform(0.3, 0.6, 2) * size
            x1, y1 = rng.uniform(0, size - w), rng.uniform(0, size - h)
            boxes[b, j] = np.round([x1, y1, x1 + w, y1 + h])
            labels[b, j] = rng.randint(num_classes)
            x1i, y1i, x2i, y2i = boxes[b, j].astype(int)
            image[b, labels[b, j] % 3, y1i:y2i, x1i:x2i] += 1.5
    return {
        "image": paddle.to_tensor(image),
        "gt_boxes": paddle.to_tensor(boxes),
        "gt_labels": paddle.to_tensor(labels),
    }
