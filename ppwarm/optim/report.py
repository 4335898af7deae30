"""The parameter groups of a plan as text: multiplier, weight decay, warmup and LR at key steps."""

from __future__ import annotations

import numpy as np

from ppwarm.optim.composite import CompositeSchedule


def group_warnings(schedule: CompositeSchedule) -> list[str]:
    """Settings that cannot act as written: a bias or momentum warmup with no warmup to act in."""
    out = []
    if schedule.plan.warmup_steps == 0:
        if schedule.warmup_bias_lr > 0:
            out.append(
                "optimizer.warmup_bias_lr is set but the run has no warmup: the bias LR is never warmed"
            )
        if schedule.warmup_momentum is not None and schedule.momentum is not None:
            out.append(
                "optimizer.warmup_momentum is set but the run has no warmup: momentum starts at its value"
            )
    if schedule.momentum is None and schedule.warmup_momentum is not None:
        out.append("optimizer.warmup_momentum is set but sgd has no momentum; use type: momentum")
    return out


def format_groups(schedule: CompositeSchedule, weight_decay_reason: str) -> str:
    """Lines describing every group and the momentum; printed after the LR plan."""
    plan = schedule.plan
    lines = ["groups:", f"  {weight_decay_reason}"]
    for spec in schedule.groups:
        w = schedule.group_warmup(spec)
        at = schedule.lr(spec.name, np.array([0, w], dtype=np.float64))
        bias = " (bias warmup)" if spec.is_bias and schedule.warmup_bias_lr > 0 and w > 0 else ""
        lines.append(
            f"  {spec.name:<22} lr_mult {spec.lr_mult:<5g} weight_decay {spec.weight_decay:<10.4g} "
            f"warmup {w:>6d} steps{bias}  lr {at[0]:.4e} at step 0 -> {at[1]:.4e} at step {w}"
        )
    if schedule.momentum is None:
        lines.append("momentum: none (sgd)")
    elif schedule.warmup_momentum is None or plan.warmup_steps == 0:
        lines.append(f"momentum: {schedule.momentum:g} throughout")
    else:
        lines.append(
            f"momentum: {schedule.warmup_momentum:g} -> {schedule.momentum:g} linearly over the "
            f"{plan.warmup_steps} warmup steps, then {schedule.momentum:g}"
        )
    lines += [f"  ! {w}" for w in group_warnings(schedule)]
    return "\n".join(lines)
