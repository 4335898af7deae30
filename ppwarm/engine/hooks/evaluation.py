"""Evaluation every `eval_interval` epochs (and at the end); EMA weights when EMA is on; best tracking."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ppwarm.engine.hooks.base import Hook
from ppwarm.engine.task import Task

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer

log = logging.getLogger("ppwarm")


class EvalHook(Hook):
    """Puts `eval/<metric>` on the dashboard and records the best value in the train state.

    `last_was_best` tells the checkpoint hook, which runs after this one at the same call point, to write
    best.pdckpt now; that hook clears it.
    """

    def __init__(self, task: Task, interval: int) -> None:
        self.task, self.interval = task, interval
        self.last_was_best = False
        self._evaluated_at: int | None = None

    def after_epoch(self, trainer: Trainer) -> None:
        if trainer.state.epoch % self.interval == 0:
            self.evaluate(trainer)

    def after_train(self, trainer: Trainer) -> None:
        if self._evaluated_at != trainer.state.step and trainer.stop_reason is None:
            self.evaluate(trainer)

    def evaluate(self, trainer: Trainer) -> dict[str, float]:
        if trainer.ema is not None:
            with trainer.ema.applied_to(trainer.inner_model):
                metrics = self.task.evaluate(trainer.inner_model)
        else:
            metrics = self.task.evaluate(trainer.inner_model)
        state = trainer.state
        trainer.events.put_many(metrics, state.step, prefix="eval/")
        trainer.flush()
        value = metrics[self.task.metric]
        self.last_was_best = self.task.is_better(value, state.best_metric)
        if self.last_was_best:
            state.best_metric, state.best_step = value, state.step
        self._evaluated_at = state.step
        shown = "  ".join(f"{k} {v:.5g}" for k, v in metrics.items())
        log.info(
            "eval at step %d: %s  (best %s %.5g at step %s)",
            state.step,
            shown,
            self.task.metric,
            state.best_metric,
            state.best_step,
        )
        return metrics
