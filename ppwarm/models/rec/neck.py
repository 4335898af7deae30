"""Sequence encoder: column features -> context-aware per-step features (the recurrent layers of CRNN)."""

from __future__ import annotations

import paddle
from paddle import nn


class SequenceEncoder(nn.Layer):
    """[B, C, 1, T] -> [B, T, 2 * hidden_size] through a bidirectional LSTM of `num_layers` layers.

    Shi et al. 2015 (sec. 2.3) stack two bidirectional LSTMs over the column features; the two directions
    are concatenated on the last axis.
    """

    def __init__(self, in_channels: int, hidden_size: int = 48, num_layers: int = 2) -> None:
        super().__init__()
        self.lstm = nn.LSTM(in_channels, hidden_size, num_layers=num_layers, direction="bidirect")
        self.out_channels = 2 * hidden_size

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        seq = x.squeeze(axis=2).transpose([0, 2, 1])
        out, _ = self.lstm(seq)
        return out
