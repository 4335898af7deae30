"""resolved_config.yml: the config a run actually used, written atomically next to its outputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ppwarm.config.fields import Schema
from ppwarm.config.layers import Layer
from ppwarm.config.loader import resolve_layer
from ppwarm.config.schema import SCHEMA
from ppwarm.config.yaml_io import dump_yaml, read_yaml_mapping
from ppwarm.errors import ConfigError
from ppwarm.fileio import write_text_atomically

RESOLVED_NAME = "resolved_config.yml"
DERIVED_KEY = "derived"
_HEADER = (
    "# Written by ppwarm: the config after bases, overrides and defaults.\n"
    "# `derived` (if present) records values computed from it; load both with read_resolved_config.\n"
)


def dump_config(cfg: dict) -> str:
    """YAML text of `cfg` with keys in schema order; keys the schema does not know follow at the end."""
    return dump_yaml(_schema_order(cfg, SCHEMA))


def _schema_order(tree: dict, schema: Schema) -> dict:
    out = {}
    for key, spec in schema.items():
        if key in tree:
            value = tree[key]
            nested = isinstance(spec, Mapping) and isinstance(value, dict)  # a section, not a field/container
            out[key] = _schema_order(value, spec) if nested else value
    out.update((key, value) for key, value in tree.items() if key not in out)
    return out


def write_resolved_config(cfg: dict, out_dir: str | Path, derived: dict | None = None) -> Path:
    """Validate `cfg` and write it (plus a top-level `derived:` mapping if given) to
    `<out_dir>/resolved_config.yml`, creating `out_dir`. Returns the file path.

    The write is atomic: readers see the old file or the complete new one, never a partial file, and a
    failed write leaves no temporary file behind.
    """
    text = _HEADER + dump_config(resolve_layer(Layer.from_tree(cfg, "config to write")))
    if derived is not None:
        if not isinstance(derived, dict):
            raise TypeError(f"derived must be a dict, got {type(derived).__name__}")
        text += dump_yaml({DERIVED_KEY: derived})
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / RESOLVED_NAME
    write_text_atomically(target, text)
    return target


def read_resolved_config(path: str | Path) -> tuple[dict, dict]:
    """Read a file written by `write_resolved_config`: (validated config, derived mapping or {})."""
    display = str(path)
    tree = read_yaml_mapping(Path(path), display)
    derived: Any = tree.pop(DERIVED_KEY, None)
    if derived is None:
        derived = {}
    if not isinstance(derived, dict):
        raise ConfigError(f"{display}: {DERIVED_KEY} must be a mapping")
    return resolve_layer(Layer.from_tree(tree, display)), derived
