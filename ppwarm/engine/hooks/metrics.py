"""Scalars to the event store every step, writers drained every `log_interval` steps, console lines.

Dashboard tags (step = global optimizer step): train/lr/<group>, train/momentum, train/loss,
train/loss_<name>, train/grad_norm, train/loss_scale, train/ips, train/update_ratio/<group>
(||delta w|| / ||w||, measured on logged steps), eval/<metric>, events/<name>.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

import paddle

from ppwarm.engine.hooks.base import Hook, StepResult

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer

log = logging.getLogger("ppwarm")


def format_eta(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-:--:--"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def console_line(trainer: Trainer, result: StepResult, ips: float, eta: float) -> str:
    """`epoch e/E  step s/S  lr ...  loss ...  grad_norm ...  ips ...  eta h:mm:ss`.

    The LR is the one the step used for the group with the most parameters (all groups go to the dashboard).
    """
    plan, state = trainer.plan, trainer.state
    epochs = math.ceil(plan.total_steps / plan.steps_per_epoch)
    lr = result.lrs.get(trainer.grouped.main_group, float("nan"))
    return (
        f"epoch {state.epoch + 1}/{epochs}  step {result.step + 1}/{plan.total_steps}  lr {lr:.4e}  "
        f"loss {result.losses['total']:.4f}  grad_norm {result.grad_norm:.3f}  ips {ips:.1f}  "
        f"eta {format_eta(eta)}"
    )


class MetricsHook(Hook):
    """Puts every step's scalars into the trainer's event store; the trainer flushes every log_interval."""

    def __init__(self, log_interval: int, console: bool = True) -> None:
        self.log_interval, self.console = log_interval, console
        self._before: dict[str, list[paddle.Tensor]] | None = None
        self._window_start = time.perf_counter()
        self._window_samples = 0

    def _logged(self, step: int) -> bool:
        return (step + 1) % self.log_interval == 0

    def before_step(self, trainer: Trainer) -> None:
        if self._logged(trainer.state.step):
            self._before = {
                g: [trainer.grouped.params[n].detach().clone() for n in names]
                for g, names in trainer.grouped.members.items()
            }

    def after_step(self, trainer: Trainer, result: StepResult) -> None:
        store, step = trainer.events, result.step
        store.put_many(result.lrs, step, prefix="train/lr/")
        store.put("train/momentum", result.momentum, step)
        store.put("train/loss", result.losses["total"], step)
        terms = {f"loss_{k.removeprefix('loss_')}": v for k, v in result.losses.items() if k != "total"}
        store.put_many(terms, step, "train/")
        store.put("train/grad_norm", result.grad_norm, step)
        store.put("train/loss_scale", trainer.amp.loss_scale(), step)
        self._window_samples += result.samples
        if self._before is not None:
            store.put_many(self._update_ratios(trainer), step, prefix="train/update_ratio/")
            self._before = None
        if self._logged(step) or trainer.state.step >= trainer.plan.total_steps:
            self._flush(trainer, result)

    def _update_ratios(self, trainer: Trainer) -> dict[str, float]:
        """||delta w|| / ||w before|| per group; groups of all-zero weights (fresh biases) are left out."""
        out = {}
        for group, before in self._before.items():
            params = [trainer.grouped.params[n] for n in trainer.grouped.members[group]]
            delta = sum(float(paddle.sum(paddle.square(p - b))) for p, b in zip(params, before, strict=True))
            norm = sum(float(paddle.sum(paddle.square(b))) for b in before)
            if norm > 0:
                out[group] = math.sqrt(delta / norm)
        return out

    def _flush(self, trainer: Trainer, result: StepResult) -> None:
        elapsed = max(time.perf_counter() - self._window_start, 1e-9)
        ips = self._window_samples / elapsed
        trainer.events.put("train/ips", ips, result.step)
        remaining = trainer.plan.total_steps - trainer.state.step
        per_step = elapsed / self.log_interval
        if self.console:
            log.info(console_line(trainer, result, ips, remaining * per_step))
        trainer.flush()
        self._window_start, self._window_samples = time.perf_counter(), 0
