"""YOLO head: per level a 3x3 ConvBN "tip" and a 1x1 conv predicting A * (5 + iou_aware + C) channels."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import paddle
from paddle import nn

from ppwarm.models.det.layers import ConvBN


def prior_logit(p: float) -> float:
    """The bias whose sigmoid is p (focal-loss style prior initialisation, Lin et al. 2017)."""
    return math.log(p / (1.0 - p))


class YOLOHead(nn.Layer):
    """Raw predictions per level: `forward([P3, P4, P5])` -> [B, A*K, H, W] per level, K = 5 + ia + C.

    Channel order per anchor: tx, ty, tw, th, objectness, [iou], classes (see decode.level_view).
    Biases start at priors: objectness at `obj_priors[level]`, classes at `cls_prior`, so the
    initial losses are not dominated by thousands of confident background cells.
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        num_classes: int,
        *,
        num_anchors: int = 3,
        iou_aware: bool = True,
        obj_priors: Sequence[float] = (0.01, 0.01, 0.01),
        cls_prior: float | None = None,
    ) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.num_anchors = num_anchors
        self.iou_aware = iou_aware
        self.channels_per_anchor = 5 + int(iou_aware) + num_classes
        out_ch = num_anchors * self.channels_per_anchor
        self.tips = nn.LayerList([ConvBN(c, c * 2, 3) for c in in_channels])
        # Small weights (std 0.01, as RetinaNet's heads) so the initial outputs sit at the prior biases.
        weight = paddle.ParamAttr(initializer=nn.initializer.Normal(std=0.01))
        self.preds = nn.LayerList([nn.Conv2D(c * 2, out_ch, 1, weight_attr=weight) for c in in_channels])
        # Default class prior 1 / (C + 1): near the minimiser (1 / C) of the initial summed one-hot BCE.
        p_cls = 1.0 / (num_classes + 1) if cls_prior is None else cls_prior
        for conv, p_obj in zip(self.preds, obj_priors, strict=True):
            self._init_bias(conv, p_obj, p_cls)

    def _init_bias(self, conv: nn.Conv2D, p_obj: float, p_cls: float) -> None:
        bias = np.zeros([self.num_anchors, self.channels_per_anchor], dtype="float32")
        bias[:, 4] = prior_logit(p_obj)
        bias[:, 5 + int(self.iou_aware) :] = prior_logit(p_cls)
        conv.bias.set_value(paddle.to_tensor(bias.reshape([-1])))

    def forward(self, feats: list[paddle.Tensor]) -> list[paddle.Tensor]:
        # no strict=: paddle.jit traces this and its zip takes no keywords
        return [pred(tip(x)) for x, tip, pred in zip(feats, self.tips, self.preds)]  # noqa: B905
