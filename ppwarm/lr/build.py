"""Build the Paddle scheduler of a resolved plan."""

from __future__ import annotations

from ppwarm.lr.plan import SchedulePlan
from ppwarm.lr.schedulers import WARMUP_CLASSES, CurveLR, WarmupLR


def build_scheduler(plan: SchedulePlan, last_epoch: int = -1) -> WarmupLR:
    """The plan's warmup class wrapped around its decay; its values are exactly `plan.curve()`.

    Call `step()` once per optimizer update, after `optimizer.step()`.
    """
    warmup_cls = WARMUP_CLASSES[plan.warmup_type]
    decay = CurveLR(plan.decay_curve())
    return warmup_cls(decay, plan.warmup_steps, plan.start_lr, plan.warmup_power, last_epoch=last_epoch)
