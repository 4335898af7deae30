"""Model size and cost: parameter count and paddle.flops of the image -> head-outputs path."""

from __future__ import annotations

import contextlib
import copy
import io
from typing import Any

import paddle
from paddle import nn
from paddle.hapi.dynamic_flops import register_hooks

from ppwarm.models.det.ppyolo import PPYOLO


class _Features(nn.Layer):
    """image -> raw head outputs, so paddle.flops sees a plain single-input layer (no loss, no NMS)."""

    def __init__(self, model: PPYOLO) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: paddle.Tensor) -> list[paddle.Tensor]:
        return self.model.features(image)


class _Tally:
    """Stands in for a layer in paddle.flops' per-layer counters: reads the layer, keeps its own total."""

    def __init__(self, layer: nn.Layer) -> None:
        self.layer = layer
        self.total_ops = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.layer, name)


def _counted_flops(net: nn.Layer, input_size: int) -> int:
    """paddle.flops' own counters (paddle.hapi.dynamic_flops.register_hooks) driven without its summary
    table, which raises TypeError under numpy >= 2.4 (int() of a shape-[1] tensor)."""
    tallies, handles = [], []
    for layer in net.sublayers():
        counter = register_hooks.get(type(layer))
        if counter is None or list(layer.children()):
            continue
        tally = _Tally(layer)
        tallies.append(tally)
        handles.append(layer.register_forward_post_hook(lambda _, x, y, c=counter, t=tally: c(t, x, y)))
    net.eval()
    with paddle.no_grad():
        net(paddle.zeros([1, 3, input_size, input_size]))
    for handle in handles:
        handle.remove()
    return sum(t.total_ops for t in tallies)


def model_info(model: PPYOLO, input_size: int) -> dict[str, int]:
    """{"params": every parameter's element count, "flops": paddle.flops at batch 1, input_size^2}.

    FLOPs are Paddle's count (multiply-accumulates of convs, BN and similar layers; activations other
    than leaky ReLU count zero) and exclude decoding and NMS. paddle.flops runs on a copy of the model,
    so `model` keeps its mode and gains no counting buffers; its printout is silenced.
    """
    params = sum(int(p.size) for p in model.parameters())
    net = _Features(copy.deepcopy(model))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            flops = paddle.flops(net, [1, 3, input_size, input_size], print_detail=False)
    except TypeError:  # numpy >= 2.4 vs paddle.flops' table; same counters, driven directly
        flops = _counted_flops(_Features(copy.deepcopy(model)), input_size)
    return {"params": params, "flops": int(flops)}
