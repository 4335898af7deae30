"""dump_config, write_resolved_config and read_resolved_config."""

from __future__ import annotations

import dataclasses
import os

import pytest

from ppwarm.config import (
    SCHEMA,
    Config,
    config_from_dict,
    dump_config,
    load_config,
    read_resolved_config,
    write_resolved_config,
)
from ppwarm.errors import ConfigError

DERIVED = {"global_batch": 256, "peak_lr": 0.04, "warmup_steps": 500, "reasons": ["linear scaling: 256/64"]}


@pytest.fixture
def cfg(write_yaml) -> Config:
    text = """
    epochs: 12.5
    reference_batch: 64
    output_dir: "yes"
    lr:
      base: 1e-3
      warmup: {epochs: auto, type: exponential}
      decay: {type: piecewise, milestones: [6, 9]}
    """
    return load_config(write_yaml("a.yml", text))


def test_round_trip_through_read_resolved_config(cfg, tmp_path) -> None:
    path = write_resolved_config(cfg, tmp_path / "out" / "run1", DERIVED)
    assert path == tmp_path / "out" / "run1" / "resolved_config.yml"
    assert read_resolved_config(path) == (cfg, DERIVED)


def test_without_derived(cfg, tmp_path) -> None:
    path = write_resolved_config(cfg, tmp_path / "out")
    assert "\nderived:" not in path.read_text(encoding="utf-8")
    assert read_resolved_config(path) == (cfg, {})
    assert load_config(path) == cfg


def test_load_config_rejects_derived(cfg, tmp_path) -> None:
    path = write_resolved_config(cfg, tmp_path / "out", DERIVED)
    with pytest.raises(ConfigError, match="unknown key 'derived'"):
        load_config(path)


def test_invalid_config_is_not_written(cfg, tmp_path) -> None:
    cfg = dataclasses.replace(cfg, lr=dataclasses.replace(cfg.lr, base=-1.0))  # unchecked on purpose
    with pytest.raises(ConfigError) as info:
        write_resolved_config(cfg, tmp_path / "out")
    assert str(info.value) == "config to write: lr.base = -1.0: must be > 0"
    assert not (tmp_path / "out").exists()


def test_failed_replace_keeps_old_file_and_leaves_no_temp(cfg, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "resolved_config.yml"
    target.write_text("old: content\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_resolved_config(cfg, out, DERIVED)
    assert target.read_text(encoding="utf-8") == "old: content\n"
    assert sorted(path.name for path in out.iterdir()) == ["resolved_config.yml"]


def test_overwrites_existing_file(cfg, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "resolved_config.yml").write_text("old: content\n", encoding="utf-8")
    path = write_resolved_config(cfg, out, DERIVED)
    assert read_resolved_config(path) == (cfg, DERIVED)
    assert sorted(p.name for p in out.iterdir()) == ["resolved_config.yml"]


def test_dump_config_keeps_schema_order(cfg) -> None:
    shuffled = dict(reversed(list(cfg.to_dict().items())))
    shuffled["lr"] = dict(reversed(list(cfg.lr.to_dict().items())))
    text = dump_config(config_from_dict(shuffled))
    top_level = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top_level == list(SCHEMA)
    second_level = [
        line.strip().split(":")[0] for line in text.splitlines() if line.startswith("  ") and line[2] != " "
    ]
    sections = [spec for spec in SCHEMA.values() if isinstance(spec, dict)]
    assert second_level == [key for section in sections for key in section]
    assert second_level[second_level.index("base") :][:5] == [
        "base",
        "scaling",
        "warmup",
        "decay",
        "plateau_epochs",
    ]


def test_dump_config_text(cfg) -> None:
    text = dump_config(cfg)
    assert "output_dir: 'yes'\n" in text
    assert "  base: 0.001\n" in text
    assert "    milestones: [6.0, 9.0]\n" in text
    assert "    epochs: auto\n" in text
    assert "reference_batch: 64\n" in text
