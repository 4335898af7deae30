"""Named maps and lists of sections (optimizer.parts, optimizer.custom) and integer literals."""

from __future__ import annotations

import pytest

from ppwarm.config import load_config, read_resolved_config, write_resolved_config
from ppwarm.errors import ConfigError


def test_parts_and_custom_get_defaults_and_keep_order(write_yaml) -> None:
    path = write_yaml(
        "a.yml",
        "optimizer:\n  parts: {head: {lr_mult: 2}, backbone: {warmup_epochs: 3}}\n"
        "  custom:\n    - {pattern: 'neck\\.0'}\n    - {pattern: x, name: other, weight_decay: 0}\n",
    )
    opt = load_config(path).optimizer
    assert list(opt.parts) == ["head", "backbone"]
    assert opt.parts["head"].to_dict() == {"lr_mult": 2.0, "weight_decay": None, "warmup_epochs": None}
    assert opt.parts["backbone"].to_dict() == {"lr_mult": 1.0, "weight_decay": None, "warmup_epochs": 3.0}
    assert [entry.to_dict() for entry in opt.custom] == [
        {"pattern": "neck\\.0", "name": None, "lr_mult": 1.0, "weight_decay": None, "warmup_epochs": None},
        {"pattern": "x", "name": "other", "lr_mult": 1.0, "weight_decay": 0.0, "warmup_epochs": None},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "optimizer: {parts: [backbone]}",
            "optimizer.parts = ['backbone']: must be a mapping of names to sections",
        ),
        ("optimizer: {parts: {head: 0.1}}", "optimizer.parts.head = 0.1: must be a mapping with the keys"),
        (
            "optimizer: {custom: {pattern: x}}",
            "optimizer.custom = {pattern: 'x'}: must be a list of sections",
        ),
        (
            "optimizer: {custom: [{pattern: x, lr_mult: fast}]}",
            "optimizer.custom.0.lr_mult = 'fast': must be",
        ),
        (
            "optimizer: {parts: {head: {warmup_epochs: 0}}}",
            "optimizer.parts.head.warmup_epochs = 0: must be > 0",
        ),
        ("accumulate: automatic", "accumulate = 'automatic': must be an integer >= 1 or 'auto'"),
    ],
)
def test_container_errors_name_the_item(write_yaml, text, message) -> None:
    path = write_yaml("a.yml", text + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_override_into_a_part(write_yaml) -> None:
    path = write_yaml("a.yml", "optimizer: {parts: {head: {lr_mult: 2}}}\n")
    cfg = load_config(path, ["optimizer.parts.head.warmup_epochs=1", "optimizer.parts.backbone.lr_mult=0.1"])
    assert cfg.optimizer.parts["head"].lr_mult == 2.0
    assert cfg.optimizer.parts["head"].warmup_epochs == 1.0
    assert cfg.optimizer.parts["backbone"].lr_mult == 0.1


def test_resolved_config_round_trips_containers_and_auto(write_yaml, tmp_path) -> None:
    path = write_yaml(
        "a.yml",
        "accumulate: auto\noptimizer:\n  nominal_batch: 64\n  parts: {head: {lr_mult: 2}}\n"
        "  custom: [{pattern: 'a.b', name: ab}]\n",
    )
    cfg = load_config(path)
    assert cfg.accumulate == "auto"
    again, _ = read_resolved_config(write_resolved_config(cfg, tmp_path / "out"))
    assert again == cfg
