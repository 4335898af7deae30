"""The training loop: `train()` walks the data and calls `run_step()` once per optimizer update.

Everything else (logging, dashboard, evaluation, checkpoints, the NaN guard) is a hook. A model maps a
batch to a dict of losses with a `total`; the trainer knows nothing about the task.

One update (`run_step`): for each micro-batch of the accumulation window, forward under autocast and
backward of total / window size; then (in GroupedOptimizer.step) unscale, measure and clip the global
gradient norm, set the group LRs and momentum of this step, update, clear gradients, step the scheduler,
update the EMA. The group LRs and momentum of a step are read once, from the scheduler's answer for that
step (`CompositeSchedule.at`); the LR recorded for a step is the LR that step used. The trainer's step
counter and the scheduler's position are checked to agree before every update.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

import paddle

from ppwarm.engine.amp import Amp
from ppwarm.engine.ema import ModelEMA
from ppwarm.engine.events import EventStore
from ppwarm.engine.hooks.base import Hook, StepResult
from ppwarm.engine.oom import OutOfMemory, is_out_of_memory
from ppwarm.engine.state import TrainState
from ppwarm.lr.plan import SchedulePlan, extend_warmup
from ppwarm.optim.build import GroupedOptimizer
from ppwarm.optim.composite import Rewarm

log = logging.getLogger("ppwarm")


class EpochSampler(Protocol):
    """A batch sampler the trainer can resume: `len()` batches per epoch, restartable at any batch.

    `set_epoch(epoch, start_batch)` is called before each epoch's loader iterator is created; the epoch's
    order must depend only on the epoch (e.g. `ppwarm.data.sampler.EpochBatchSampler`).
    """

    def __len__(self) -> int: ...

    def set_epoch(self, epoch: int, start_batch: int = 0) -> None: ...


class Trainer:
    """Owns the model, optimizer, data and counters of one run; hooks do the rest."""

    def __init__(
        self,
        *,
        model: paddle.nn.Layer,
        inner_model: paddle.nn.Layer,
        grouped: GroupedOptimizer,
        loader: Any,
        sampler: EpochSampler,
        plan: SchedulePlan,
        amp: Amp,
        state: TrainState,
        hooks: Sequence[Hook],
        world_size: int = 1,
        ema: ModelEMA | None = None,
        rewarm_steps: int = 0,
        writers: Sequence[Any] = (),
    ) -> None:
        self.model, self.inner_model, self.grouped = model, inner_model, grouped
        self.loader, self.sampler, self.plan, self.amp = loader, sampler, plan, amp
        self.state, self.hooks, self.world_size, self.ema = state, list(hooks), world_size, ema
        self.rewarm_steps = rewarm_steps
        self.events = EventStore()
        self.writers = list(writers)  # rank 0's metrics.jsonl and VisualDL writers; empty on other ranks
        self.stop_reason: str | None = None
        self.apply_envelope()

    # ----- the loop -------------------------------------------------------------------------------------
    def train(self) -> TrainState:
        """Train until the planned number of updates is done or a hook asks to stop."""
        self._call("before_train")
        while self.state.step < self.plan.total_steps and self.stop_reason is None:
            self._train_epoch()
        self._call("after_train")
        self.flush()
        for writer in self.writers:
            writer.close()
        return self.state

    def _train_epoch(self) -> None:
        self.sampler.set_epoch(self.state.epoch, self.state.batch_in_epoch)
        self._call("before_epoch")
        window: list[Any] = []
        for batch in self.loader:
            window.append(batch)
            self.state.batch_in_epoch += 1
            if len(window) == self.plan.accumulate or self.state.batch_in_epoch == len(self.sampler):
                self._call("before_step")
                result = self._guarded_step(window)
                window = []
                self._call("after_step", result)
                if self.state.step >= self.plan.total_steps or self.stop_reason is not None:
                    break
        if self.state.batch_in_epoch == len(self.sampler):  # the epoch is complete
            self.state.epoch += 1
            self.state.batch_in_epoch = 0
            self._call("after_epoch")

    def _guarded_step(self, window: list[Any]) -> StepResult:
        """run_step, turning an out-of-memory error into OutOfMemory with the data position rewound."""
        try:
            return self.run_step(window)
        except Exception as err:
            if not is_out_of_memory(err):
                raise
            self.state.batch_in_epoch -= len(window)
            self.grouped.optimizer.clear_grad()
            raise OutOfMemory(self.state.step, err) from err

    def run_step(self, window: list[Any]) -> StepResult:
        """One optimizer update from the micro-batches in `window`."""
        start, step = time.perf_counter(), self.state.step
        if self.grouped.step_index != step:
            raise RuntimeError(
                f"step counters disagree: the trainer is at step {step}, the LR scheduler at "
                f"{self.grouped.step_index}"
            )
        losses, finite = self._forward_backward(window)
        values = self.grouped.values  # what this update uses, evaluated once by the scheduler
        self.grouped.step(self.amp.scaler, skip=not finite)
        self.grouped.optimizer.clear_grad()
        applied = self.grouped.last_applied
        if applied and self.ema is not None:
            self.ema.update(self.inner_model)
        samples = sum(_batch_len(b) for b in window) * self.world_size
        self.state.step += 1
        self.state.samples_seen += samples
        if not applied:
            self.state.skipped_updates += 1
        return StepResult(
            step,
            losses,
            values.lrs,
            values.momentum,
            self.grouped.last_grad_norm,
            applied,
            samples,
            time.perf_counter() - start,
        )

    def _forward_backward(self, window: list[Any]) -> tuple[dict[str, float], bool]:
        """Forward and backward (of total / window size) of every micro-batch; the loss terms' mean over
        the window and the ranks, and whether that mean total is finite (it is iff every micro-batch's
        total on every rank was). The values stay tensors until one host transfer per update."""
        names: list[str] = []
        summed: paddle.Tensor | None = None
        for batch in window:
            with self.amp.autocast():
                out = self.model(batch)
            self.amp.backward(out["total"] / len(window))  # every rank runs backward: DataParallel needs it
            names = list(out)
            terms = paddle.concat([v.detach().reshape([1]).astype("float64") for v in out.values()])
            summed = terms if summed is None else summed + terms
        return self._over_ranks(names, summed / len(window))

    def _over_ranks(self, names: list[str], means: paddle.Tensor) -> tuple[dict[str, float], bool]:
        """The losses (`means` of this rank, in the order of `names`) averaged over ranks, as floats, and
        whether the total is finite. Float64 sums of float32 losses do not overflow, so a non-finite loss
        on any rank or micro-batch, and only that, makes the mean total non-finite."""
        if self.world_size > 1:
            paddle.distributed.all_reduce(means)  # sum
            means = means / self.world_size
        losses = dict(zip(names, means.numpy().tolist(), strict=True))
        return losses, math.isfinite(losses["total"])

    def _call(self, point: str, *args: Any) -> None:
        for hook in self.hooks:
            getattr(hook, point)(self, *args)

    # ----- services for hooks ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Write every scalar put so far to the writers (metrics.jsonl, VisualDL)."""
        records = self.events.drain()
        for writer in self.writers:
            writer.write(records)

    def event(self, name: str, step: int, message: str) -> None:
        """Log an event and put `events/<name>` on the dashboard."""
        log.warning("event %s at step %d: %s", name, step, message)
        self.events.put(f"events/{name}", 1.0, step)

    def request_stop(self, reason: str) -> None:
        """End the run after the current update; after_train hooks still run."""
        self.stop_reason = reason
        log.error("stopping: %s", reason)

    def apply_envelope(self) -> None:
        """Make the schedule include the NaN guard's LR factor and re-warm held in the state."""
        rewarm = Rewarm(self.state.lr_factor, self.state.rewarm_from, self.rewarm_steps)
        if rewarm != self.grouped.schedule.rewarm:
            self.grouped.replace_schedule(replace(self.grouped.schedule, rewarm=rewarm))

    def extend_warmup(self, steps: int, why: str) -> None:
        """Lengthen the warmup by `steps` (the warmup at most doubles; the end of the run stays put)."""
        base = self.plan.warmup_steps - self.state.warmup_extension
        steps = min(steps, base - self.state.warmup_extension)
        if steps <= 0:
            return
        try:
            plan = extend_warmup(self.plan, steps)
        except ValueError as err:
            log.warning("spike detected but %s", err)
            return
        self.plan = plan
        self.state.warmup_extension += steps
        self.grouped.replace_schedule(replace(self.grouped.schedule, plan=plan))
        self.event("warmup_extended", self.state.step, f"{why}: warmup now {plan.warmup_steps} steps")

    def capture_weights_and_counters(self) -> dict[str, Any]:
        """Model, EMA, optimizer (with scheduler) and counters: what a rollback restores."""
        return {
            "model": self.inner_model.state_dict(),
            "ema": self.ema.state_dict() if self.ema is not None else None,
            "optimizer": self.grouped.optimizer.state_dict(),
            "step": self.state.step,
            "samples_seen": self.state.samples_seen,
        }

    def restore_weights_and_counters(self, snap: dict[str, Any]) -> None:
        self.inner_model.set_state_dict(snap["model"])
        if self.ema is not None and snap["ema"] is not None:
            self.ema.set_state_dict(snap["ema"])
        self.grouped.optimizer.set_state_dict(snap["optimizer"])
        self.state.step = snap["step"]
        self.state.samples_seen = snap["samples_seen"]


def _batch_len(batch: Any) -> int:
    """Samples in a collated batch: the leading size of its first tensor."""
    first = next(iter(batch.values())) if isinstance(batch, dict) else batch[0]
    return int(first.shape[0])
