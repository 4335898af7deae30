"""Hooks a task contributes: telling the dataset the epoch, freezing a model part late in training."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ppwarm.engine.hooks import Hook

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer

log = logging.getLogger("ppwarm")


class DatasetEpochHook(Hook):
    """Calls `dataset.set_epoch(epoch)` before each epoch's loader iterator is created.

    Augmentation RNG, Mosaic switch-off and progressive input sizes follow the epoch; a loader with worker
    processes copies the dataset when its iterator starts, which is after this hook.
    """

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def before_epoch(self, trainer: Trainer) -> None:
        self.dataset.set_epoch(trainer.state.epoch)


class FreezePartHook(Hook):
    """From epoch `from_epoch` on, the parameters whose names start with `prefix` stop training."""

    def __init__(self, prefix: str, from_epoch: int) -> None:
        self.prefix, self.from_epoch = prefix, from_epoch
        self.frozen = False

    def before_epoch(self, trainer: Trainer) -> None:
        if self.frozen or trainer.state.epoch < self.from_epoch:
            return
        names = [n for n in trainer.grouped.params if n.startswith(self.prefix)]
        for name in names:
            trainer.grouped.params[name].stop_gradient = True
        self.frozen = True
        log.info(
            "epoch %d: froze %d parameters under '%s' for the rest of the run",
            trainer.state.epoch + 1,
            len(names),
            self.prefix,
        )
