"""The NaN / divergence guard and loss-spike detection ("dynamic warmup").

- A non-finite loss or gradient norm: the update is skipped and counted (the trainer does that).
- `patience` consecutive skipped updates: roll back to the last good in-memory snapshot (model, EMA,
  optimizer with its scheduler position, counters; taken after the first good update and then every
  `snapshot_interval` good ones), lower the peak LR by `lr_factor` and re-warm linearly over
  `rewarm_steps`; both become part of the schedule (`ppwarm.optim.composite.Rewarm`), so the scheduler,
  the applied LRs and the dashboard all follow the lowered, re-warming LR. With no good update yet there
  is nothing to return to, and the run stops. After `max_rollbacks` the run stops with a clear message
  (the checkpoint hook writes the good state at the end).
- During warmup, a loss above `spike_factor` x the running median of the last `spike_window` losses
  extends the warmup by `spike_extend_steps` (at most doubling it) instead of waiting for a NaN.
Every event goes to the log and to the dashboard as `events/<name>`.
"""

from __future__ import annotations

import logging
import statistics
from collections import deque
from typing import TYPE_CHECKING, Any

import paddle

from ppwarm.config.sections.runtime import NanGuardConfig
from ppwarm.engine.hooks.base import Hook, StepResult

if TYPE_CHECKING:
    from ppwarm.engine.trainer import Trainer

log = logging.getLogger("ppwarm")


def clone_state(value: Any) -> Any:
    """A deep copy of a (nested) state dict whose tensors are cloned, so later updates don't touch it."""
    if isinstance(value, paddle.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: clone_state(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone_state(v) for v in value]
    return value


class NanGuardHook(Hook):
    """Counts skipped updates, rolls back after `patience` in a row, detects loss spikes in warmup."""

    def __init__(self, settings: NanGuardConfig) -> None:
        self.s = settings
        self.bad_in_a_row = 0
        self.snapshot: dict[str, Any] | None = None
        self.good_since_snapshot = 0
        self.recent = deque(maxlen=settings.spike_window)

    def after_step(self, trainer: Trainer, result: StepResult) -> None:
        if result.applied:
            self.bad_in_a_row = 0
            self._watch_spike(trainer, result)
            self.good_since_snapshot += 1
            # the first snapshot follows the first good update: the optimizer then has all its state
            if self.snapshot is None or self.good_since_snapshot >= self.s.snapshot_interval:
                self._take_snapshot(trainer)
            return
        self.bad_in_a_row += 1
        why = f"non-finite loss or gradient ({self.bad_in_a_row} in a row)"
        trainer.event("skipped_update", result.step, why)
        if self.bad_in_a_row >= self.s.patience:
            self._roll_back(trainer)

    def _take_snapshot(self, trainer: Trainer) -> None:
        self.snapshot = clone_state(trainer.capture_weights_and_counters())
        self.good_since_snapshot = 0

    def _roll_back(self, trainer: Trainer) -> None:
        state = trainer.state
        if self.snapshot is None:
            trainer.request_stop(
                f"training diverged before its first good update ({self.bad_in_a_row} "
                "non-finite updates); lower lr.base or start the warmup lower"
            )
            return
        if state.rollbacks >= self.s.max_rollbacks:
            trainer.request_stop(
                f"training diverged: {self.bad_in_a_row} non-finite updates in a row after "
                f"{state.rollbacks} rollbacks (nan_guard.max_rollbacks = {self.s.max_rollbacks})"
            )
            return
        trainer.restore_weights_and_counters(clone_state(self.snapshot))
        state.rollbacks += 1
        state.lr_factor *= self.s.lr_factor
        state.rewarm_from = state.step
        trainer.apply_envelope()
        self.bad_in_a_row = 0
        trainer.event(
            "rollback",
            state.step,
            f"rolled back to step {state.step}; peak LR x {state.lr_factor:g}, "
            f"re-warming over {self.s.rewarm_steps} steps",
        )

    def _watch_spike(self, trainer: Trainer, result: StepResult) -> None:
        loss = result.losses["total"]
        if self.s.spike_factor <= 0 or trainer.state.step > trainer.plan.warmup_steps:
            return
        if len(self.recent) >= 3:
            median = statistics.median(self.recent)
            if loss > self.s.spike_factor * median:
                trainer.extend_warmup(
                    self.s.spike_extend_steps,
                    f"loss {loss:.4g} > {self.s.spike_factor:g} x running median {median:.4g}",
                )
        self.recent.append(loss)
