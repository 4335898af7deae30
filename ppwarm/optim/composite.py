"""Composite warmup: per-group LR and the optimizer's momentum as pure, vectorised functions of the step.

The one place these formulas live; the optimizer hooks, the plan tool and the dashboard all call it.

Notation: sched(t) = the run's LR curve (warmup + decay, `SchedulePlan.curve`), decay(t) = its decay part
(equal to the peak p until the global warmup of W steps ends), s = lr.warmup.start_lr, and per group:
lr_mult, its warmup length W_g (its own, or W), b0 = optimizer.warmup_bias_lr.

- ordinary group:          lr(t) = lr_mult * sched(t)
- layer-wise group (own W_g): lr(t) = lr_mult * decay(t) * ramp(t / W_g), ramp rising from s/p to 1 with
  the run's warmup shape, 1 from W_g on.
- bias group with b0 > 0, t < W_g: lr(t) = b0 + (target - b0) * t / W_g, where target = the group's value
  above at t = W_g (= p * lr_mult whenever W_g <= W), so the bias joins its schedule exactly at W_g,
  falling from b0 when b0 is larger. From W_g on it follows the formulas above; with b0 = 0 always.
- momentum (beta1 for Adam/AdamW), t < W: m0 + (m - m0) * t / W, then m; with no m0, always m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ppwarm.lr.curves import ArrayLike, warmup_ramp
from ppwarm.lr.plan import SchedulePlan


@dataclass(frozen=True)
class GroupSpec:
    """One parameter group: its name, role (weight, norm, bias), LR multiplier, decay and warmup."""

    name: str
    role: str
    lr_mult: float = 1.0
    weight_decay: float = 0.0
    warmup_steps: int | None = None  # layer-wise warmup length; None follows the run's warmup

    @property
    def is_bias(self) -> bool:
        return self.role == "bias"


@dataclass(frozen=True)
class CompositeSchedule:
    """Per-group LRs and the momentum of a run, from its plan and group settings."""

    plan: SchedulePlan
    groups: tuple[GroupSpec, ...]
    momentum: float | None = None  # None: the optimizer has no momentum (plain SGD)
    warmup_momentum: float | None = None
    warmup_bias_lr: float = 0.0

    def group(self, name: str) -> GroupSpec:
        for spec in self.groups:
            if spec.name == name:
                return spec
        raise KeyError(f"no parameter group {name!r}; groups: {', '.join(g.name for g in self.groups)}")

    def group_warmup(self, spec: GroupSpec) -> int:
        """W_g: the group's own warmup length, or the run's."""
        return self.plan.warmup_steps if spec.warmup_steps is None else spec.warmup_steps

    def _scheduled(self, spec: GroupSpec, t: np.ndarray) -> np.ndarray:
        """The group's LR without the bias warmup."""
        plan = self.plan
        if spec.warmup_steps is None:
            return spec.lr_mult * plan.curve()(t)
        decay = np.where(t < plan.warmup_steps, plan.peak_lr, plan.decay_curve()(t - plan.warmup_steps))
        shape = "linear" if plan.warmup_type == "none" else plan.warmup_type
        low = plan.start_lr / plan.peak_lr
        ramp = low + (1.0 - low) * warmup_ramp(shape, t / spec.warmup_steps, plan.warmup_power)
        return spec.lr_mult * decay * ramp

    def lr(self, name: str, t: ArrayLike) -> np.ndarray:
        """The LR that group `name` uses at each step of `t`."""
        spec = self.group(name)
        t = np.asarray(t, dtype=np.float64)
        scheduled = self._scheduled(spec, t)
        w = self.group_warmup(spec)
        if not spec.is_bias or self.warmup_bias_lr <= 0 or w == 0:
            return scheduled
        b0 = self.warmup_bias_lr
        target = self._scheduled(spec, np.array([float(w)]))[0]
        return np.where(t < w, b0 + (target - b0) * t / w, scheduled)

    def lrs(self, t: ArrayLike) -> dict[str, np.ndarray]:
        """Every group's LR at the steps `t`, keyed by group name."""
        return {spec.name: self.lr(spec.name, t) for spec in self.groups}

    def largest(self, t: ArrayLike) -> np.ndarray:
        """The largest group LR at each step: the optimizer's global LR (see ppwarm.optim.apply)."""
        return np.max(np.stack(list(self.lrs(t).values())), axis=0)

    def momentum_at(self, t: ArrayLike) -> np.ndarray:
        """Momentum (or beta1) at the steps `t`; 0 for an optimizer without momentum (plain SGD)."""
        t = np.asarray(t, dtype=np.float64)
        if self.momentum is None:
            return np.zeros_like(t)
        w = self.plan.warmup_steps
        if self.warmup_momentum is None or w == 0:
            return np.full_like(t, self.momentum)
        m0, m = self.warmup_momentum, self.momentum
        return np.where(t < w, m0 + (m - m0) * t / w, m)

    def columns(self, t: ArrayLike) -> dict[str, np.ndarray]:
        """Per-step table columns: `lr/<group>` for every group, then `momentum`."""
        out = {f"lr/{name}": values for name, values in self.lrs(t).items()}
        out["momentum"] = self.momentum_at(t)
        return out
