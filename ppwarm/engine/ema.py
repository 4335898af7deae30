"""Exponential moving average of a model's weights, with the usual warm-up of the decay."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import paddle


class ModelEMA:
    """Shadow copies of every floating-point entry of `model.state_dict()`.

    After n updates the decay is ``min(decay, (1 + n) / (10 + n))``, so early weights are not frozen in.
    Non-float buffers (counters) are copied as they are.
    """

    def __init__(self, model: paddle.nn.Layer, decay: float) -> None:
        self.decay = decay
        self.updates = 0
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def current_decay(self) -> float:
        n = self.updates
        return min(self.decay, (1 + n) / (10 + n))

    @paddle.no_grad()
    def update(self, model: paddle.nn.Layer) -> None:
        """Fold the model's current weights in; call after every applied optimizer update."""
        d = self.current_decay()
        for key, value in model.state_dict().items():
            shadow = self.shadow[key]
            if paddle.is_floating_point(value):
                shadow.set_value(d * shadow + (1.0 - d) * value.detach().astype(shadow.dtype))
            else:
                shadow.set_value(value)
        self.updates += 1

    @contextlib.contextmanager
    def applied_to(self, model: paddle.nn.Layer) -> Iterator[None]:
        """Within the block, `model` holds the EMA weights; its own weights come back afterwards."""
        backup = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.set_state_dict(self.shadow)
        try:
            yield
        finally:
            model.set_state_dict(backup)

    def state_dict(self) -> dict[str, Any]:
        return {"shadow": self.shadow, "updates": self.updates, "decay": self.decay}

    def set_state_dict(self, state: dict[str, Any]) -> None:
        for key, value in state["shadow"].items():
            self.shadow[key].set_value(value)
        self.updates = int(state["updates"])
