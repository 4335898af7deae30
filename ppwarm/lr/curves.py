"""Learning-rate curves as pure, vectorised functions of the optimizer step.

This module is the single source of truth for every LR value ppwarm produces: the Paddle schedulers
(`ppwarm.lr.schedulers`), the plan tool, plots and the dashboard all evaluate these objects. Nothing here
imports Paddle, so the plan tool stays fast.

Notation (the README uses the same): t = optimizer step (0-based), W = warmup steps, p = peak LR,
s = warmup start LR, m = final LR = p * min_lr_ratio, D = decay length in steps, u = t - W.

- Warmup, t < W: linear ``(p-s)*t/W + s`` (in Paddle's `LinearWarmup` order of operations, so the two agree
  to the bit); exponential ``s + (p-s)*(t/W)**power``;
  cosine ``s + (p-s)*(1-cos(pi*t/W))/2``; constant ``s``.
- Decay, 0 <= u < D: cosine ``m + (p-m)*(1+cos(pi*u/D))/2``; polynomial ``m + (p-m)*(1-u/D)**power``;
  linear = polynomial with power 1; constant ``p``; piecewise ``p * gamma**k`` with k the number of
  milestones <= u; cosine_restarts: see `CosineRestartsCurve`.
- u >= D (the plateau and anything past the end): the decay's final value. A curve never rises after D.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

ArrayLike = int | float | np.ndarray

WARMUP_SHAPES = ("linear", "exponential", "cosine", "constant")

# Each cycle after the first of a cosine_restarts decay starts with a linear re-warmup from the final LR
# back to the peak, lasting this fraction of the cycle (at least one step).
RESTART_WARMUP_FRACTION = 0.1


class Curve(Protocol):
    """A curve maps an array of steps to an array of learning rates of the same shape."""

    def __call__(self, t: ArrayLike) -> np.ndarray: ...


def _steps(t: ArrayLike) -> np.ndarray:
    return np.asarray(t, dtype=np.float64)


def value_at(curve: Curve, t: int) -> float:
    """The curve's value at one step, computed exactly as in a vectorised call over many steps.

    NumPy evaluates 0-d inputs on a scalar path whose `power` can differ in the last bit from its SIMD
    kernels; a 1-element array takes the same kernel as a long one, so a scheduler stepped one update at
    a time reproduces the plan bit for bit.
    """
    return float(curve(np.array([t], dtype=np.float64))[0])


def _clamp_progress(u: np.ndarray, length: float) -> np.ndarray:
    """u / length limited to [0, 1]: the decay holds its final value from `length` on."""
    return np.clip(u / length, 0.0, 1.0)


@dataclass(frozen=True)
class ConstantCurve:
    """The peak LR at every step."""

    peak: float

    def __call__(self, u: ArrayLike) -> np.ndarray:
        return np.full_like(_steps(u), self.peak)

    @property
    def final(self) -> float:
        return self.peak


@dataclass(frozen=True)
class CosineCurve:
    """Half a cosine from `peak` at u = 0 down to `final` at u = `length`, then `final`."""

    peak: float
    final: float
    length: int

    def __call__(self, u: ArrayLike) -> np.ndarray:
        x = _clamp_progress(_steps(u), self.length)
        return self.final + (self.peak - self.final) * 0.5 * (1.0 + np.cos(np.pi * x))


@dataclass(frozen=True)
class PolynomialCurve:
    """``final + (peak-final) * (1 - u/length)**power``, then `final`; power 1 is the linear decay."""

    peak: float
    final: float
    length: int
    power: float = 1.0

    def __call__(self, u: ArrayLike) -> np.ndarray:
        x = _clamp_progress(_steps(u), self.length)
        return self.final + (self.peak - self.final) * (1.0 - x) ** self.power


@dataclass(frozen=True)
class PiecewiseCurve:
    """``peak * gamma**k`` where k counts the `boundaries` (steps from the decay start) <= u.

    The value is held from `length` on, so boundaries past `length` never apply.
    """

    peak: float
    boundaries: tuple[int, ...]
    gamma: float
    length: int

    def __call__(self, u: ArrayLike) -> np.ndarray:
        held = np.minimum(_steps(u), self.length)
        k = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), held, side="right")
        return self.peak * self.gamma ** k.astype(np.float64)

    @property
    def final(self) -> float:
        return float(self(self.length))


@dataclass(frozen=True)
class CosineRestartsCurve:
    """`cycles` equal cosine cycles over `length` steps, each decaying from `peak` to `final`.

    Cycle i covers u in [i*C, (i+1)*C) with C = length / cycles. The first cycle starts at the peak (the
    main warmup led there); every later cycle first re-warms linearly from `final` to `peak` over
    R = max(1, round(RESTART_WARMUP_FRACTION * C)) steps, then follows a cosine over the remaining C - R.
    """

    peak: float
    final: float
    length: int
    cycles: int

    @property
    def cycle_length(self) -> float:
        return self.length / self.cycles

    @property
    def rewarm_steps(self) -> int:
        return max(1, round(RESTART_WARMUP_FRACTION * self.cycle_length))

    def __call__(self, u: ArrayLike) -> np.ndarray:
        u = np.minimum(_steps(u), self.length)
        c, r = self.cycle_length, float(self.rewarm_steps)
        index = np.minimum(np.floor(u / c), self.cycles - 1)
        v = u - index * c
        later = index >= 1
        in_rewarm = later & (v < r)
        cos_start = np.where(later, r, 0.0)
        cos_len = np.where(later, c - r, c)
        x = np.clip((v - cos_start) / cos_len, 0.0, 1.0)
        cosine = self.final + (self.peak - self.final) * 0.5 * (1.0 + np.cos(np.pi * x))
        rewarm = self.final + (self.peak - self.final) * v / r
        return np.where(in_rewarm, rewarm, cosine)


def warmup_ramp(shape: str, x: ArrayLike, power: float = 2.0) -> np.ndarray:
    """Fraction of the way from start to peak at warmup progress x in [0, 1) for the given shape.

    Values of x >= 1 give 1 (warmup over). This is the shape shared by the global warmup and by
    per-group (layer-wise) warmups.
    """
    x = np.clip(_steps(x), 0.0, 1.0)
    if shape == "linear":
        ramp = x
    elif shape == "exponential":
        ramp = x**power
    elif shape == "cosine":
        ramp = 0.5 * (1.0 - np.cos(np.pi * x))
    elif shape == "constant":
        ramp = np.zeros_like(x)
    else:
        raise ValueError(f"unknown warmup shape {shape!r}; expected one of {WARMUP_SHAPES}")
    return np.where(x >= 1.0, 1.0, ramp)


@dataclass(frozen=True)
class WarmupCurve:
    """A warmup of `steps` steps from `start` up to the decay's peak, then the decay offset by `steps`.

    For t < steps: ``start + (peak - start) * warmup_ramp(shape, t/steps)``, the linear shape computed as
    ``(peak - start) * t / steps + start`` like Paddle's `LinearWarmup`; for t >= steps: ``decay(t - steps)``.
    With steps == 0 it is the decay itself.
    """

    decay: Curve
    steps: int
    start: float
    shape: str = "linear"
    power: float = 2.0

    @property
    def peak(self) -> float:
        return float(self.decay(0))

    def __call__(self, t: ArrayLike) -> np.ndarray:
        t = _steps(t)
        after = self.decay(t - self.steps)
        if self.steps == 0:
            return after
        if self.shape == "linear":
            during = (self.peak - self.start) * t / self.steps + self.start
        else:
            ramp = warmup_ramp(self.shape, t / self.steps, self.power)
            during = self.start + (self.peak - self.start) * ramp
        return np.where(t < self.steps, during, after)
