"""The position of a run: everything besides weights and optimizer state that exact resume needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class TrainState:
    """Counters of a run. `step` is the number of optimizer updates done: the index of the next one."""

    step: int = 0
    epoch: int = 0  # the epoch being trained (0-based)
    batch_in_epoch: int = 0  # micro-batches of this epoch already consumed, per rank
    samples_seen: int = 0  # global samples behind the updates done
    best_metric: float | None = None
    best_step: int | None = None
    skipped_updates: int = 0  # updates dropped for a non-finite loss or gradient
    rollbacks: int = 0
    lr_factor: float = 1.0  # product of the NaN guard's peak reductions
    rewarm_from: int | None = None  # step at which the last re-warm began
    warmup_extension: int = 0  # steps added to the warmup by spike detection

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainState:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
