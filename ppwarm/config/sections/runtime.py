"""Sections of the training machinery every task shares: checkpoints, AMP, EMA, NaN guard, loader, memory."""

from __future__ import annotations

from dataclasses import dataclass

from ppwarm.config.fields import Boolean, Choice, Integer, Number, String
from ppwarm.config.typed import Section


@dataclass(frozen=True)
class CheckpointConfig(Section):
    """`checkpoint`: when checkpoints are written and how many are kept."""

    save_interval: int = Integer(
        "Save every N epochs (0 = only at the end).", default=1, minimum=0
    ).as_field()
    save_interval_steps: int = Integer(
        "Also save every N optimizer steps (0 = off).", default=0, minimum=0
    ).as_field()
    keep_last: int = Integer("Step checkpoints kept on disk, besides best.", default=3, minimum=1).as_field()


@dataclass(frozen=True)
class AmpConfig(Section):
    """`amp`: mixed precision (GPU only)."""

    enable: bool = Boolean(
        "Mixed precision on GPU; on CPU it is off, with one log line saying so.", default=False
    ).as_field()
    level: str = Choice(
        "O1 (lists of ops in low precision) or O2 (almost all, fp32 master weights).",
        default="O1",
        choices=("O1", "O2"),
    ).as_field()
    dtype: str = Choice("Low-precision type.", default="float16", choices=("float16", "bfloat16")).as_field()
    init_loss_scaling: float = Number(
        "Initial loss scale of the dynamic GradScaler (float16).", default=65536.0, minimum=1
    ).as_field()


@dataclass(frozen=True)
class EmaConfig(Section):
    """`ema`: an exponential moving average of the weights."""

    enable: bool = Boolean(
        "Keep an exponential moving average of the weights for eval and export.", default=False
    ).as_field()
    decay: float = Number(
        "EMA decay, warmed up as min(decay, (1+n)/(10+n)) over n updates.",
        default=0.9998,
        minimum=0,
        maximum=1,
        exclusive_maximum=True,
    ).as_field()


@dataclass(frozen=True)
class NanGuardConfig(Section):
    """`nan_guard`: skipping non-finite updates, rollbacks and loss-spike detection."""

    enable: bool = Boolean(
        "Skip non-finite updates, roll back and re-warm after repeated ones.", default=True
    ).as_field()
    patience: int = Integer(
        "Consecutive non-finite steps before a rollback.", default=3, minimum=1
    ).as_field()
    lr_factor: float = Number(
        "Peak LR factor applied at each rollback.", default=0.5, minimum=0, maximum=1, exclusive_minimum=True
    ).as_field()
    rewarm_steps: int = Integer(
        "Steps to re-warm from 0 to the lowered LR after a rollback.", default=100, minimum=0
    ).as_field()
    max_rollbacks: int = Integer(
        "Rollbacks before the run stops with an error.", default=3, minimum=0
    ).as_field()
    snapshot_interval: int = Integer(
        "Good steps between in-memory snapshots to roll back to.", default=50, minimum=1
    ).as_field()
    spike_factor: float = Number(
        "During warmup, a loss above spike_factor x running median extends the warmup; 0 = off.",
        default=0.0,
        minimum=0,
    ).as_field()
    spike_window: int = Integer(
        "Losses in the running median of spike detection.", default=20, minimum=3
    ).as_field()
    spike_extend_steps: int = Integer(
        "Warmup steps added per spike (the warmup at most doubles).", default=50, minimum=1
    ).as_field()


@dataclass(frozen=True)
class DataConfig(Section):
    """`data`: the data loader, for every task."""

    num_workers: int = Integer(
        "DataLoader worker processes (0 = load in the training process).", default=0, minimum=0
    ).as_field()
    drop_last: bool = Boolean("Drop the last partial batch of an epoch.", default=False).as_field()


@dataclass(frozen=True)
class MemoryConfig(Section):
    """`memory`: the budget that `batch_size: auto` plans for."""

    budget: str | None = String(
        "Memory for batch_size: auto, e.g. 16GB; null = the GPU's or the free RAM.",
        default=None,
        nullable=True,
    ).as_field()
    margin: float = Number(
        "Share of the budget batch_size: auto may plan to use.",
        default=0.8,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
    ).as_field()
