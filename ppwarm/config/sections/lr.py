"""The `lr` section: peak LR, batch scaling, warmup, decay and plateau."""

from __future__ import annotations

from dataclasses import dataclass, field

from ppwarm.config.fields import Choice, Integer, ListOf, Number, NumberList
from ppwarm.config.typed import Section

# The rule names of ppwarm/lr/lint.py (config may not import lr; tests/config/test_typed.py keeps them equal).
ADVISORIES = (
    "warmup_fraction",
    "short_run_long_warmup",
    "adam_zero_start",
    "scale_factor",
    "adam_short_warmup",
)


@dataclass(frozen=True)
class WarmupConfig(Section):
    """`lr.warmup`: how long and in which shape the LR rises to its peak."""

    type: str = Choice(
        "Shape of the rise from start_lr to the peak LR.",
        default="linear",
        choices=("linear", "exponential", "cosine", "constant", "none"),
    ).as_field()
    epochs: float | str | None = Number(
        "Warmup length in epochs, or 'auto' to derive it; at most one of epochs and steps is set.",
        default=None,
        nullable=True,
        minimum=0,
        literals=("auto",),
    ).as_field()
    steps: int | None = Integer(
        "Warmup length in optimizer updates; at most one of epochs and steps is set.",
        default=None,
        nullable=True,
        minimum=0,
    ).as_field()
    start_lr: float = Number("LR at the first update of warmup.", default=0.0, minimum=0).as_field()
    power: float = Number(
        "Exponent of the exponential warmup curve.", default=2.0, minimum=0, exclusive_minimum=True
    ).as_field()


@dataclass(frozen=True)
class DecayConfig(Section):
    """`lr.decay`: the schedule from the peak LR to the end of the run."""

    type: str = Choice(
        "Schedule from the peak LR down to the end of the run.",
        default="cosine",
        choices=("cosine", "polynomial", "linear", "piecewise", "constant", "cosine_restarts"),
    ).as_field()
    min_lr_ratio: float = Number(
        "Final LR as a fraction of the peak LR.",
        default=0.01,
        minimum=0,
        maximum=1,
        above_maximum_hint="above 1 the final LR would be above the peak LR",
    ).as_field()
    power: float = Number(
        "Exponent of polynomial decay.", default=0.9, minimum=0, exclusive_minimum=True
    ).as_field()
    milestones: tuple[float, ...] = NumberList(
        "Piecewise decay: epochs (from the start of the run) where the LR is multiplied by gamma.",
        default=(),
        minimum=0,
        increasing=True,
    ).as_field()
    gamma: float = Number(
        "Piecewise decay: factor applied at each milestone.",
        default=0.1,
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
    ).as_field()
    cycles: int = Integer(
        "Cosine restarts: number of cosine cycles in the decay phase.", default=1, minimum=1
    ).as_field()


@dataclass(frozen=True)
class LrConfig(Section):
    """`lr`: the peak LR, how it follows the global batch, warmup, decay and final plateau."""

    base: float = Number(
        "Peak LR, tuned at reference_batch (used as is when reference_batch is null).",
        default=0.01,
        minimum=0,
        exclusive_minimum=True,
    ).as_field()
    scaling: str = Choice(
        "How the peak LR follows the global batch; auto = linear for sgd/momentum, sqrt for adam/adamw.",
        default="auto",
        choices=("auto", "linear", "sqrt", "none"),
    ).as_field()
    warmup: WarmupConfig = field(default_factory=WarmupConfig)
    decay: DecayConfig = field(default_factory=DecayConfig)
    plateau_epochs: float = Number(
        "Epochs at the end of the run held at the final LR.", default=0, minimum=0
    ).as_field()
    accept_advisories: tuple[str, ...] = ListOf(
        "Advisories (ppwarm.lr.lint rule names) this config accepts on purpose: reported among the plan's "
        "reasons instead of as warnings. Say why next to it.",
        default=(),
        item=Choice(required=True, choices=ADVISORIES),
    ).as_field()
