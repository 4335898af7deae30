"""Fixtures shared by the test folders: configs written to disk and loaded through the real loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ppwarm.config import Config, load_config


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """write_config(data, name="run.yml") -> path of a YAML file holding `data`."""

    def write(data: dict[str, Any], name: str = "run.yml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_config(write_config: Callable[..., Path]) -> Callable[..., Config]:
    """make_config(data, overrides=()) -> validated Config, with every default filled."""

    def make(data: dict[str, Any], overrides: tuple[str, ...] = ()) -> Config:
        return load_config(write_config(data), overrides)

    return make
