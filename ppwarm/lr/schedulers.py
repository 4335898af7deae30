"""Paddle `LRScheduler` classes whose values come from `ppwarm.lr.curves`.

Contract shared by every class here: the LR at step t (`last_epoch == t`) is the curve's value at t,
`step()` is called once per optimizer update (after `optimizer.step()`), and `state_dict()` /
`set_state_dict()` round-trip exactly: a scheduler restored from a state continues with the same values
as one that was never interrupted, mid-warmup or mid-decay.

A warmup wraps any decay scheduler. A ppwarm decay is composed as a pure curve. A foreign Paddle scheduler
(e.g. `paddle.optimizer.lr.CosineAnnealingDecay`) is stepped to ``t - W`` after the warmup, as Paddle's own
`LinearWarmup` does; its value then comes from that scheduler and no vectorised curve exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from paddle.optimizer.lr import LRScheduler

from ppwarm.lr import curves


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


class WarmupLR(LRScheduler):
    """Warmup of `warmup_steps` steps from `start_lr` to the decay's peak, then the decay.

    The decay is offset: it is at its own step 0 when the warmup ends, so a decay of length
    ``total - warmup_steps`` reaches its final value exactly at the end of the run. Unlike Paddle's
    `LinearWarmup`, the shape may be linear, exponential, cosine or constant.
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
        if warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}")
        self.decay = decay
        self.warmup_steps = int(warmup_steps)
        self.start_lr = float(start_lr)
        self.power = float(power)
        # A ppwarm decay is composed into one pure curve; a foreign one only lends its peak to the warmup
        # part of the curve and is stepped for t >= W.
        self.composed = isinstance(decay, CurveLR)
        after = decay.curve if self.composed else curves.ConstantCurve(float(decay.base_lr))
        self.curve = curves.WarmupCurve(after, self.warmup_steps, self.start_lr, self.shape, self.power)
        super().__init__(learning_rate=self.curve.peak, last_epoch=last_epoch)

    def get_lr(self) -> float:
        t = self.last_epoch
        if self.composed or t < self.warmup_steps:
            return curves.value_at(self.curve, t)
        self.decay.step(t - self.warmup_steps)
        return float(self.decay.last_lr)

    def values(self, steps: np.ndarray) -> np.ndarray:
        """The LR at each of `steps` (only for ppwarm decays, which are pure curves)."""
        if not self.composed:
            raise TypeError(f"{type(self.decay).__name__} is not a ppwarm curve; step the scheduler instead")
        return self.curve(steps)

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        if not self.composed:
            state["decay"] = self.decay.state_dict()
        return state

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().set_state_dict({k: v for k, v in state_dict.items() if k != "decay"})
        if not self.composed and "decay" in state_dict:
            self.decay.set_state_dict(state_dict["decay"])


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
    "none": LinearWarmup,  # with zero warmup steps it is the decay itself
}
