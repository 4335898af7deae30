"""Running out of memory during training: detect it, keep the last good state, say what to change.

An out-of-memory error inside an update leaves the weights as they were (it happens in the forward or
backward pass, before the optimizer changes anything), so the trainer rewinds the data position of the
failed window and the runner writes a checkpoint that `-r` continues from after the change.
"""

from __future__ import annotations

import math

from ppwarm.config import Config
from ppwarm.lr.plan import SchedulePlan
from ppwarm.lr.scaling import scale_lr

OOM_MARKERS = ("out of memory", "resourceexhausted", "cudaerrormemoryallocation", "cannot allocate memory")


class OutOfMemory(RuntimeError):
    """Raised by the trainer when an update ran out of memory; `step` is the update that failed."""

    def __init__(self, step: int, cause: BaseException) -> None:
        super().__init__(f"out of memory in update {step}: {type(cause).__name__}: {str(cause)[:200]}")
        self.step = step


def is_out_of_memory(err: BaseException) -> bool:
    """Python's MemoryError, or a Paddle error whose type or message says memory ran out."""
    if isinstance(err, MemoryError):
        return True
    text = f"{type(err).__name__} {err}".lower().replace(" ", "")
    return any(marker.replace(" ", "") in text for marker in OOM_MARKERS)


def exact_split(batch: int, accumulate: int) -> tuple[int, int] | None:
    """(b, a) with b x a = batch x accumulate and b at most half of `batch` (rounded up), b as large as
    possible: the same samples per update with about half the activations. None when `batch` is 1."""
    if batch < 2:
        return None
    samples = batch * accumulate
    smaller = next(b for b in range(math.ceil(batch / 2), 0, -1) if samples % b == 0)
    return smaller, samples // smaller


def nearest_split(batch: int, accumulate: int) -> tuple[int, int] | None:
    """(b, a) with 2 <= b <= half of `batch` whose b x a is nearest batch x accumulate (larger b on ties):
    for when the exact split needs batch 1. None when `batch` < 3, which leaves no such b."""
    samples = batch * accumulate
    options = [
        (abs(b * a - samples), -b, a)
        for b in range(2, math.ceil(batch / 2) + 1)
        for a in {max(samples // b, 1), samples // b + 1}
    ]
    if not options:
        return None
    _, minus_b, a = min(options)
    return -minus_b, a


def _batch_advice(plan: SchedulePlan) -> list[str]:
    """Advice lines for a smaller per-device batch: the global batch kept exactly where a split allows
    it, else the nearest global batch with the peak LR the plan's scaling rule gives it."""
    batch, accumulate, devices = plan.batch_size, plan.accumulate, plan.devices
    exact = exact_split(batch, accumulate)
    if exact is None:
        return []
    b, a = exact
    lines = [
        f"  - -o batch_size={b} accumulate={a}: {b} x {a} = {batch} x {accumulate}, the same global batch "
        f"({plan.global_batch}), so the LR and warmup stay as planned"
        + (" (one sample per device: noisy BatchNorm statistics, slow steps)" if b == 1 else "")
    ]
    nearest = nearest_split(batch, accumulate) if b == 1 else None
    if nearest is not None:
        b, a = nearest
        new_global = b * devices * a
        peak, why = scale_lr(plan.base_lr, new_global, plan.reference_batch, plan.scaling_rule)
        lines.append(
            f"  - -o batch_size={b} accumulate={a}: no per-device batch from 2 to {math.ceil(batch / 2)} "
            f"keeps the global batch {plan.global_batch} exactly; this gives global batch {new_global} "
            f"(was {plan.global_batch}) and the peak LR becomes {peak:.6g} (was {plan.peak_lr:.6g}): "
            f"{why}; steps per epoch and warmup follow the new batch"
        )
    return lines


def oom_advice(cfg: Config, plan: SchedulePlan, config_path: str = "CONFIG") -> str:
    """What to change, with numbers: a smaller per-device batch that keeps the global batch (so the LR and
    the warmup stay as planned) or, when none does, the nearest one and its LR; AMP, a smaller input,
    fewer loader workers."""
    lines = ["ran out of memory; the last good state is saved, continue with -r auto after one of:"]
    lines += _batch_advice(plan)
    if not cfg.amp.enable:
        lines.append("  - -o amp.enable=true (GPU): mixed precision roughly halves activation memory")
    if cfg.task == "det" and cfg.det.input_size > 64:
        smaller = cfg.det.input_size - 64
        lines.append(f"  - -o det.input_size={smaller}: activations grow with the square of the input side")
    if cfg.data.num_workers > 1:
        lines.append(
            f"  - -o data.num_workers={cfg.data.num_workers // 2}: each loader worker builds Mosaic "
            "samples in its own memory"
        )
    lines.append(f"  - python tools/estimate_memory.py -c {config_path} shows what fits before you start")
    return "\n".join(lines)
