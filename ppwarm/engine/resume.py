"""Continuing a run from a checkpoint: exactly when the batch geometry is unchanged, by samples otherwise.

Unchanged global batch: weights, optimizer (with the scheduler position), scaler, RNG and counters come
back as they were, so every following step has the LR, momentum and data of an uninterrupted run. The
train state's step and the scheduler's position (`last_epoch`, stored inside the optimizer state) are
two records of one number; `check_scheduler_position` refuses a checkpoint where they disagree.

Changed global batch (other batch size, device count or accumulation): the plan of the current config
already has the rescaled peak LR; progress is mapped by SAMPLES seen: the new step is
round(samples_seen / new global batch), the position in the epoch is mapped the same way, and the
scheduler continues from the new step. A notice says what changed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from ppwarm.engine.state import TrainState
from ppwarm.errors import ConfigError
from ppwarm.lr.plan import SchedulePlan

log = logging.getLogger("ppwarm")


class ResumeMismatch(ConfigError):
    """A checkpoint whose records contradict each other; the tools print it as one line (exit 2)."""


@dataclass(frozen=True)
class ResumePoint:
    """Where a resumed run continues, and the notice to print when the batch geometry changed."""

    state: TrainState
    batch_changed: bool
    notice: str = ""


def resume_point(checkpoint: dict[str, Any], plan: SchedulePlan, batches_per_epoch: int) -> ResumePoint:
    """The train state to continue from under `plan` (the plan of the current config and devices)."""
    state = TrainState.from_dict(checkpoint["state"])
    old = checkpoint["batch"]
    if old["global_batch"] == plan.global_batch and old["devices"] == plan.devices:
        return ResumePoint(state, False)
    new_step = round(state.samples_seen / plan.global_batch)
    old_micro = old["batch_size"] * old["devices"]
    new_micro = plan.batch_size * plan.devices
    into_epoch = state.batch_in_epoch * old_micro
    new_batch = min(math.ceil(into_epoch / new_micro), batches_per_epoch)
    # keep accumulation windows aligned: continue at the next window boundary
    new_batch = min(math.ceil(new_batch / plan.accumulate) * plan.accumulate, batches_per_epoch)
    notice = (
        f"resume: global batch changed {old['global_batch']} -> {plan.global_batch} "
        f"(batch_size {old['batch_size']} -> {plan.batch_size}, devices {old['devices']} -> {plan.devices}, "
        f"accumulate {old['accumulate']} -> {plan.accumulate}); peak LR now {plan.peak_lr:.6g} by the "
        f"{plan.scaling_rule} rule; progress mapped by samples seen ({state.samples_seen}): step "
        f"{state.step} -> {new_step} of {plan.total_steps}, epoch {state.epoch} batch {state.batch_in_epoch} "
        f"-> batch {new_batch}; the remaining schedule follows the new plan"
    )
    state.step, state.batch_in_epoch = new_step, new_batch
    if state.rewarm_from is not None:
        state.rewarm_from = round(state.rewarm_from * checkpoint["batch"]["global_batch"] / plan.global_batch)
    return ResumePoint(state, True, notice)


def check_scheduler_position(source: Any, step: int, scheduler_step: int) -> None:
    """Raise ResumeMismatch unless the restored scheduler is at the train state's `step`.

    Called after the optimizer state (which holds the scheduler's) is loaded, when the global batch is
    unchanged; with a changed batch the scheduler is moved to the step mapped by samples instead.
    """
    if scheduler_step != step:
        raise ResumeMismatch(
            f"resume: {source} disagrees with itself: its train state is at step {step} but its LR "
            f"scheduler at step {scheduler_step}; not resuming from it"
        )
