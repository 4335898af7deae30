"""Per-class non-maximum suppression producing the detector's output rows.

Both methods return (detections [D, 6] float32 rows (label, score, x1, y1, x2, y2), counts [B] int32),
image 0's rows first. "matrix" is Matrix NMS (Wang et al. 2020, SOLOv2; PP-YOLO's choice), one Paddle op
that exports to a static graph: overlapping boxes get their score decayed (linear kernel) instead of
removed, and rows whose decayed score falls below score_threshold are dropped, so nms_threshold is not
used. "hard" is classic greedy NMS with IoU threshold nms_threshold (paddle.vision.ops.nms), run per
image in Python: dygraph only, for evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import paddle
from paddle.vision.ops import matrix_nms, nms

NMS_METHODS = ("matrix", "hard")


@dataclass(frozen=True)
class NMSConfig:
    """Thresholds for `multiclass_nms`; nms_top_k caps candidates per class (matrix) or image (hard)."""

    score_threshold: float = 0.01
    nms_threshold: float = 0.45
    keep_top_k: int = 100
    nms_top_k: int = 1000
    method: str = "matrix"

    def __post_init__(self) -> None:
        if self.method not in NMS_METHODS:
            raise ValueError(f"nms method must be one of {NMS_METHODS}, got {self.method!r}")


def multiclass_nms(
    boxes: paddle.Tensor, scores: paddle.Tensor, cfg: NMSConfig
) -> tuple[paddle.Tensor, paddle.Tensor]:
    """boxes [B, N, 4] xyxy pixels, scores [B, N, C] -> (detections [D, 6], counts [B] int32)."""
    if cfg.method == "hard":
        return _hard_nms(boxes, scores, cfg)
    dets, counts, _ = matrix_nms(
        boxes,
        scores.transpose([0, 2, 1]),
        score_threshold=cfg.score_threshold,
        post_threshold=cfg.score_threshold,
        nms_top_k=cfg.nms_top_k,
        keep_top_k=cfg.keep_top_k,
        background_label=-1,
        # `normalized` only switches off the legacy "+1 pixel" in box areas; our coordinates are continuous.
        normalized=True,
    )
    return dets.astype("float32"), counts.astype("int32")


def _hard_nms(
    boxes: paddle.Tensor, scores: paddle.Tensor, cfg: NMSConfig
) -> tuple[paddle.Tensor, paddle.Tensor]:
    rows, counts = [], []
    # no strict=: paddle.jit traces this and its zip takes no keywords
    for image_boxes, image_scores in zip(boxes, scores):  # noqa: B905
        found = _hard_nms_image(image_boxes, image_scores, cfg)
        rows.append(found)
        counts.append(found.shape[0])
    return paddle.concat(rows, axis=0), paddle.to_tensor(counts, dtype="int32")


def _hard_nms_image(boxes: paddle.Tensor, scores: paddle.Tensor, cfg: NMSConfig) -> paddle.Tensor:
    """One image: boxes [N, 4], scores [N, C] -> rows [D, 6] sorted by score."""
    where = paddle.nonzero(scores > cfg.score_threshold)  # [D, 2] (box, class)
    if where.shape[0] == 0:
        return paddle.zeros([0, 6], dtype="float32")
    cand = paddle.gather_nd(scores, where)
    top = paddle.argsort(cand, descending=True)[: cfg.nms_top_k]
    where, cand = paddle.gather(where, top), paddle.gather(cand, top)
    cand_boxes = paddle.gather(boxes, where[:, 0])
    labels = where[:, 1]
    categories = sorted(set(labels.numpy().tolist()))
    keep = nms(cand_boxes, cfg.nms_threshold, cand, labels, categories, min(cfg.keep_top_k, cand.shape[0]))
    label_col = paddle.gather(labels, keep).astype("float32").unsqueeze(1)
    score_col = paddle.gather(cand, keep).unsqueeze(1)
    return paddle.concat([label_col, score_col, paddle.gather(cand_boxes, keep)], axis=1)
