"""`Config`, the whole config: the run-level keys (length, batch, task, seed, weights, ...) and every section.

Attribute order is the order of resolved_config.yml: the run keys, the training keys, then the sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ppwarm.config.fields import Boolean, Choice, Integer, Number, String
from ppwarm.config.sections.det import DetConfig
from ppwarm.config.sections.lr import LrConfig
from ppwarm.config.sections.optimizer import OptimizerConfig
from ppwarm.config.sections.rec import RecConfig
from ppwarm.config.sections.runtime import (
    AmpConfig,
    CheckpointConfig,
    DataConfig,
    EmaConfig,
    MemoryConfig,
    NanGuardConfig,
)
from ppwarm.config.sections.toy import ToyConfig
from ppwarm.config.typed import Section


@dataclass(frozen=True)
class Config(Section):
    """A validated config: made by load_config or config_from_dict; frozen (assignment raises)."""

    epochs: float = Number(
        "Length of the run in epochs; may be fractional.", default=100, minimum=0, exclusive_minimum=True
    ).as_field()
    batch_size: int | str = Integer(
        "Samples per device in one micro-batch; auto = the largest that fits the memory budget.",
        default=8,
        minimum=1,
        literals=("auto",),
    ).as_field()
    accumulate: int | str = Integer(
        "Micro-batches per optimizer update; auto = max(round(nominal_batch / (batch x devices)), 1).",
        default=1,
        minimum=1,
        literals=("auto",),
    ).as_field()
    reference_batch: int | None = Integer(
        "Global batch that lr.base was tuned for; null turns batch scaling of the LR off.",
        default=None,
        nullable=True,
        minimum=1,
    ).as_field()
    output_dir: str = String(
        "Directory for checkpoints, logs and resolved_config.yml.", default="output"
    ).as_field()
    task: str = Choice(
        "What to train: det (PP-YOLO-style detector), rec (CRNN text recognizer) or toy (tests, demos).",
        default="toy",
        choices=("toy", "det", "rec"),
    ).as_field()
    seed: int = Integer(
        "Seed of Python, NumPy and Paddle RNGs and of the data order.", default=0, minimum=0
    ).as_field()
    deterministic: bool = Boolean(
        "Ask Paddle for deterministic GPU kernels (slower).", default=False
    ).as_field()
    log_interval: int = Integer(
        "Console line and dashboard flush every N optimizer steps.", default=10, minimum=1
    ).as_field()
    eval_interval: int = Integer(
        "Evaluate every N epochs when training with --eval.", default=1, minimum=1
    ).as_field()
    weights: str | None = String(
        "Weights for eval/infer/export: a ppwarm checkpoint (EMA weights if any) or a .pdparams file.",
        default=None,
        nullable=True,
    ).as_field()
    pretrained: str | None = String(
        "Weights to start from, loaded by name and shape (a new head is re-initialised); not used by -r.",
        default=None,
        nullable=True,
    ).as_field()
    sync_bn: bool = Boolean("SyncBatchNorm across ranks (GPU, more than one rank).", default=False).as_field()
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    lr: LrConfig = field(default_factory=LrConfig)
    checkpoint: CheckpointConfig = field(default_factory=CheckpointConfig)
    amp: AmpConfig = field(default_factory=AmpConfig)
    ema: EmaConfig = field(default_factory=EmaConfig)
    nan_guard: NanGuardConfig = field(default_factory=NanGuardConfig)
    data: DataConfig = field(default_factory=DataConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)
    toy: ToyConfig = field(default_factory=ToyConfig)
    det: DetConfig = field(default_factory=DetConfig)
    rec: RecConfig = field(default_factory=RecConfig)

    def replace(self, **changes: Any) -> Config:
        """A validated copy with top-level keys changed, merged like `-o`: `cfg.replace(batch_size=4)`,
        `cfg.replace(lr={"base": 0.1})` (other lr keys kept). ConfigError names the bad key and value."""
        from ppwarm.config.loader import with_overrides

        return with_overrides(self, changes, source="replace()")
