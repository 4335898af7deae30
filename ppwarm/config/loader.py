"""`load_config`: files, bases and overrides in, one validated plain dict out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ppwarm.config.bases import load_file_layer
from ppwarm.config.checks import check_warmup_length
from ppwarm.config.layers import Layer
from ppwarm.config.overrides import apply_overrides
from ppwarm.config.schema import SCHEMA
from ppwarm.config.validate import validate


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> dict:
    """Read the config at `path` with its `_BASE_` files, apply `-o` overrides, validate, fill defaults.

    The result is a fresh nested dict holding every key of SCHEMA in schema order. Every mistake in
    the files or overrides is raised as ConfigError naming its source, key path and value.
    """
    if isinstance(overrides, str):
        raise TypeError("overrides is a sequence of 'key.path=value' strings, not a single string")
    layer = apply_overrides(load_file_layer(path), overrides)
    return resolve_layer(layer)


def resolve_layer(layer: Layer) -> dict:
    """Validate a merged layer against SCHEMA and run the cross-key checks."""
    cfg = validate(layer, SCHEMA)
    check_warmup_length(cfg, layer)
    return cfg
