"""Hook call points of the trainer and the record of one optimizer step.

Order of calls in `Trainer.train()`: before_train, then per epoch before_epoch, per optimizer update
before_step and after_step, then after_epoch; after_train once at the end (also after a requested stop).
Hooks run in list order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer


@dataclass
class StepResult:
    """What one optimizer update did. `step` is its index (the trainer's step before it advanced)."""

    step: int
    losses: dict[str, float]  # mean over the micro-batches, one entry per loss term and `total`
    lrs: dict[str, float] = field(default_factory=dict)  # LR each group used
    momentum: float = 0.0
    grad_norm: float = float("nan")
    applied: bool = False
    samples: int = 0  # global samples of the update
    seconds: float = 0.0


class Hook:
    """Base class: every call point does nothing."""

    def before_train(self, trainer: Trainer) -> None: ...

    def before_epoch(self, trainer: Trainer) -> None: ...

    def before_step(self, trainer: Trainer) -> None: ...

    def after_step(self, trainer: Trainer, result: StepResult) -> None: ...

    def after_epoch(self, trainer: Trainer) -> None: ...

    def after_train(self, trainer: Trainer) -> None: ...
