"""The `optimizer` section, with its per-part (`parts`) and per-regex (`custom`) settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ppwarm.config.fields import Boolean, Choice, Integer, Number, String
from ppwarm.config.typed import Section, section_list, section_map

# The settings of a part, shared by `optimizer.parts.<name>` and `optimizer.custom[i]`.
LR_MULT = Number("Multiplier on the scheduled LR for this part's parameters.", default=1.0, minimum=0)
PART_WEIGHT_DECAY = Number(
    "Weight decay of this part's weights; null = optimizer.weight_decay.",
    default=None,
    nullable=True,
    minimum=0,
)
PART_WARMUP_EPOCHS = Number(
    "Layer-wise warmup: this part's own warmup length in epochs; null = the global warmup.",
    default=None,
    nullable=True,
    minimum=0,
    exclusive_minimum=True,
)


@dataclass(frozen=True)
class PartConfig(Section):
    """`optimizer.parts.<name>`: LR multiplier, weight decay and own warmup of one model part."""

    lr_mult: float = LR_MULT.as_field()
    weight_decay: float | None = PART_WEIGHT_DECAY.as_field()
    warmup_epochs: float | None = PART_WARMUP_EPOCHS.as_field()


@dataclass(frozen=True)
class CustomConfig(Section):
    """`optimizer.custom[i]`: a part's settings for the parameters whose names match `pattern`."""

    pattern: str = String(
        "Regular expression searched in structured parameter names.", required=True
    ).as_field()
    name: str | None = String(
        "Group name prefix; null = custom<index>.", default=None, nullable=True
    ).as_field()
    lr_mult: float = LR_MULT.as_field()
    weight_decay: float | None = PART_WEIGHT_DECAY.as_field()
    warmup_epochs: float | None = PART_WARMUP_EPOCHS.as_field()


@dataclass(frozen=True)
class OptimizerConfig(Section):
    """`optimizer`: the optimizer family, its hyper-parameters and the per-part settings."""

    type: str = Choice(
        "Optimizer family.", default="momentum", choices=("momentum", "sgd", "adam", "adamw")
    ).as_field()
    momentum: float = Number(
        "Momentum of SGD with momentum.", default=0.9, minimum=0, maximum=1, exclusive_maximum=True
    ).as_field()
    nesterov: bool = Boolean("Nesterov momentum.", default=False).as_field()
    beta1: float = Number(
        "First-moment decay of the Adam family.", default=0.9, minimum=0, maximum=1, exclusive_maximum=True
    ).as_field()
    beta2: float = Number(
        "Second-moment decay of the Adam family.",
        default=0.999,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
        exclusive_maximum=True,
    ).as_field()
    epsilon: float = Number(
        "Adam family epsilon.", default=1e-8, minimum=0, exclusive_minimum=True
    ).as_field()
    weight_decay: float = Number(
        "L2 (coupled; decoupled for adamw) weight decay of weights.", default=0.0005, minimum=0
    ).as_field()
    bias_decay: bool = Boolean("Apply weight decay to biases too.", default=False).as_field()
    norm_decay: bool = Boolean("Apply weight decay to norm-layer scales too.", default=False).as_field()
    warmup_momentum: float | None = Number(
        "Momentum (beta1 for the Adam family) at step 0 of warmup, rising to its value; null = no ramp.",
        default=None,
        nullable=True,
        minimum=0,
        maximum=1,
        exclusive_maximum=True,
    ).as_field()
    warmup_bias_lr: float = Number(
        "Bias LR at step 0 of warmup, falling or rising to the schedule; 0 = no bias warmup.",
        default=0.0,
        minimum=0,
    ).as_field()
    clip_grad_norm: float = Number(
        "Clip gradients to this global L2 norm; 0 = no clipping.", default=0.0, minimum=0
    ).as_field()
    nominal_batch: int | None = Integer(
        "Global batch the weight decay was tuned for (and the target of accumulate: auto); null = none.",
        default=None,
        nullable=True,
        minimum=1,
    ).as_field()
    scale_weight_decay: bool = Boolean(
        "Scale weight decay by global_batch / nominal_batch.", default=True
    ).as_field()
    parts: Mapping[str, PartConfig] = section_map(
        PartConfig, keys=("backbone", "neck", "head"), doc="Settings per model part."
    )
    custom: tuple[CustomConfig, ...] = section_list(
        CustomConfig, doc="Settings for parameters whose names match a regex; longest match wins."
    )
