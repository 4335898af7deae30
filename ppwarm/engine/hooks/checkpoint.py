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
    """Saves every `save_interval` epochs, every `save_interval_steps` steps and at the end."""

    def __init__(self, directory: Path, cfg: Config, eval_hook: EvalHook | None = None) -> None:
        ck = cfg.checkpoint
        self.manager = CheckpointManager(directory, keep_last=ck.keep_last)
        self.cfg, self.eval_hook = cfg, eval_hook
        self.every_epochs, self.every_steps = ck.save_interval, ck.save_interval_steps
        self._saved_at: int | None = None

    def save(self, trainer: Trainer) -> Path:
        trainer.flush()  # the log holds every step up to the checkpoint, so a resumed run leaves no gap
        best = self.eval_hook is not None and self.eval_hook.last_was_best
        if self.eval_hook is not None:
            self.eval_hook.last_was_best = False
        path = self.manager.save(checkpoint_state(trainer, self.cfg), trainer.state.step, is_best=best)
        self._saved_at = trainer.state.step
        log.info("saved %s%s", path, " (best)" if best else "")
        return path

    def after_step(self, trainer: Trainer, result: StepResult) -> None:
        if self.every_steps and trainer.state.step % self.every_steps == 0:
            self.save(trainer)

    def after_epoch(self, trainer: Trainer) -> None:
        if self.every_epochs and trainer.state.epoch % self.every_epochs == 0:
            self.save(trainer)

    def after_train(self, trainer: Trainer) -> None:
        if self._saved_at != trainer.state.step or (self.eval_hook and self.eval_hook.last_was_best):
            self.save(trainer)
