"""`batch_size: auto`: the largest per-device batch that fits the memory budget, then accumulation.

The estimator (ppwarm.memory.estimate) probes the config in subprocesses and fits the peak memory; the
chosen batch and accumulation then feed the LR scaling and warmup rules like any other batch. The
reasons spell the chain budget -> batch -> accumulate -> global batch; the plan continues it with the
peak LR and warmup steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from ppwarm.config import Config
from ppwarm.errors import ConfigError

NON_DET_POINTS = ((8, None), (32, None))


def planning_side(cfg: Config) -> int | None:
    """The input side memory must hold: the largest one a progressive-resizing schedule reaches."""
    if cfg.task != "det":
        return None
    return max([cfg.det.input_size, *(size for _, size in cfg.det.augment.size_schedule)])


def resolve_batch_size(
    cfg: Config, config_path: str, overrides: Sequence[str] = (), devices: int = 1
) -> tuple[Config, list[str]]:
    """`cfg` with a concrete `batch_size` (and `accumulate` when nominal_batch asks for it), and why."""
    if cfg.batch_size != "auto":
        return cfg, []
    from ppwarm.memory.estimate import available_budget, build_memory_model, parse_bytes, pick_batch_size

    memory = cfg.memory
    budget = parse_bytes(memory.budget) if memory.budget else available_budget()
    probe_overrides = [*overrides, "batch_size=1", "accumulate=1"]
    size = planning_side(cfg)
    points = None if cfg.task == "det" else NON_DET_POINTS
    if size is not None:
        probe_overrides.append(f"det.input_size={size}")
    model = build_memory_model(config_path, probe_overrides, points)
    nominal = cfg.optimizer.nominal_batch
    try:
        batch, accumulate, reasons = pick_batch_size(
            lambda b: model.estimate(b, size).total,
            budget,
            margin=memory.margin,
            nominal_batch=nominal,
            devices=devices,
        )
    except ValueError as err:
        raise ConfigError(f"batch_size = 'auto': {err}") from None
    resolved = cfg.replace(batch_size=batch)
    if nominal is not None:
        resolved = resolved.replace(
            accumulate="auto"
        )  # the plan derives it from nominal_batch, giving `accumulate`
    assert nominal is None or max(round(nominal / (batch * devices)), 1) == accumulate
    source = "memory.budget" if memory.budget else "available memory"
    at = f" at input side {size}" if size is not None else ""
    return resolved, [f"batch_size auto ({source}{at}): {' '.join(reasons)}"]
