"""YOLOv3 target assignment, vectorised over the batch and the ground-truth rows.

Each real ground truth is matched to the one anchor (of all levels) with the highest width-height IoU;
that anchor's level and the cell containing the box centre make the single positive prediction for it
(Redmon & Farhadi 2018). Two ground truths falling on the same cell and anchor share that prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

import paddle

from ppwarm.models.det.anchors import AnchorSet
from ppwarm.models.det.boxes import wh_iou, xyxy_to_xywh


@dataclass(frozen=True)
class Assignment:
    """Ground truths flattened to R = B*M rows (image-major) with their matched anchor.

    `valid` is 1.0 for real boxes (label >= 0 and positive width and height), 0.0 for padding; every
    other field of a padding row holds harmless finite values.
    """

    valid: paddle.Tensor  # [R] float32
    batch: paddle.Tensor  # [R] int64 image index
    level: paddle.Tensor  # [R] int64 level of the best anchor
    slot: paddle.Tensor  # [R] int64 position of the best anchor inside its level
    labels: paddle.Tensor  # [R] int64, padding clipped to 0
    xywh: paddle.Tensor  # [R, 4] centre and size in pixels
    boxes: paddle.Tensor  # [B, M, 4] xyxy, as given
    valid_bm: paddle.Tensor  # [B, M] float32


@dataclass(frozen=True)
class LevelTargets:
    """Where the ground truths matched to one level sit in that level's flattened [B*A*H*W] predictions."""

    pos: paddle.Tensor  # [R] float32, 1.0 if the row is a positive of this level
    index: paddle.Tensor  # [R] int64 row in the flattened level (0 for non-positives)
    grid: paddle.Tensor  # [R, 2] float32 cell (x, y)
    anchor_wh: paddle.Tensor  # [R, 2] float32 matched anchor size in pixels


def assign_anchors(gt_boxes: paddle.Tensor, gt_labels: paddle.Tensor, anchor_set: AnchorSet) -> Assignment:
    """Match every ground-truth row of gt_boxes [B, M, 4] / gt_labels [B, M] (-1 = padding) to an anchor."""
    b, m = gt_boxes.shape[0], gt_boxes.shape[1]
    xywh = xyxy_to_xywh(gt_boxes.astype("float32")).reshape([-1, 4])
    labels = gt_labels.reshape([-1]).astype("int64")
    valid = ((labels >= 0) & (xywh[:, 2] > 0) & (xywh[:, 3] > 0)).astype("float32")
    anchors = paddle.to_tensor(anchor_set.anchors, dtype="float32")
    best = wh_iou(xywh[:, 2:4], anchors).argmax(axis=-1)
    return Assignment(
        valid=valid,
        batch=paddle.arange(b, dtype="int64").unsqueeze(1).expand([b, m]).reshape([-1]),
        level=paddle.gather(paddle.to_tensor(anchor_set.anchor_level(), dtype="int64"), best),
        slot=paddle.gather(paddle.to_tensor(anchor_set.anchor_slot(), dtype="int64"), best),
        labels=labels.clip(min=0),
        xywh=xywh,
        boxes=gt_boxes.astype("float32"),
        valid_bm=valid.reshape([b, m]),
    )


def level_targets(assign: Assignment, level: int, anchor_set: AnchorSet, h: int, w: int) -> LevelTargets:
    """Positives of `level` (an h x w grid): their flat index (b, anchor slot, cell y, cell x) and cell."""
    stride = anchor_set.strides[level]
    num_anchors = len(anchor_set.masks[level])
    pos = assign.valid * (assign.level == level).astype("float32")
    gx = paddle.floor(assign.xywh[:, 0] / stride).clip(0, w - 1)
    gy = paddle.floor(assign.xywh[:, 1] / stride).clip(0, h - 1)
    slot = assign.slot.clip(0, num_anchors - 1)
    index = ((assign.batch * num_anchors + slot) * h + gy.astype("int64")) * w + gx.astype("int64")
    index = paddle.where(pos > 0, index, paddle.zeros_like(index))
    level_wh = paddle.to_tensor(anchor_set.level_anchors(level), dtype="float32")
    return LevelTargets(
        pos=pos, index=index, grid=paddle.stack([gx, gy], axis=-1), anchor_wh=paddle.gather(level_wh, slot)
    )
