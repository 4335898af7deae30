"""Hooks a task contributes: telling the dataset the epoch, freezing a model part late in training."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ppwarm.engine.hooks.base import Hook

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
    """In epochs [from_epoch, until_epoch) the parameters whose names start with `prefix` do not train.

    `until_epoch` None: frozen to the end (a detector's last epochs); from_epoch 0: frozen at the start
    (fine-tuning a new head before the backbone moves).
    """

    def __init__(self, prefix: str, from_epoch: int, until_epoch: int | None = None) -> None:
        self.prefix, self.from_epoch, self.until_epoch = prefix, from_epoch, until_epoch
        self.frozen = False

    def before_epoch(self, trainer: Trainer) -> None:
        epoch = trainer.state.epoch
        want = epoch >= self.from_epoch and (self.until_epoch is None or epoch < self.until_epoch)
        if want == self.frozen:
            return
        names = [n for n in trainer.grouped.params if n.startswith(self.prefix)]
        for name in names:
            trainer.grouped.params[name].stop_gradient = want
        self.frozen = want
        if not want:
            log.info("epoch %d: %d parameters under '%s' train again", epoch + 1, len(names), self.prefix)
            return
        until = (
            f"until epoch {self.until_epoch}" if self.until_epoch is not None else "for the rest of the run"
        )
        log.info("epoch %d: froze %d parameters under '%s' %s", epoch + 1, len(names), self.prefix, until)
