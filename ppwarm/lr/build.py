"""Build the Paddle scheduler of a resolved plan."""

from __future__ import annotations

from paddle.optimizer.lr import LRScheduler

from ppwarm.lr.plan import SchedulePlan
from ppwarm.lr.schedulers import WARMUP_CLASSES, CurveLR


def build_scheduler(plan: SchedulePlan, last_epoch: int = -1) -> LRScheduler:
    """The plan's warmup class wrapped around its decay (the decay alone when W = 0).

    Its values are exactly `plan.curve()`, bit for bit. Call `step()` once per optimizer update, after
    `optimizer.step()`. The trainer runs on this same scheduler (`ppwarm.lr.schedulers.GroupedLR`).
    """
    if plan.warmup_steps == 0:
        return CurveLR(plan.decay_curve(), last_epoch=last_epoch)
    warmup_cls = WARMUP_CLASSES[plan.warmup_type]
    decay = CurveLR(plan.decay_curve())
    return warmup_cls(decay, plan.warmup_steps, plan.start_lr, plan.warmup_power, last_epoch=last_epoch)
