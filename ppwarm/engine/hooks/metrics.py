"""Scalars to the event store every step; console lines every `log_interval` steps, writers drained then
at most every WRITE_SECONDS.

Dashboard tags (step = global optimizer step): train/lr/<group>, train/momentum, train/loss,
train/loss_<name>, train/grad_norm, train/loss_scale, train/ips, train/update_ratio/<group>
(||delta w|| / ||w||, measured on logged steps at least RATIO_MIN_STEPS apart), eval/<metric>,
events/<name>.
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

# A ratio costs a copy of every weight before the step and a pass over them after it (2-3% of that
# step for ppyolo_tiny or crnn_mv3_small on a CPU), so with log_interval < 10 it is measured on every
# k-th logged step only (log_interval 1: every 10th step).
RATIO_MIN_STEPS = 10
# metrics.jsonl and VisualDL get the stored scalars at logged steps at most this often, and at the last
# step (each write flushes to disk); checkpoints, evaluation and the end of a run write them at once.
WRITE_SECONDS = 5.0


def format_eta(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-:--:--"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def console_line(
    trainer: Trainer, result: StepResult, ips: float, eta: float, group: str | None = None
) -> str:
    """`epoch e/E  step s/S  lr ...  loss ...  grad_norm ...  ips ...  eta h:mm:ss`.

    The LR is the one the step used for `group`, by default the group with the most parameters (all
    groups go to the dashboard).
    """
    plan, state = trainer.plan, trainer.state
    epochs = math.ceil(plan.total_steps / plan.steps_per_epoch)
    lr = result.lrs.get(group or trainer.grouped.main_group, float("nan"))
    return (
        f"epoch {state.epoch + 1}/{epochs}  step {result.step + 1}/{plan.total_steps}  lr {lr:.4e}  "
        f"loss {result.losses['total']:.4f}  grad_norm {result.grad_norm:.3f}  ips {ips:.1f}  "
        f"eta {format_eta(eta)}"
    )


def _squared_norm(x: paddle.Tensor) -> paddle.Tensor:
    """Sum of squares of `x` in float32 at least, as a 0-d tensor."""
    if x.dtype in (paddle.float16, paddle.bfloat16):
        x = x.astype("float32")
    return paddle.sum(paddle.square(x))


class MetricsHook(Hook):
    """Puts every step's scalars into the trainer's event store; every log_interval steps a console line
    and train/ips, and the writers get the store (see WRITE_SECONDS)."""

    def __init__(self, log_interval: int, console: bool = True) -> None:
        self.log_interval, self.console = log_interval, console
        # update ratios on the logged steps s with (s + 1) % ratio_interval == 0
        self.ratio_interval = log_interval * math.ceil(RATIO_MIN_STEPS / log_interval)
        self._main_group: str | None = None  # the console's LR group, found once
        self._before: dict[str, list[paddle.Tensor]] | None = None
        self._window_start = time.perf_counter()
        self._window_samples = 0
        self._last_write = -math.inf

    def _logged(self, step: int) -> bool:
        return (step + 1) % self.log_interval == 0

    def before_step(self, trainer: Trainer) -> None:
        if (trainer.state.step + 1) % self.ratio_interval == 0:
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
        """||delta w|| / ||w before|| per group; groups of all-zero weights (fresh biases) are left out.

        The sums of squares stay tensors until one host transfer for all groups.
        """
        params, members = trainer.grouped.params, trainer.grouped.members
        with paddle.no_grad():
            sums = []
            for group, before in self._before.items():
                after = [params[n] for n in members[group]]
                sums.append(paddle.add_n([_squared_norm(a - b) for a, b in zip(after, before, strict=True)]))
                sums.append(paddle.add_n([_squared_norm(b) for b in before]))
            values = paddle.stack(sums).numpy().tolist()
        out = {}
        for group, delta, norm in zip(self._before, values[0::2], values[1::2], strict=True):
            if norm > 0:
                out[group] = math.sqrt(delta / norm)
        return out

    def _flush(self, trainer: Trainer, result: StepResult) -> None:
        """train/ips and the console line of the window ending now; the writers at most every
        WRITE_SECONDS and at the last step."""
        now = time.perf_counter()
        elapsed = max(now - self._window_start, 1e-9)
        ips = self._window_samples / elapsed
        trainer.events.put("train/ips", ips, result.step)
        remaining = trainer.plan.total_steps - trainer.state.step
        per_step = elapsed / self.log_interval
        if self.console:
            if self._main_group is None:  # a sum over every parameter: once per run
                self._main_group = trainer.grouped.main_group
            log.info(console_line(trainer, result, ips, remaining * per_step, self._main_group))
        if now - self._last_write >= WRITE_SECONDS or trainer.state.step >= trainer.plan.total_steps:
            trainer.flush()
            self._last_write = now
        self._window_start, self._window_samples = now, 0  # this call's own time counts in the next window
