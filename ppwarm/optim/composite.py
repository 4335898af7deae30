"""Composite warmup: every group's LR and the optimizer's momentum at a step, in one place.

`CompositeSchedule.at(t)` answers "what does update t use": every group's LR, the momentum (beta1) and
the largest group LR (the optimizer's global LR, see ppwarm.optim.build). The trainer's scheduler
(`ppwarm.lr.schedulers.GroupedLR`) asks it once per step; the optimizer's multipliers and momentum, the
trainer's StepResult, the dashboard and the NaN guard's re-warm all read that answer. `lrs(t)` and
`columns(t)` run the same code over an array of steps for the plan tool and the plots; a step read with
`at` equals the vectorised value bit for bit.

Notation: sched(t) = the run's LR curve (warmup + decay, `SchedulePlan.curve`; what
`build_scheduler(plan)` gives step by step), decay(t) = its decay part (the peak p until the global
warmup of W steps ends, then sched(t)), s = lr.warmup.start_lr, env(t) = the NaN guard's factor
(`Rewarm`; 1 until a rollback), and per group: lr_mult, its warmup length W_g (its own, or W),
b0 = optimizer.warmup_bias_lr.

- ordinary group:          lr(t) = env(t) * lr_mult * sched(t)
- layer-wise group (own W_g): lr(t) = env(t) * lr_mult * decay(t) * ramp(t / W_g), ramp rising from s/p to
  1 with the run's warmup shape, 1 from W_g on.
- bias group with b0 > 0, t < W_g: lr(t) = env(t) * (b0 + (target - b0) * t / W_g), where target = the
  group's value above at t = W_g (= p * lr_mult whenever W_g <= W), so the bias joins its schedule exactly
  at W_g, falling from b0 when b0 is larger. From W_g on it follows the formulas above; with b0 = 0 always.
- momentum (beta1 for Adam/AdamW), t < W: m0 + (m - m0) * t / W, then m; with no m0, always m.
- largest(t) = the largest group LR.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ppwarm.lr.curves import ArrayLike, warmup_ramp
from ppwarm.lr.plan import SchedulePlan


@dataclass(frozen=True)
class Rewarm:
    """env(t), the NaN guard's factor on every group LR: `factor` x a linear re-warm over `steps` updates.

    After a rollback to step `start`, update t >= start uses ``factor * (t - start + 1) / steps`` until
    ``start + steps``, then `factor` (the product of the peak reductions so far). Without a rollback
    (`start` None) or with ``steps == 0`` it is `factor` throughout.
    """

    factor: float = 1.0
    start: int | None = None
    steps: int = 0

    @property
    def active(self) -> bool:
        """Whether env(t) differs from 1 anywhere."""
        return self.factor != 1.0 or (self.start is not None and self.steps > 0)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        if self.start is None or self.steps == 0:
            return np.full_like(t, self.factor)
        ramp = self.factor * np.maximum(t - self.start + 1, 1) / self.steps
        return np.where(t >= self.start + self.steps, self.factor, ramp)


@dataclass(frozen=True)
class StepValues:
    """What one update uses: every group's LR, the momentum (beta1; 0 without) and the largest group LR."""

    lrs: dict[str, float]
    momentum: float
    largest: float


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
    """Per-group LRs and the momentum of a run, from its plan, group settings and the NaN guard's factor."""

    plan: SchedulePlan
    groups: tuple[GroupSpec, ...]
    momentum: float | None = None  # None: the optimizer has no momentum (plain SGD)
    warmup_momentum: float | None = None
    warmup_bias_lr: float = 0.0
    rewarm: Rewarm = Rewarm()

    def group(self, name: str) -> GroupSpec:
        for spec in self.groups:
            if spec.name == name:
                return spec
        raise KeyError(f"no parameter group {name!r}; groups: {', '.join(g.name for g in self.groups)}")

    def group_warmup(self, spec: GroupSpec) -> int:
        """W_g: the group's own warmup length, or the run's."""
        return self.plan.warmup_steps if spec.warmup_steps is None else spec.warmup_steps

    def at(self, t: int, base: float | None = None) -> StepValues:
        """Every group's LR, the momentum and the largest group LR of update `t`.

        `base` is sched(t) as the run's scheduler gave it (`GroupedLR` passes it); without it, sched(t)
        comes from the plan's curve: the same number.
        """
        steps = np.array([t], dtype=np.float64)  # 1-element arrays: the kernels of a vectorised call
        sched = self.plan.curve()(steps) if base is None else np.array([base], dtype=np.float64)
        lrs = {spec.name: float(self._group_lr(spec, steps, sched)[0]) for spec in self.groups}
        return StepValues(lrs, float(self.momentum_at(steps)[0]), max(lrs.values()))

    def lr(self, name: str, t: ArrayLike) -> np.ndarray:
        """The LR that group `name` uses at each step of `t`."""
        t = np.asarray(t, dtype=np.float64)
        return self._group_lr(self.group(name), t, self.plan.curve()(t))

    def lrs(self, t: ArrayLike) -> dict[str, np.ndarray]:
        """Every group's LR at the steps `t`, keyed by group name."""
        t = np.asarray(t, dtype=np.float64)
        sched = self.plan.curve()(t)
        return {spec.name: self._group_lr(spec, t, sched) for spec in self.groups}

    def largest(self, t: ArrayLike) -> np.ndarray:
        """The largest group LR at each step: the optimizer's global LR (see ppwarm.optim.build)."""
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

    # ----- the formulas: every public method above goes through these ------------------------------------
    def _group_lr(self, spec: GroupSpec, t: np.ndarray, sched: np.ndarray) -> np.ndarray:
        """The group's LR at the steps `t`, given sched(t)."""
        lr = self._scheduled(spec, t, sched)
        w = self.group_warmup(spec)
        if spec.is_bias and self.warmup_bias_lr > 0 and w > 0:
            b0, target = self.warmup_bias_lr, self._bias_targets[spec.name]
            lr = np.where(t < w, b0 + (target - b0) * t / w, lr)
        return self.rewarm(t) * lr if self.rewarm.active else lr

    def _scheduled(self, spec: GroupSpec, t: np.ndarray, sched: np.ndarray) -> np.ndarray:
        """The group's LR without the bias warmup and the NaN guard's factor."""
        plan = self.plan
        if spec.warmup_steps is None:
            return spec.lr_mult * sched
        decay = np.where(t < plan.warmup_steps, plan.peak_lr, sched)
        shape = "linear" if plan.warmup_type == "none" else plan.warmup_type
        low = plan.start_lr / plan.peak_lr
        ramp = low + (1.0 - low) * warmup_ramp(shape, t / spec.warmup_steps, plan.warmup_power)
        return spec.lr_mult * decay * ramp

    @cached_property
    def _bias_targets(self) -> dict[str, float]:
        """Per bias group, the value its warmup falls (or rises) to: its scheduled LR at W_g."""
        out = {}
        for spec in self.groups:
            w = np.array([float(self.group_warmup(spec))])
            out[spec.name] = float(self._scheduled(spec, w, self.plan.curve()(w))[0])
        return out
