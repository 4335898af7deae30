"""resolved_config.yml: the config a run actually used, written atomically next to its outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ppwarm.config.loader import config_from_dict
from ppwarm.config.sections.run import Config
from ppwarm.config.yaml_io import dump_yaml, read_yaml_mapping
from ppwarm.errors import ConfigError
from ppwarm.fileio import write_text_atomically

RESOLVED_NAME = "resolved_config.yml"
DERIVED_KEY = "derived"
_HEADER = (
    "# Written by ppwarm: the config after bases, overrides and defaults.\n"
    "# `derived` (if present) records values computed from it; load both with read_resolved_config.\n"
)


def dump_config(cfg: Config) -> str:
    """YAML text of `cfg`, keys in schema order."""
    return dump_yaml(cfg.to_dict())


def write_resolved_config(cfg: Config, out_dir: str | Path, derived: dict | None = None) -> Path:
    """Validate `cfg` again (it may come from an unchecked `dataclasses.replace`) and write it (plus a
    top-level `derived:` mapping if given) to `<out_dir>/resolved_config.yml`, creating `out_dir`.
    Returns the file path.

    The write is atomic: readers see the old file or the complete new one, never a partial file, and a
    failed write leaves no temporary file behind.
    """
    text = _HEADER + dump_config(config_from_dict(cfg.to_dict(), "config to write"))
    if derived is not None:
        if not isinstance(derived, dict):
            raise TypeError(f"derived must be a dict, got {type(derived).__name__}")
        text += dump_yaml({DERIVED_KEY: derived})
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / RESOLVED_NAME
    write_text_atomically(target, text)
    return target


def read_resolved_config(path: str | Path) -> tuple[Config, dict]:
    """Read a file written by `write_resolved_config`: (validated config, derived mapping or {})."""
    display = str(path)
    tree = read_yaml_mapping(Path(path), display)
    derived: Any = tree.pop(DERIVED_KEY, None)
    if derived is None:
        derived = {}
    if not isinstance(derived, dict):
        raise ConfigError(f"{display}: {DERIVED_KEY} must be a mapping")
    return config_from_dict(tree, display), derived
