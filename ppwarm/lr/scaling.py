"""Batch-scaled rules: global batch, peak LR from the reference batch, step counts and automatic warmup.

Every function returns its decision together with a one-line reason, so the trainer and the plan tool
print the same explanation.

Sources of the rules:
- linear scaling (peak = base * global/reference): Goyal et al. 2017, "Accurate, Large Minibatch SGD:
  Training ImageNet in 1 Hour", which also motivates a warmup when the factor is large.
- square-root scaling for Adam-family optimizers: Malladi et al. 2022, "On the SDEs and Scaling Rules for
  Adaptive Gradient Algorithms".
- 3 warmup epochs: the YOLOv5 default (`warmup_epochs: 3.0` in its hyp files).
"""

from __future__ import annotations

import math

from ppwarm.errors import ConfigError

ADAM_FAMILY = ("adam", "adamw")

AUTO_WARMUP_EPOCHS = 3
AUTO_WARMUP_MAX_EPOCH_STEPS = 3000
AUTO_WARMUP_LARGE_BATCH = 256
AUTO_WARMUP_PER_DOUBLING = 100
MAX_WARMUP_FRACTION = 0.1


def global_batch(batch_size: int, devices: int, accumulate: int) -> int:
    """Samples per optimizer update: per-device batch x devices x accumulation steps."""
    return batch_size * devices * accumulate


def resolve_accumulate(
    accumulate: int | str, nominal: int | None, batch_size: int, devices: int
) -> tuple[int, str]:
    """Accumulation steps; `auto` reaches the nominal batch: max(round(nominal / (batch x devices)), 1).

    The `auto` rule is YOLOv5's (`accumulate = max(round(nbs / batch_size), 1)`).
    """
    if accumulate != "auto":
        return int(accumulate), f"accumulate {accumulate} (set in the config)"
    if nominal is None:
        raise ConfigError("accumulate = 'auto': needs optimizer.nominal_batch, the global batch to reach")
    value = max(round(nominal / (batch_size * devices)), 1)
    return value, (
        f"accumulate auto = max(round(nominal_batch {nominal} / (batch_size {batch_size} x "
        f"devices {devices})), 1) = {value}"
    )


def resolve_scaling_rule(scaling: str, optimizer_type: str) -> tuple[str, str]:
    """The scaling rule to apply ('linear', 'sqrt' or 'none') and why; 'auto' picks by optimizer."""
    if scaling != "auto":
        return scaling, f"lr.scaling: {scaling} (set in the config)"
    rule = "sqrt" if optimizer_type in ADAM_FAMILY else "linear"
    return rule, f"lr.scaling: auto -> {rule} (the default for optimizer {optimizer_type})"


def scale_lr(base: float, batch: int, reference: int | None, rule: str) -> tuple[float, str]:
    """Peak LR for global batch `batch`, given `base` tuned at global batch `reference`."""
    if reference is None or rule == "none":
        why = "reference_batch not set" if reference is None else "scaling none"
        return base, f"peak LR {base:g} = lr.base ({why}: no batch scaling)"
    ratio = batch / reference
    factor = ratio if rule == "linear" else math.sqrt(ratio)
    peak = base * factor
    formula = f"{batch}/{reference}" if rule == "linear" else f"sqrt({batch}/{reference})"
    return peak, f"peak LR {peak:.6g} = lr.base {base:g} x {formula} ({rule} scaling, factor {factor:.4g})"


def steps_per_epoch(batches_per_epoch: int, accumulate: int) -> int:
    """Optimizer updates per epoch: a last, partial accumulation window still makes an update."""
    return math.ceil(batches_per_epoch / accumulate)


def epochs_to_steps(epochs: float, per_epoch: int) -> int:
    """Steps covering `epochs` (fractional allowed), rounded up; exact for whole epochs."""
    return max(0, math.ceil(epochs * per_epoch - 1e-9))


def auto_warmup_steps(per_epoch: int, batch: int, total: int) -> tuple[int, list[str]]:
    """Warmup length for `warmup.epochs: auto` and the reasons for it.

    W = max(min(3 epochs, 3000 steps), ceil(100 * log2(batch)) when batch >= 256), then at most 10% of
    the run.
    """
    by_epochs = epochs_to_steps(AUTO_WARMUP_EPOCHS, per_epoch)
    steps = min(by_epochs, AUTO_WARMUP_MAX_EPOCH_STEPS)
    reasons = [f"warmup auto: {AUTO_WARMUP_EPOCHS} epochs = {by_epochs} steps"]
    if by_epochs > AUTO_WARMUP_MAX_EPOCH_STEPS:
        reasons[0] += f", capped at {AUTO_WARMUP_MAX_EPOCH_STEPS}"
    if batch >= AUTO_WARMUP_LARGE_BATCH:
        large = math.ceil(AUTO_WARMUP_PER_DOUBLING * math.log2(batch))
        reasons.append(
            f"warmup auto: global batch {batch} >= {AUTO_WARMUP_LARGE_BATCH} asks for "
            f"ceil({AUTO_WARMUP_PER_DOUBLING} x log2({batch})) = {large} steps"
        )
        steps = max(steps, large)
    cap = math.floor(MAX_WARMUP_FRACTION * total)
    if steps > cap:
        reasons.append(f"warmup auto: {steps} steps capped at 10% of the run's {total} steps = {cap}")
        steps = cap
    reasons.append(f"warmup auto: W = {steps} steps")
    return steps, reasons
