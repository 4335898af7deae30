"""Checking a merged config against a schema and filling in the defaults."""

from __future__ import annotations

import difflib
from typing import Any

from ppwarm.config.containers import SectionList, SectionMap
from ppwarm.config.fields import Field, Schema
from ppwarm.config.layers import KeyPath, Layer
from ppwarm.config.messages import dotted, show, value_error
from ppwarm.errors import ConfigError


def validate(layer: Layer, schema: Schema) -> dict:
    """Return a new plain dict with every schema key, in schema order, each value checked.

    Raises ConfigError on the first unknown key, type or range problem, naming where the value came
    from. Missing keys get the field's default.
    """
    return _section(layer.tree, schema, (), layer)


def _section(tree: dict, schema: Schema, prefix: KeyPath, layer: Layer) -> dict:
    _reject_unknown_keys(tree, schema, prefix, layer)
    out = {}
    for key, spec in schema.items():
        path = (*prefix, key)
        if isinstance(spec, Field):
            out[key] = _leaf(tree, key, spec, path, layer)
        elif isinstance(spec, SectionMap):
            out[key] = _section_map(tree.get(key), spec, path, layer)
        elif isinstance(spec, SectionList):
            out[key] = _section_list(tree.get(key), spec, path, layer)
        else:
            out[key] = _section(_subsection(tree, key, spec, path, layer), spec, path, layer)
    return out


def _leaf(tree: dict, key: str, field: Field, path: KeyPath, layer: Layer) -> Any:
    if key not in tree:
        if field.required:
            where = layer.source_of(path)
            raise ConfigError(f"{where}: {dotted(path)} is missing; it must be {field.describe()}")
        return field.default_value(dotted(path))
    return field.check(dotted(path), tree[key], layer.source_of(path))


def _section_map(value: Any, spec: SectionMap, path: KeyPath, layer: Layer) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise value_error(
            layer.source_of(path), dotted(path), value, "must be a mapping of names to sections"
        )
    if spec.keys:
        _reject_unknown_keys(value, dict.fromkeys(spec.keys), path, layer)
    return {name: _item(item, spec.item, (*path, name), layer) for name, item in value.items()}


def _section_list(value: Any, spec: SectionList, path: KeyPath, layer: Layer) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise value_error(layer.source_of(path), dotted(path), value, "must be a list of sections")
    return [_item(item, spec.item, (*path, index), layer) for index, item in enumerate(value)]


def _item(value: Any, schema: Schema, path: KeyPath, layer: Layer) -> dict:
    if not isinstance(value, dict):
        keys = ", ".join(schema)
        raise value_error(
            layer.source_of(path), dotted(path), value, f"must be a mapping with the keys {keys}"
        )
    return _section(value, schema, path, layer)


def _subsection(tree: dict, key: str, schema: Schema, path: KeyPath, layer: Layer) -> dict:
    value = tree.get(key, {})
    if not isinstance(value, dict):
        keys = ", ".join(schema)
        problem = f"must be a mapping with the keys {keys}"
        raise value_error(layer.source_of(path), dotted(path), value, problem)
    return value


def _reject_unknown_keys(tree: dict, schema: Schema, prefix: KeyPath, layer: Layer) -> None:
    for key in tree:
        if key in schema:
            continue
        path = (*prefix, key)
        source = layer.source_of(path)
        if not isinstance(key, str):
            where = f"under {dotted(prefix)}" if prefix else "at the top level"
            raise ConfigError(f"{source}: key {show(key)} {where} is not a string")
        raise ConfigError(f"{source}: unknown key '{dotted(path)}'{_suggestion(key, schema, prefix)}")


def _suggestion(key: str, schema: Schema, prefix: KeyPath) -> str:
    close = difflib.get_close_matches(key, list(schema), n=1)
    if close:
        return f"; did you mean '{dotted((*prefix, close[0]))}'?"
    return f" (known keys: {', '.join(schema)})"
