"""`load_config`: files, bases and overrides in, one validated, frozen `Config` out.

`config_from_dict` and `with_overrides` run the same validation on configs made in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ppwarm.config.bases import load_file_layer
from ppwarm.config.checks import check_warmup_length
from ppwarm.config.layers import Layer
from ppwarm.config.overrides import apply_overrides, set_value
from ppwarm.config.sections.run import Config
from ppwarm.config.typed import build, plain, schema_of
from ppwarm.config.validate import validate

SCHEMA = schema_of(Config)  # derived from the dataclasses: what validate.py walks


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> Config:
    """Read the config at `path` with its `_BASE_` files, apply `-o` overrides, validate, fill defaults.

    Every mistake in the files or overrides is raised as ConfigError naming its source, key path and value.
    """
    if isinstance(overrides, str):
        raise TypeError("overrides is a sequence of 'key.path=value' strings, not a single string")
    layer = apply_overrides(load_file_layer(path), overrides)
    return resolve_layer(layer)


def config_from_dict(tree: Mapping[str, Any], source: str = "in-memory config") -> Config:
    """The Config of a plain nested dict (e.g. `Config.to_dict()` or a checkpoint's `config`), checked
    like a file; missing keys get their defaults and ConfigError messages start with `source`."""
    return resolve_layer(Layer.from_tree(dict(tree), source))


def with_overrides(cfg: Config, changes: Mapping[str, Any], source: str = "with_overrides") -> Config:
    """A validated copy of `cfg` with each dotted key of `changes` set, merged like `-o key=value`:
    `with_overrides(cfg, {"optimizer.nominal_batch": 64})`. Values may be sections or plain values."""
    layer = Layer.from_tree(cfg.to_dict(), "in-memory config")
    for key, value in changes.items():
        layer = set_value(layer, tuple(key.split(".")), plain(value), source)
    return resolve_layer(layer)


def resolve_layer(layer: Layer) -> Config:
    """Validate a merged layer against SCHEMA, run the cross-key checks, build the Config."""
    cfg = build(Config, validate(layer, SCHEMA))
    check_warmup_length(cfg, layer)
    return cfg
