"""How config values and key paths are spelled in error messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ppwarm.errors import ConfigError


def dotted(path: Sequence[Any]) -> str:
    """Join a key path the way users type it on the command line (`lr.warmup.epochs`)."""
    return ".".join(str(key) for key in path)


def show(value: Any) -> str:
    """Render a value in YAML-like syntax, so `true`, `null` and `'yes'` look as the user wrote them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in value.items()) + "}"
    return str(value)


def value_error(source: str, path: str, value: Any, problem: str) -> ConfigError:
    """Build the standard message: `<source>: <dotted key> = <value>: <problem>`."""
    return ConfigError(f"{source}: {path} = {show(value)}: {problem}")
