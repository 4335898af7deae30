"""The LR contract written out step by step in plain Python, independent of ppwarm.lr.curves.

Tests compare ppwarm's vectorised curves and Paddle schedulers against this, one step at a time.
"""

from __future__ import annotations

import math


def warmup_value(kind: str, t: int, w: int, s: float, p: float, power: float) -> float:
    x = t / w
    if kind == "linear":
        return s + (p - s) * x
    if kind == "exponential":
        return s + (p - s) * x**power
    if kind == "cosine":
        return s + (p - s) * (1 - math.cos(math.pi * x)) / 2
    if kind == "constant":
        return s
    raise AssertionError(kind)


def decay_value(plan, t: int) -> float:
    p, w, d = plan.peak_lr, plan.warmup_steps, plan.decay_steps
    m = p * plan.min_lr_ratio
    u = min(t - w, d)  # from the end of the decay on: the final value
    kind = plan.decay_type
    if kind == "cosine":
        return m + (p - m) * (1 + math.cos(math.pi * u / d)) / 2
    if kind == "polynomial":
        return m + (p - m) * (1 - u / d) ** plan.decay_power
    if kind == "linear":
        return m + (p - m) * (1 - u / d)
    if kind == "constant":
        return p
    if kind == "piecewise":
        k = sum(1 for ms in plan.milestone_steps if ms <= u + w)
        return p * plan.gamma**k
    if kind == "cosine_restarts":
        c = d / plan.cycles
        r = max(1, round(0.1 * c))
        i = min(int(u // c), plan.cycles - 1)
        v = u - i * c
        if i == 0:
            return m + (p - m) * (1 + math.cos(math.pi * v / c)) / 2
        if v < r:
            return m + (p - m) * v / r
        return m + (p - m) * (1 + math.cos(math.pi * (v - r) / (c - r))) / 2
    raise AssertionError(kind)


def expected_lr(plan, t: int) -> float:
    """LR at step t per the contract of the schedule engine."""
    if t < plan.warmup_steps:
        return warmup_value(
            plan.warmup_type, t, plan.warmup_steps, plan.start_lr, plan.peak_lr, plan.warmup_power
        )
    return decay_value(plan, t)
