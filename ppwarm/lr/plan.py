"""The resolved schedule of a run: every number the trainer and the plan tool need, with reasons.

`resolve_plan(cfg, devices, batches_per_epoch)` turns a validated config into a `SchedulePlan`. It does the
checks that need step counts (warmup longer than the run, milestones inside the warmup, ...) and raises
`ConfigError` naming the key and value. `SchedulePlan.curve()` is the LR as a pure function of the step;
`ppwarm.lr.build_scheduler` wraps the same curve in a Paddle scheduler.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ppwarm.errors import ConfigError
from ppwarm.lr import curves, scaling
from ppwarm.lr.lint import lint_plan

if TYPE_CHECKING:  # the config room shares this floor: its types only, never at run time
    from ppwarm.config import Config
    from ppwarm.config.sections.lr import DecayConfig, LrConfig, WarmupConfig

MIN_RESTART_CYCLE_STEPS = 10


@dataclass(frozen=True)
class SchedulePlan:
    """All resolved schedule numbers. Steps are optimizer updates; t counts from 0."""

    optimizer_type: str
    beta2: float
    batch_size: int
    devices: int
    accumulate: int
    global_batch: int
    reference_batch: int | None
    base_lr: float
    scaling_rule: str
    peak_lr: float
    batches_per_epoch: int
    steps_per_epoch: int
    epochs: float
    total_steps: int
    warmup_type: str
    warmup_steps: int
    start_lr: float
    warmup_power: float
    decay_type: str
    decay_steps: int
    plateau_steps: int
    min_lr_ratio: float
    decay_power: float
    milestone_steps: tuple[int, ...]
    gamma: float
    cycles: int
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def decay_curve(self) -> curves.Curve:
        """The decay part, as a function of u = t - warmup_steps."""
        p, d = self.peak_lr, self.decay_steps
        final = p * self.min_lr_ratio
        if self.decay_type == "cosine":
            return curves.CosineCurve(p, final, d)
        if self.decay_type in ("polynomial", "linear"):
            power = self.decay_power if self.decay_type == "polynomial" else 1.0
            return curves.PolynomialCurve(p, final, d, power)
        if self.decay_type == "piecewise":
            bounds = tuple(m - self.warmup_steps for m in self.milestone_steps)
            return curves.PiecewiseCurve(p, bounds, self.gamma, d)
        if self.decay_type == "cosine_restarts":
            return curves.CosineRestartsCurve(p, final, d, self.cycles)
        return curves.ConstantCurve(p)

    def curve(self) -> curves.WarmupCurve:
        """The whole schedule, LR as a function of the optimizer step."""
        shape = "linear" if self.warmup_type == "none" else self.warmup_type
        return curves.WarmupCurve(
            self.decay_curve(), self.warmup_steps, self.start_lr, shape, self.warmup_power
        )

    def lr(self, steps: np.ndarray | int) -> np.ndarray:
        return self.curve()(steps)

    def derived(self) -> dict[str, Any]:
        """The derived numbers, for the resolved config written at the start of a run."""
        out = asdict(self)
        out["milestone_steps"] = list(self.milestone_steps)
        out["reasons"] = list(self.reasons)
        out["warnings"] = list(self.warnings)
        out["final_lr"] = float(self.lr(self.total_steps - 1))
        return out


def resolve_plan(cfg: Config, devices: int = 1, batches_per_epoch: int | None = None) -> SchedulePlan:
    """Resolve the schedule of `cfg` for `devices` ranks and `batches_per_epoch` loader batches per rank.

    Raises ConfigError for schedules that cannot run as written.
    """
    if batches_per_epoch is None or batches_per_epoch < 1:
        raise ConfigError(f"the training set gives {batches_per_epoch} batches per epoch; need at least 1")
    if devices < 1:
        raise ConfigError(f"devices = {devices}: must be >= 1")
    lr_cfg, opt = cfg.lr, cfg.optimizer
    accumulate, batch, reasons = _global_batch(cfg, devices)
    rule, why = scaling.resolve_scaling_rule(lr_cfg.scaling, opt.type)
    reasons.append(why)
    peak, why = scaling.scale_lr(lr_cfg.base, batch, cfg.reference_batch, rule)
    reasons.append(why)
    per_epoch = scaling.steps_per_epoch(batches_per_epoch, accumulate)
    total = scaling.epochs_to_steps(cfg.epochs, per_epoch)
    reasons.append(
        f"{batches_per_epoch} batches per epoch / accumulate {accumulate} = {per_epoch} "
        f"steps per epoch; {cfg.epochs:g} epochs = {total} steps"
    )
    warmup, why = _warmup_steps(lr_cfg.warmup, per_epoch, batch, total)
    reasons.extend(why)
    plateau = scaling.epochs_to_steps(lr_cfg.plateau_epochs, per_epoch)
    decay = _decay_steps(lr_cfg, warmup, plateau, total)
    milestones = _milestone_steps(lr_cfg, per_epoch, warmup, total - plateau)
    _check_start_lr(lr_cfg.warmup, warmup, peak)
    _check_cycles(lr_cfg.decay, decay)
    reasons.append(f"decay {lr_cfg.decay.type} over {decay} steps, then {plateau} plateau steps")
    plan = SchedulePlan(
        optimizer_type=opt.type,
        beta2=opt.beta2,
        batch_size=cfg.batch_size,
        devices=devices,
        accumulate=accumulate,
        global_batch=batch,
        reference_batch=cfg.reference_batch,
        base_lr=lr_cfg.base,
        scaling_rule=rule,
        peak_lr=peak,
        batches_per_epoch=batches_per_epoch,
        steps_per_epoch=per_epoch,
        epochs=cfg.epochs,
        total_steps=total,
        warmup_type=lr_cfg.warmup.type,
        warmup_steps=warmup,
        start_lr=lr_cfg.warmup.start_lr,
        warmup_power=lr_cfg.warmup.power,
        decay_type=lr_cfg.decay.type,
        decay_steps=decay,
        plateau_steps=plateau,
        min_lr_ratio=lr_cfg.decay.min_lr_ratio,
        decay_power=lr_cfg.decay.power,
        milestone_steps=milestones,
        gamma=lr_cfg.decay.gamma,
        cycles=lr_cfg.decay.cycles,
        reasons=tuple(reasons),
    )
    warnings, accepted = lint_plan(plan, lr_cfg.accept_advisories)
    return replace(plan, warnings=tuple(warnings), reasons=(*plan.reasons, *accepted))


def _global_batch(cfg: Config, devices: int) -> tuple[int, int, list[str]]:
    """Accumulation steps, global batch, and the reasons for both."""
    size = cfg.batch_size
    accumulate, why = scaling.resolve_accumulate(cfg.accumulate, cfg.optimizer.nominal_batch, size, devices)
    batch = scaling.global_batch(size, devices, accumulate)
    return (
        accumulate,
        batch,
        [why, f"global batch {batch} = batch_size {size} x devices {devices} x accumulate {accumulate}"],
    )


def _warmup_steps(warm: WarmupConfig, per_epoch: int, batch: int, total: int) -> tuple[int, list[str]]:
    if warm.type == "none":
        return 0, ["warmup none: W = 0"]
    if warm.steps is not None:
        return warm.steps, [f"warmup: lr.warmup.steps = {warm.steps} steps"]
    if warm.epochs is None or warm.epochs == "auto":
        return scaling.auto_warmup_steps(per_epoch, batch, total)
    steps = scaling.epochs_to_steps(warm.epochs, per_epoch)
    return steps, [f"warmup: lr.warmup.epochs = {warm.epochs:g} epochs = {steps} steps"]


def _show(value: Any) -> str:
    """Numbers as users write them (5, not 5.0); lists of numbers likewise."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _warmup_key(warm: WarmupConfig) -> str:
    if warm.steps is not None:
        return f"lr.warmup.steps = {warm.steps}"
    return f"lr.warmup.epochs = {_show(warm.epochs) if warm.epochs is not None else 'auto'}"


