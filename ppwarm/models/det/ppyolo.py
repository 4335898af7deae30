"""The PP-YOLO detector: backbone -> neck -> head, with its loss for training and NMS for inference."""

from __future__ import annotations

from typing import ClassVar

import paddle
from paddle import nn

from ppwarm.models.det.anchors import AnchorSet
from ppwarm.models.det.decode import decode_outputs
from ppwarm.models.det.head import YOLOHead
from ppwarm.models.det.loss import YOLOv3Loss
from ppwarm.models.det.nms import NMSConfig, multiclass_nms


class PPYOLO(nn.Layer):
    """PP-YOLO-style detector (Long et al. 2020). Build it with ppwarm.models.det.build_ppyolo.

    `forward(batch)` (training): batch holds `image` [B, 3, S, S], `gt_boxes` [B, M, 4] xyxy pixels and
    `gt_labels` [B, M] (-1 = padding); returns the loss terms and `total`.
    `predict(image)` (eval, exportable): (detections [D, 6] (label, score, x1, y1, x2, y2), counts [B]).
    Parameters live under the three declared parts; the loss and NMS settings hold none.
    """

    parts: ClassVar[dict[str, str]] = {"backbone": "backbone.", "neck": "neck.", "head": "head."}

    def __init__(
        self,
        backbone: nn.Layer,
        neck: nn.Layer,
        head: YOLOHead,
        *,
        anchor_set: AnchorSet,
        loss: YOLOv3Loss,
        nms: NMSConfig,
        scale_x_y: float = 1.05,
        iou_aware_factor: float = 0.5,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck = neck
        self.head = head
        self.anchor_set = anchor_set
        self.loss = loss
        self.nms = nms
        self.scale_x_y = scale_x_y
        self.iou_aware_factor = iou_aware_factor

    def features(self, image: paddle.Tensor) -> list[paddle.Tensor]:
        """Raw head outputs [B, A*K, S/stride, S/stride] for strides 8, 16, 32."""
        return self.head(self.neck(self.backbone(image)))

    def forward(self, batch: dict[str, paddle.Tensor]) -> dict[str, paddle.Tensor]:
        outputs = self.features(batch["image"])
        return self.loss(outputs, batch["gt_boxes"], batch["gt_labels"])

    def decode(self, outputs: list[paddle.Tensor]) -> tuple[paddle.Tensor, paddle.Tensor]:
        """Head outputs -> (boxes xyxy [B, N, 4] in input pixels, scores [B, N, C]) before NMS."""
        anchors = [self.anchor_set.level_anchors(i) for i in range(self.anchor_set.num_levels)]
        return decode_outputs(
            outputs,
            anchors,
            self.anchor_set.strides,
            scale_x_y=self.scale_x_y,
            iou_aware=self.head.iou_aware,
            iou_aware_factor=self.iou_aware_factor,
        )

    def predict(self, image: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
        """Detections after score threshold and per-class NMS, at most nms.keep_top_k per image."""
        boxes, scores = self.decode(self.features(image))
        return multiclass_nms(boxes, scores, self.nms)
