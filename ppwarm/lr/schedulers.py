"""Paddle `LRScheduler` classes whose values come from `ppwarm.lr.curves`.

Contract shared by every class here: the LR at step t (`last_epoch == t`) is the curve's value at t,
`step()` is called once per optimizer update (after `optimizer.step()`), and `state_dict()` /
`set_state_dict()` round-trip exactly: a scheduler restored from a state continues with the same values
as one that was never interrupted, mid-warmup or mid-decay.

Every warmup IS a `paddle.optimizer.lr.LinearWarmup`: Paddle's own code computes the linear warmup, steps
the wrapped decay to ``t - W`` after it and nests the decay's state; the other shapes only replace the
value during the warmup. A ppwarm decay is a pure curve; a foreign Paddle scheduler (e.g.
`paddle.optimizer.lr.CosineAnnealingDecay`) works too, but no vectorised curve exists for it.

`GroupedLR` is the trainer's scheduler: it wraps the plan's scheduler (`ppwarm.lr.build.build_scheduler`)
and turns its LR into every parameter group's LR once per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from paddle.optimizer.lr import LinearWarmup as PaddleLinearWarmup
from paddle.optimizer.lr import LRScheduler

from ppwarm.lr import curves

NESTED_KEY = "LinearWarmup_LR"  # where Paddle's LinearWarmup keeps the wrapped scheduler's state


class CurveLR(LRScheduler):
    """An LRScheduler whose value at step t is ``float(curve(t))``."""

    def __init__(self, curve: curves.Curve, last_epoch: int = -1) -> None:
        self.curve = curve
        super().__init__(learning_rate=float(curve(0)), last_epoch=last_epoch)

    def get_lr(self) -> float:
        return curves.value_at(self.curve, self.last_epoch)

    def values(self, steps: np.ndarray) -> np.ndarray:
        """The LR at each of `steps`, without touching the scheduler's position."""
        return self.curve(steps)


class CosineDecay(CurveLR):
    """Cosine from `peak` to ``peak * min_lr_ratio`` over `length` steps, then held (never periodic)."""

    def __init__(self, peak: float, length: int, min_lr_ratio: float = 0.0, last_epoch: int = -1) -> None:
        super().__init__(curves.CosineCurve(peak, peak * min_lr_ratio, length), last_epoch)


class PolynomialDecay(CurveLR):
    """Polynomial from `peak` to ``peak * min_lr_ratio`` over `length` steps, then held."""

    def __init__(
        self, peak: float, length: int, min_lr_ratio: float = 0.0, power: float = 0.9, last_epoch: int = -1
    ) -> None:
        super().__init__(curves.PolynomialCurve(peak, peak * min_lr_ratio, length, power), last_epoch)


class LinearDecay(PolynomialDecay):
    """Straight line from `peak` to ``peak * min_lr_ratio`` over `length` steps, then held."""

    def __init__(self, peak: float, length: int, min_lr_ratio: float = 0.0, last_epoch: int = -1) -> None:
        super().__init__(peak, length, min_lr_ratio, power=1.0, last_epoch=last_epoch)


class PiecewiseDecay(CurveLR):
    """``peak * gamma**k``, k = number of `boundaries` (steps from the decay's start) already reached."""

    def __init__(
        self, peak: float, boundaries: Sequence[int], gamma: float, length: int, last_epoch: int = -1
    ) -> None:
        super().__init__(curves.PiecewiseCurve(peak, tuple(boundaries), gamma, length), last_epoch)


class ConstantDecay(CurveLR):
    """The peak LR at every step (a warmup followed by a constant LR)."""

    def __init__(self, peak: float, last_epoch: int = -1) -> None:
        super().__init__(curves.ConstantCurve(peak), last_epoch)


class CosineRestartsDecay(CurveLR):
    """`cycles` equal cosine cycles over `length` steps, each later one re-warmed (see the curve)."""

    def __init__(
        self, peak: float, length: int, cycles: int, min_lr_ratio: float = 0.0, last_epoch: int = -1
    ) -> None:
        super().__init__(curves.CosineRestartsCurve(peak, peak * min_lr_ratio, length, cycles), last_epoch)


