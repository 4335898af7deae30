"""The `toy` section: the toy regression task."""

from __future__ import annotations

from dataclasses import dataclass

from ppwarm.config.fields import Boolean, Integer, Number
from ppwarm.config.typed import Section


@dataclass(frozen=True)
class ToyConfig(Section):
    """`toy`: the toy regression task."""

    samples: int = Integer("Training samples of the toy regression.", default=256, minimum=1).as_field()
    val_samples: int = Integer("Validation samples of the toy regression.", default=64, minimum=1).as_field()
    features: int = Integer("Input features.", default=4, minimum=1).as_field()
    noise: float = Number("Standard deviation of the target noise.", default=0.05, minimum=0).as_field()
    batch_norm: bool = Boolean(
        "BatchNorm in the toy backbone (off: split batches give identical gradients).", default=True
    ).as_field()