def _decay_steps(lr_cfg: LrConfig, warmup: int, plateau: int, total: int) -> int:
    if plateau >= total:
        raise ConfigError(
            f"lr.plateau_epochs = {lr_cfg.plateau_epochs:g}: the plateau ({plateau} steps) "
            f"is not shorter than the run ({total} steps)"
        )
    decay = total - warmup - plateau
    if decay < 1:
        raise ConfigError(
            f"{_warmup_key(lr_cfg.warmup)}: the warmup ({warmup} steps) is longer than the "
            f"run allows ({total} steps, {plateau} of them plateau); shorten it"
        )
    return decay


def _milestone_steps(lr_cfg: LrConfig, per_epoch: int, warmup: int, decay_end: int) -> tuple[int, ...]:
    decay = lr_cfg.decay
    if decay.type != "piecewise":
        return ()
    epochs = list(decay.milestones)  # the schema guarantees they increase
    if not epochs:
        raise ConfigError("lr.decay.milestones = []: a piecewise decay needs at least one milestone (epochs)")
    shown = _show(epochs)
    steps = tuple(scaling.epochs_to_steps(e, per_epoch) for e in epochs)
    for e, s in zip(epochs, steps, strict=True):
        if s <= warmup:
            raise ConfigError(
                f"lr.decay.milestones = {shown}: milestone {e:g} (step {s}) is inside the "
                f"warmup ({warmup} steps), so the peak LR would be skipped"
            )
        if s > decay_end:
            raise ConfigError(
                f"lr.decay.milestones = {shown}: milestone {e:g} (step {s}) is after the decay "
                f"ends (step {decay_end}: end of run minus plateau)"
            )
    return steps


def _check_start_lr(warm: WarmupConfig, warmup: int, peak: float) -> None:
    if warmup > 0 and warm.start_lr >= peak:
        where = "above" if warm.start_lr > peak else "equal to"
        raise ConfigError(
            f"lr.warmup.start_lr = {warm.start_lr:g}: {where} the peak LR {peak:.6g}; a warmup "
            "rises to the peak"
        )


def _check_cycles(decay: DecayConfig, length: int) -> None:
    if decay.type != "cosine_restarts":
        return
    per_cycle = length / decay.cycles
    if per_cycle < MIN_RESTART_CYCLE_STEPS:
        raise ConfigError(
            f"lr.decay.cycles = {decay.cycles}: {length} decay steps give cycles of "
            f"{per_cycle:.1f} steps; each needs at least {MIN_RESTART_CYCLE_STEPS}"
        )


def extend_warmup(plan: SchedulePlan, steps: int) -> SchedulePlan:
    """The same run with a warmup `steps` longer and a decay as much shorter (the end stays put).

    Raises ValueError when the decay would vanish or a piecewise milestone would fall inside the warmup.
    """
    warmup, decay = plan.warmup_steps + steps, plan.decay_steps - steps
    if decay < 1 or any(m <= warmup for m in plan.milestone_steps):
        raise ValueError(f"cannot extend the warmup to {warmup} steps in a run of {plan.total_steps}")
    reason = f"warmup extended by {steps} steps to {warmup} (loss spike during warmup)"
    return replace(plan, warmup_steps=warmup, decay_steps=decay, reasons=(*plan.reasons, reason))