class WarmupLR(PaddleLinearWarmup):
    """Warmup of `warmup_steps` (>= 1) steps from `start_lr` to the decay's peak, then the decay.

    The decay is offset: it is at its own step 0 when the warmup ends, so a decay of length
    ``total - warmup_steps`` reaches its final value exactly at the end of the run. Built on Paddle's
    `LinearWarmup` (which requires ``start_lr < peak``); a subclass sets `shape` (linear, exponential,
    cosine, constant) and only the value during the warmup depends on it. Without a warmup, use the decay.
    """

    shape = "linear"

    def __init__(
        self,
        decay: LRScheduler,
        warmup_steps: int,
        start_lr: float = 0.0,
        power: float = 2.0,
        last_epoch: int = -1,
    ) -> None:
        if warmup_steps < 1:
            raise ValueError(f"warmup_steps must be >= 1, got {warmup_steps}; without a warmup use the decay")
        self.decay = decay
        self.power = float(power)
        self.composed = isinstance(decay, CurveLR)
        after = decay.curve if self.composed else curves.ConstantCurve(float(decay.base_lr))
        self.curve = curves.WarmupCurve(after, int(warmup_steps), float(start_lr), self.shape, self.power)
        if not start_lr < self.curve.peak:
            raise ValueError(f"start_lr {start_lr:g} must be below the decay's peak {self.curve.peak:g}")
        super().__init__(decay, int(warmup_steps), float(start_lr), self.curve.peak, last_epoch)

    def get_lr(self) -> float:
        if self.shape != "linear" and self.last_epoch < self.warmup_steps:
            return curves.value_at(self.curve, self.last_epoch)
        return super().get_lr()

    def values(self, steps: np.ndarray) -> np.ndarray:
        """The LR at each of `steps` (only for ppwarm decays, which are pure curves)."""
        if not self.composed:
            raise TypeError(f"{type(self.decay).__name__} is not a ppwarm curve; step the scheduler instead")
        return self.curve(steps)

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Paddle's state, also without the nested decay state (as earlier ppwarm versions wrote it)."""
        nested = state_dict.get(NESTED_KEY, state_dict.get("decay"))
        own = {k: v for k, v in state_dict.items() if k not in (NESTED_KEY, "decay")}
        LRScheduler.set_state_dict(self, own)
        if nested is not None:
            self.decay.set_state_dict(nested)


class LinearWarmup(WarmupLR):
    """Warmup rising linearly: ``s + (p-s)*t/W``."""

    shape = "linear"


class ExponentialWarmup(WarmupLR):
    """Warmup rising as a power of progress: ``s + (p-s)*(t/W)**power`` (Paddle has none)."""

    shape = "exponential"


class CosineWarmup(WarmupLR):
    """Warmup rising along half a cosine: ``s + (p-s)*(1-cos(pi*t/W))/2``."""

    shape = "cosine"


class ConstantWarmup(WarmupLR):
    """Warmup holding ``start_lr`` for W steps, then the decay from its peak."""

    shape = "constant"


WARMUP_CLASSES: dict[str, type[WarmupLR]] = {
    "linear": LinearWarmup,
    "exponential": ExponentialWarmup,
    "cosine": CosineWarmup,
    "constant": ConstantWarmup,
}


class Spread(Protocol):
    """Turns the run's LR at step t into the step's values (`ppwarm.optim.composite.CompositeSchedule.at`)."""

    def __call__(self, t: int, base: float) -> Any: ...


class GroupedLR(LRScheduler):
    """The optimizer's LR when parameter groups follow different curves: the LARGEST group LR at step t.

    `base` is the run's scheduler (what `build_scheduler(plan)` returns) and `spread(t, base_lr)` gives the
    step's values from its LR: an object with every group's LR, the momentum and `largest`. Whenever
    this scheduler moves (construction, `step`, `seek`, a loaded state) it steps `base` to the same
    position and calls `spread` once; `values` keeps that answer for the optimizer, the trainer and the
    dashboard, and the LR Paddle reads is ``values.largest``. The state is ``last_epoch`` and ``last_lr``:
    `base` follows this scheduler's position.
    """

    def __init__(self, base: LRScheduler, spread: Spread, last_epoch: int = -1) -> None:
        self.base, self.spread = base, spread
        self.values: Any = None
        super().__init__(learning_rate=float(base()), last_epoch=last_epoch)

    def get_lr(self) -> float:
        self.base.step(self.last_epoch)
        self.values = self.spread(self.last_epoch, float(self.base()))
        return float(self.values.largest)

    def seek(self, step: int) -> None:
        """Put the scheduler at `step`: the next update is update number `step`."""
        self.step(step)

    def follow(self, base: LRScheduler, spread: Spread) -> None:
        """Use `base` and `spread` from the current position on (a changed plan or schedule)."""
        self.base, self.spread = base, spread
        self.seek(self.last_epoch)

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().set_state_dict(state_dict)
        self.seek(self.last_epoch)
