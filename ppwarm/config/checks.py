"""Rules that involve more than one key of an already validated config."""

from __future__ import annotations

from ppwarm.config.layers import Layer
from ppwarm.config.messages import show
from ppwarm.config.sections.run import Config
from ppwarm.errors import ConfigError


def check_warmup_length(cfg: Config, layer: Layer) -> None:
    """Warmup length is given once: at most one of lr.warmup.epochs and lr.warmup.steps is non-null.

    Checks that need the number of steps per epoch (warmup longer than the run, ...) belong to the code
    that knows the data set, not here.
    """
    warmup = cfg.lr.warmup
    if warmup.epochs is None or warmup.steps is None:
        return
    epochs_from = layer.source_of(("lr", "warmup", "epochs"))
    steps_from = layer.source_of(("lr", "warmup", "steps"))
    raise ConfigError(
        f"lr.warmup.epochs = {show(warmup.epochs)} (from {epochs_from}) and "
        f"lr.warmup.steps = {show(warmup.steps)} (from {steps_from}) are both set; "
        "give the warmup length only once and set the other to null, "
        "e.g. -o lr.warmup.epochs=null or -o lr.warmup.steps=null"
    )
