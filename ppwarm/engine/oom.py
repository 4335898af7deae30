"""Running out of memory during training: detect it, keep the last good state, say what to change.

An out-of-memory error inside an update leaves the weights as they were (it happens in the forward or
backward pass, before the optimizer changes anything), so the trainer rewinds the data position of the
failed window and the runner writes a checkpoint that `-r` continues from after the change.
"""

from __future__ import annotations

from ppwarm.config import Config
from ppwarm.lr.plan import SchedulePlan

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


def oom_advice(cfg: Config, plan: SchedulePlan, config_path: str = "CONFIG") -> str:
    """What to change, with numbers: a smaller per-device batch that keeps the global batch (so the LR and
    the warmup stay as planned), AMP, a smaller input, fewer loader workers."""
    batch, accumulate = plan.batch_size, plan.accumulate
    lines = ["ran out of memory; the last good state is saved, continue with -r auto after one of:"]
    if batch > 1:
        half = batch // 2
        lines.append(
            f"  - -o batch_size={half} accumulate={accumulate * batch // half}: the same global batch "
            f"({plan.global_batch}), so the LR and warmup stay as planned"
        )
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
