"""Strict YAML for configs: what a plain scalar means never depends on YAML 1.1 quirks.

Plain scalars follow the YAML 1.2 core schema: only true/false (as `true`, `True`, `TRUE`) are booleans,
so `yes`, `on` and `off` stay strings; `1e-5` is a float; `010` is the decimal 10; dates stay strings.
Duplicate keys in one mapping are an error instead of the last one silently winning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from ppwarm.config.messages import show
from ppwarm.errors import ConfigError

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"

# Order matters: the first pattern that matches a plain scalar decides its type.
_IMPLICIT = (
    (_NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$")),
    (_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    (_INT_TAG, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")),
    (
        _FLOAT_TAG,
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
    ),
)


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalar rules and duplicate-key detection."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            _reject_duplicate_keys(self, node)
        return super().construct_mapping(node, deep=deep)


class StrictDumper(yaml.SafeDumper):
    """SafeDumper that quotes every string which StrictLoader or a YAML 1.1 reader would retype."""


def _reject_duplicate_keys(loader: StrictLoader, node: yaml.MappingNode) -> None:
    first_line: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            continue  # the base constructor reports unhashable keys itself
        if key in first_line:
            problem = f"duplicate key {show(key)} (first set on line {first_line[key] + 1})"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        first_line[key] = key_node.start_mark.line


def _scalar_error(node: yaml.Node, kind: str, text: str) -> yaml.YAMLError:
    return yaml.constructor.ConstructorError(None, None, f"{text!r} is not a valid {kind}", node.start_mark)


def _construct_bool(loader: StrictLoader, node: yaml.Node) -> bool:
    text = loader.construct_scalar(node)
    if text.lower() not in ("true", "false"):
        raise _scalar_error(node, "boolean (use true or false)", text)
    return text.lower() == "true"


def _construct_int(loader: StrictLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    try:
        return int(text, 0) if text.startswith(("0o", "0x")) else int(text, 10)
    except ValueError:
        raise _scalar_error(node, "integer", text) from None


def _construct_float(loader: StrictLoader, node: yaml.Node) -> float:
    text = loader.construct_scalar(node)
    special = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
    if text.lower() in special:
        return special[text.lower()]
    try:
        return float(text)
    except ValueError:
        raise _scalar_error(node, "float", text) from None


def _install_resolvers() -> None:
    StrictLoader.yaml_implicit_resolvers = {}
    StrictDumper.yaml_implicit_resolvers = {}
    for tag, pattern in _IMPLICIT:
        StrictLoader.add_implicit_resolver(tag, pattern, None)
        StrictDumper.add_implicit_resolver(tag, pattern, None)
    for first, entries in yaml.SafeDumper.yaml_implicit_resolvers.items():
        for tag, pattern in entries:
            StrictDumper.add_implicit_resolver(tag, pattern, [first])
    StrictLoader.add_constructor(_BOOL_TAG, _construct_bool)
    StrictLoader.add_constructor(_INT_TAG, _construct_int)
    StrictLoader.add_constructor(_FLOAT_TAG, _construct_float)
    StrictDumper.add_representer(list, _represent_list)


def _represent_list(dumper: StrictDumper, data: list) -> yaml.Node:
    """Lists of scalars go on one line (`milestones: [60.0, 80.0]`); nested lists stay in block style."""
    flow = all(not isinstance(item, (list, dict)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_install_resolvers()


def yaml_problem(exc: yaml.YAMLError) -> str:
    """The human part of a PyYAML error, without PyYAML's own location lines."""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    return f"{problem} ({context})" if context else problem


def read_yaml_mapping(path: Path, display: str) -> dict:
    """Parse the file at `path` as a top-level mapping; an empty file is an empty mapping.

    Every failure (unreadable, bad YAML, not a mapping) is a ConfigError that starts with `display`,
    plus `:line:column` when YAML points at a place.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{display}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: cannot read config file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        raise ConfigError(f"{where}: invalid YAML: {yaml_problem(exc)}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{display}: the top level must be a mapping of keys to values, got {show(data)}")
    return data


def parse_scalar_text(text: str, source: str) -> Any:
    """Parse one command-line value with the same rules as config files (`1e-3` -> 0.001)."""
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: cannot parse the value {text!r}: {yaml_problem(exc)}") from exc


def dump_yaml(data: Any) -> str:
    """Block-style YAML that keeps the dict order given and reads back identically with StrictLoader."""
    return yaml.dump(data, Dumper=StrictDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)
