"""Saving checkpoints during a run and restoring a run from one.

A checkpoint holds the model, EMA, optimizer (with its scheduler), loss scaler, RNG states, the train state
(step, epoch, position in the epoch, samples seen, best metric, NaN-guard factors), the resolved config and
the batch geometry (per-device batch, devices, accumulation, global batch). Only rank 0 writes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppwarm.config import Config
from ppwarm.engine.checkpoint import CheckpointManager
from ppwarm.engine.hooks.base import Hook, StepResult
from ppwarm.engine.hooks.evaluation import EvalHook
from ppwarm.engine.rng import capture_rng
from ppwarm.optim.paddle_compat import portable_optimizer_state

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer

log = logging.getLogger("ppwarm")


def checkpoint_state(trainer: Trainer, cfg: Config) -> dict[str, Any]:
    """Everything exact resume needs, as one nested dict for `paddle.save` (the config as a plain dict)."""
    plan = trainer.plan
    return {
        "model": trainer.inner_model.state_dict(),
        "ema": trainer.ema.state_dict() if trainer.ema is not None else None,
        "optimizer": portable_optimizer_state(trainer.grouped.optimizer, trainer.grouped.params),
        "scaler": trainer.amp.state_dict(),
        "rng": capture_rng(),
        "state": trainer.state.to_dict(),
        "config": cfg.to_dict(),
        "batch": {
            "batch_size": plan.batch_size,
            "devices": plan.devices,
            "accumulate": plan.accumulate,
            "global_batch": plan.global_batch,
        },
    }


class CheckpointHook(Hook):
    """Saves every `save_interval` epochs, every `save_interval_steps` steps and at the end.

    best.pdckpt is written as soon as the evaluation that runs just before this hook (same call point)
    finds a new best, whatever the save intervals: at a periodic save it is that step file, otherwise it
    is written alone. It therefore always holds the weights (and EMA) that scored `state.best_metric`.
    """

    def __init__(self, directory: Path, cfg: Config, eval_hook: EvalHook | None = None) -> None:
        ck = cfg.checkpoint
        self.manager = CheckpointManager(directory, keep_last=ck.keep_last)
        self.cfg, self.eval_hook = cfg, eval_hook
        self.every_epochs, self.every_steps = ck.save_interval, ck.save_interval_steps
        self._saved_at: int | None = None

    def save(self, trainer: Trainer, best: bool = False) -> Path:
        """Write the step checkpoint of the current step (also as best.pdckpt if `best`)."""
        trainer.flush()  # the log holds every step up to the checkpoint, so a resumed run leaves no gap
        path = self.manager.save(checkpoint_state(trainer, self.cfg), trainer.state.step, is_best=best)
        self._saved_at = trainer.state.step
        log.info("saved %s%s", path, " (best)" if best else "")
        return path

    def save_best(self, trainer: Trainer) -> Path:
        """Write best.pdckpt alone, for a best found at a step with no periodic save."""
        path = self.manager.save_best(checkpoint_state(trainer, self.cfg))
        log.info("saved %s (step %d)", path, trainer.state.step)
        return path

    def _new_best(self) -> bool:
        """Whether the evaluation just run found a new best; clears the flag so it is written once."""
        if self.eval_hook is None or not self.eval_hook.last_was_best:
            return False
        self.eval_hook.last_was_best = False
        return True

    def after_step(self, trainer: Trainer, result: StepResult) -> None:
        if self.every_steps and trainer.state.step % self.every_steps == 0:
            self.save(trainer)  # never best: evaluation runs only after an epoch and after training

    def after_epoch(self, trainer: Trainer) -> None:
        best = self._new_best()
        if self.every_epochs and trainer.state.epoch % self.every_epochs == 0:
            self.save(trainer, best)
        elif best:
            self.save_best(trainer)

    def after_train(self, trainer: Trainer) -> None:
        best = self._new_best()
        if self._saved_at != trainer.state.step:
            self.save(trainer, best)
        elif best:
            self.save_best(trainer)
