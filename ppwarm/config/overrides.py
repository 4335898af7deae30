"""Command-line overrides: `-o lr.warmup.epochs=5` applied on top of the merged config files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ppwarm.config.layers import KeyPath, Layer, merge
from ppwarm.config.messages import dotted, show
from ppwarm.config.yaml_io import parse_scalar_text
from ppwarm.errors import ConfigError


def apply_overrides(layer: Layer, overrides: Sequence[str]) -> Layer:
    """Apply each `key.path=value` in order, with the same merge rule as bases.

    Each override only touches its own key path, so `-o a.b.c=1 a.b.d=2` keeps both and keeps the rest
    of `a.b`. Values are parsed as strict YAML. The source of each value is the text `-o key.path=value`.
    """
    for text in overrides:
        source = f"-o {text}"
        path, value = parse_override(text, source)
        layer = set_value(layer, path, value, source)
    return layer


def set_value(layer: Layer, path: KeyPath, value: Any, source: str) -> Layer:
    """`layer` with `value` put at `path` (merged like a base), recorded as set by `source`."""
    _require_mappings_along(layer, path, source)
    return merge(layer, Layer.from_tree(_nest(path, value), source))


def parse_override(text: str, source: str) -> tuple[KeyPath, Any]:
    """Split `key.path=value` into its key path and parsed value; ConfigError quotes a bad override."""
    key, sep, value_text = text.partition("=")
    key = key.strip()
    if not sep:
        raise ConfigError(f"invalid override {text!r}: expected KEY.PATH=VALUE, e.g. -o lr.base=0.1")
    if not key:
        raise ConfigError(f"invalid override {text!r}: the key before '=' is empty")
    path = tuple(key.split("."))
    if not all(path):
        raise ConfigError(f"invalid override {text!r}: empty part in the key {key!r}")
    return path, parse_scalar_text(value_text, source)


def _require_mappings_along(layer: Layer, path: KeyPath, source: str) -> None:
    """Every existing value above the overridden key must be a mapping to descend into."""
    node: Any = layer.tree
    for depth in range(1, len(path)):
        key = path[depth - 1]
        if key not in node:
            return
        node = node[key]
        if not isinstance(node, dict):
            prefix = path[:depth]
            raise ConfigError(
                f"{source}: cannot set {dotted(path)}: {dotted(prefix)} = {show(node)} "
                f"(from {layer.source_of(prefix)}) is not a mapping"
            )


def _nest(path: KeyPath, value: Any) -> dict:
    tree: Any = value
    for key in reversed(path):
        tree = {key: tree}
    return tree
