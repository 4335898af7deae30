"""Static-graph export of a CRNN's `predict`: any batch size, the configured height, dynamic width."""

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


def export_crnn(
    model: CRNN, path_prefix: str, shape: tuple[int, int, int] = (3, 32, 100), dynamic_width: bool = True
) -> None:
    """Save `model` (switched to eval mode) with `paddle.jit.save` under `path_prefix`.

    `shape` is the configured [C, H, W] (`rec.shape`). The input is [None, C, H, None] (any batch size, any
    width) or, with `dynamic_width=False`, [None, C, H, W] for runtimes that need static shapes; Paddle
    Inference runs both. Re-load with `paddle.jit.load(path_prefix)`; its outputs are
    (indices int64 [B, T], probs float32 [B, T]) with T = ceil(width / 4).
    """
    channels, height, width = shape
    model.eval()
    spec = [InputSpec([None, channels, height, None if dynamic_width else width], "float32", "image")]
    static = paddle.jit.to_static(RecPredictor(model), input_spec=spec, full_graph=True)
    paddle.jit.save(static, path_prefix)
