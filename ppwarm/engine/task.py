"""What the engine needs from a task: a model, the data and how to evaluate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paddle


@dataclass
class Task:
    """A model (with declared parts), train/val datasets, and `evaluate(model) -> metrics`.

    `metric` names the entry of the metrics that selects the best model; `mode` is "max" or "min".
    """

    model: paddle.nn.Layer
    train_set: paddle.io.Dataset
    val_set: paddle.io.Dataset
    evaluate: Callable[[paddle.nn.Layer], dict[str, float]]
    metric: str
    mode: str = "max"
    hooks: list[Any] = field(default_factory=list)  # extra trainer hooks (ppwarm.engine.hooks.Hook)

    def is_better(self, value: float, best: float | None) -> bool:
        if best is None:
            return True
        return value > best if self.mode == "max" else value < best
