"""From head outputs to boxes and scores: the grid-sensitive YOLO decoding of PP-YOLO.

Per anchor the head predicts K = 5 + iou_aware + C channels in the order
(tx, ty, tw, th, objectness, [iou], class_0 .. class_{C-1}).
"""

from __future__ import annotations

import numpy as np
import paddle
import paddle.nn.functional as F

from ppwarm.models.det.boxes import xywh_to_xyxy

# exp(tw) is capped at e^10: a wild logit early in training must not make inf boxes (and nan IoUs).
MAX_LOG_WH = 10.0


def level_view(raw: paddle.Tensor, num_anchors: int) -> paddle.Tensor:
    """Head output [B, A*K, H, W] -> [B, A, H, W, K] (one row of K channels per anchor and cell)."""
    h, w = raw.shape[2], raw.shape[3]
    k = raw.shape[1] // num_anchors
    return raw.reshape([-1, num_anchors, k, h, w]).transpose([0, 1, 3, 4, 2])


def cell_grid(h: int, w: int) -> paddle.Tensor:
    """[h, w, 2] of the (x, y) integer cell indices."""
    ys, xs = paddle.meshgrid(paddle.arange(h, dtype="float32"), paddle.arange(w, dtype="float32"))
    return paddle.stack([xs, ys], axis=-1)


def grid_sensitive_offset(txy: paddle.Tensor, scale_x_y: float) -> paddle.Tensor:
    """Offset inside the cell, sigmoid(t) * a - (a - 1) / 2 (YOLOv4/PP-YOLO grid sensitive, a = scale_x_y).

    With a > 1 the range (-(a-1)/2, 1 + (a-1)/2) lets a centre on a cell border be reached by a finite t.
    """
    return F.sigmoid(txy) * scale_x_y - (scale_x_y - 1.0) * 0.5


def decode_xywh(
    t: paddle.Tensor, grid: paddle.Tensor, anchor_wh: paddle.Tensor, stride: float, scale_x_y: float
) -> paddle.Tensor:
    """Box (cx, cy, w, h) in pixels from t [..., 4]; grid and anchor_wh broadcast against [..., 2].

    centre = (offset(t_xy) + grid) * stride; size = anchor * exp(t_wh) (YOLOv3).
    """
    xy = (grid_sensitive_offset(t[..., 0:2], scale_x_y) + grid) * stride
    wh = anchor_wh * paddle.exp(t[..., 2:4].clip(max=MAX_LOG_WH))
    return paddle.concat([xy, wh], axis=-1)


def iou_aware_objectness(obj_logit: paddle.Tensor, iou_logit: paddle.Tensor, factor: float) -> paddle.Tensor:
    """PP-YOLO's IoU-aware confidence obj^(1 - a) * iou^a, both from sigmoids; a = iou_aware_factor."""
    return F.sigmoid(obj_logit).pow(1.0 - factor) * F.sigmoid(iou_logit).pow(factor)


def decode_level(
    pred: paddle.Tensor,
    anchors: list[list[float]],
    stride: int,
    *,
    scale_x_y: float,
    iou_aware: bool,
    iou_aware_factor: float = 0.5,
) -> tuple[paddle.Tensor, paddle.Tensor]:
    """One level's [B, A, H, W, K] predictions -> (boxes xyxy [B, A*H*W, 4], scores [B, A*H*W, C]).

    score = objectness (IoU-aware if enabled) * sigmoid(class logit).
    """
    a, h, w, k = pred.shape[1], pred.shape[2], pred.shape[3], pred.shape[4]
    # paddle.assign of a numpy array is a constant in dygraph and in static (export) graphs alike.
    anchor_wh = paddle.assign(np.asarray(anchors, dtype="float32").reshape([1, a, 1, 1, 2]))
    boxes = xywh_to_xyxy(decode_xywh(pred[..., 0:4], cell_grid(h, w), anchor_wh, stride, scale_x_y))
    if iou_aware:
        obj = iou_aware_objectness(pred[..., 4:5], pred[..., 5:6], iou_aware_factor)
    else:
        obj = F.sigmoid(pred[..., 4:5])
    cls_start = 6 if iou_aware else 5
    scores = obj * F.sigmoid(pred[..., cls_start:])
    return boxes.reshape([-1, a * h * w, 4]), scores.reshape([-1, a * h * w, k - cls_start])


def decode_outputs(
    outputs: list[paddle.Tensor],
    anchor_sets: list[list[list[float]]],
    strides: tuple[int, ...],
    *,
    scale_x_y: float,
    iou_aware: bool,
    iou_aware_factor: float = 0.5,
) -> tuple[paddle.Tensor, paddle.Tensor]:
    """All levels' head outputs -> (boxes xyxy [B, N, 4] clipped to the image, scores [B, N, C]).

    `anchor_sets[level]` are that level's (w, h) anchors; the image size is the finest grid x its stride.
    """
    boxes, scores = [], []
    # no strict=: paddle.jit traces this and its zip takes no keywords
    for raw, anchors, stride in zip(outputs, anchor_sets, strides):  # noqa: B905
        pred = level_view(raw, len(anchors))
        level_boxes, level_scores = decode_level(
            pred, anchors, stride, scale_x_y=scale_x_y, iou_aware=iou_aware, iou_aware_factor=iou_aware_factor
        )
        boxes.append(level_boxes)
        scores.append(level_scores)
    height = float(outputs[0].shape[2] * strides[0])
    width = float(outputs[0].shape[3] * strides[0])
    limit = paddle.assign(np.asarray([width, height, width, height], dtype="float32"))
    box = paddle.concat(boxes, axis=1)
    return paddle.minimum(box.clip(min=0.0), limit), paddle.concat(scores, axis=1)
