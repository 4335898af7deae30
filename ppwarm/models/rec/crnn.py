"""CRNN (Shi et al. 2015): convolutional features -> bidirectional LSTM -> per-step classes, CTC-trained."""

from __future__ import annotations

from typing import ClassVar

import paddle
import paddle.nn.functional as F
from paddle import nn

from ppwarm.models.rec.backbone import RecMobileNetV3
from ppwarm.models.rec.head import CTCHead
from ppwarm.models.rec.loss import ctc_loss
from ppwarm.models.rec.neck import SequenceEncoder


class CRNN(nn.Layer):
    """Text-line recogniser made of the sublayers `backbone`, `neck` and `head` (see `parts`).

    `forward(batch)` takes `image` float32 [B, C, 32, W], `label` int64 [B, L] (0-padded, 0 = blank) and
    `length` int64 [B], and returns {"loss_ctc", "total"} (equal scalars). `predict(image)` is the inference
    path used for export and greedy decoding; both run in whatever train/eval mode the layer is in.
    """

    parts: ClassVar[dict[str, str]] = {"backbone": "backbone.", "neck": "neck.", "head": "head."}

    def __init__(self, backbone: RecMobileNetV3, neck: SequenceEncoder, head: CTCHead) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck = neck
        self.head = head

    def logits(self, image: paddle.Tensor) -> paddle.Tensor:
        """[B, C, 32, W] -> class logits [B, T, num_classes] with T = ceil(W / 4)."""
        return self.head(self.neck(self.backbone(image)))

    def forward(self, batch: dict[str, paddle.Tensor]) -> dict[str, paddle.Tensor]:
        loss = ctc_loss(self.logits(batch["image"]), batch["label"], batch["length"])
        return {"loss_ctc": loss, "total": loss}

    def predict(self, image: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
        """(argmax class int64 [B, T], its softmax probability float32 [B, T]) for `ctc_greedy_decode`."""
        probs = F.softmax(self.logits(image), axis=-1)
        return probs.argmax(axis=-1).astype("int64"), probs.max(axis=-1)
