"""Box geometry on paddle tensors: format conversion and IoU / GIoU. Boxes are in pixels."""

from __future__ import annotations

import paddle

EPS = 1e-9


def xywh_to_xyxy(box: paddle.Tensor) -> paddle.Tensor:
    """[..., 4] (cx, cy, w, h) -> (x1, y1, x2, y2)."""
    half = box[..., 2:4] * 0.5
    return paddle.concat([box[..., 0:2] - half, box[..., 0:2] + half], axis=-1)


def xyxy_to_xywh(box: paddle.Tensor) -> paddle.Tensor:
    """[..., 4] (x1, y1, x2, y2) -> (cx, cy, w, h)."""
    return paddle.concat([(box[..., 0:2] + box[..., 2:4]) * 0.5, box[..., 2:4] - box[..., 0:2]], axis=-1)


def _area(box: paddle.Tensor) -> paddle.Tensor:
    wh = (box[..., 2:4] - box[..., 0:2]).clip(min=0)
    return wh[..., 0] * wh[..., 1]


def pairwise_iou(a: paddle.Tensor, b: paddle.Tensor) -> paddle.Tensor:
    """IoU of every box of a [..., N, 4] with every box of b [..., M, 4] (xyxy) -> [..., N, M]."""
    a_, b_ = a.unsqueeze(-2), b.unsqueeze(-3)
    lt = paddle.maximum(a_[..., 0:2], b_[..., 0:2])
    rb = paddle.minimum(a_[..., 2:4], b_[..., 2:4])
    wh = (rb - lt).clip(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = _area(a).unsqueeze(-1) + _area(b).unsqueeze(-2) - inter
    return inter / (union + EPS)


def aligned_iou_giou(a: paddle.Tensor, b: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
    """(IoU, GIoU) of matching rows of a and b [..., 4] (xyxy); GIoU of Rezatofighi et al. 2019."""
    lt = paddle.maximum(a[..., 0:2], b[..., 0:2])
    rb = paddle.minimum(a[..., 2:4], b[..., 2:4])
    wh = (rb - lt).clip(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = _area(a) + _area(b) - inter + EPS
    iou = inter / union
    hull = paddle.maximum(a[..., 2:4], b[..., 2:4]) - paddle.minimum(a[..., 0:2], b[..., 0:2])
    hull_area = hull[..., 0] * hull[..., 1] + EPS
    return iou, iou - (hull_area - union) / hull_area


def wh_iou(wh: paddle.Tensor, anchors: paddle.Tensor) -> paddle.Tensor:
    """IoU of boxes [..., 2] (w, h) with anchors [K, 2] when all share one centre -> [..., K]."""
    w, h = wh[..., 0:1], wh[..., 1:2]
    inter = paddle.minimum(w, anchors[:, 0]) * paddle.minimum(h, anchors[:, 1])
    union = w * h + anchors[:, 0] * anchors[:, 1] - inter
    return inter / (union + EPS)
