"""Static-graph export of a CRNN's inference path (`predict`) with dynamic batch size and width."""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.static import InputSpec

from ppwarm.models.rec.crnn import CRNN


class RecPredictor(nn.Layer):
    """Wraps a CRNN so that `forward(image)` is `model.predict(image)`, the signature exported."""

    def __init__(self, model: CRNN) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
        return self.model.predict(image)


def export_crnn(model: CRNN, path_prefix: str, in_channels: int = 3) -> None:
    """Save `model` (switched to eval mode) with `paddle.jit.save` under `path_prefix`.

    The input is [None, in_channels, 32, None]: any batch size and any width. Re-load with
    `paddle.jit.load(path_prefix)`; its outputs are (indices int64 [B, T], probs float32 [B, T]).
    """
    model.eval()
    spec = [InputSpec([None, in_channels, 32, None], "float32", "image")]
    static = paddle.jit.to_static(RecPredictor(model), input_spec=spec, full_graph=True)
    paddle.jit.save(static, path_prefix)
