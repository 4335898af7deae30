"""CTC head: per-step class logits, with index 0 reserved for the CTC blank (Graves et al. 2006)."""

from __future__ import annotations

import paddle
from paddle import nn


class CTCHead(nn.Layer):
    """[B, T, in_channels] -> logits [B, T, num_classes]; `num_classes` = charset size + 1 (the blank)."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2 (blank + one symbol), got {num_classes}")
        self.fc = nn.Linear(in_channels, num_classes)
        self.num_classes = num_classes

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.fc(x)
