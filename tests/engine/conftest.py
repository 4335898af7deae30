"""A toy training config in a temporary output directory, and reading back what a run logged."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ppwarm.config import Config
from ppwarm.engine.events import read_jsonl

TOY: dict[str, Any] = {
    "task": "toy",
    "epochs": 4,
    "batch_size": 16,
    "reference_batch": 16,
    "log_interval": 1,
    "toy": {"samples": 128, "val_samples": 32},
    "lr": {"base": 0.05, "warmup": {"type": "linear", "epochs": 1}, "decay": {"type": "cosine"}},
    "optimizer": {"type": "momentum", "warmup_momentum": 0.8, "warmup_bias_lr": 0.1},
    "checkpoint": {"save_interval": 1},
}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


@pytest.fixture
def toy_config(make_config: Callable[..., Config], tmp_path: Path) -> Callable[..., Config]:
    """toy_config(extra, name="run") -> validated config of the toy task writing to tmp_path/name."""

    def build(extra: dict[str, Any] | None = None, name: str = "run") -> Config:
        data = merge(TOY, extra or {})
        data["output_dir"] = str(tmp_path / name)
        return make_config(data)

    return build


def logged(cfg: Config) -> dict[str, dict[int, float]]:
    """tag -> {step: value} of a run's metrics.jsonl."""
    return read_jsonl(Path(cfg.output_dir) / "metrics.jsonl")
