"""`_BASE_` inheritance and the merge rule."""

from __future__ import annotations

import pytest

from ppwarm.config import load_config
from ppwarm.errors import ConfigError


def test_single_base_relative_to_including_file(write_yaml) -> None:
    write_yaml("configs/base/run.yml", "epochs: 12\nbatch_size: 4\n")
    path = write_yaml("configs/a.yml", "_BASE_: base/run.yml\nbatch_size: 16\n")
    cfg = load_config(path)
    assert cfg.epochs == 12.0
    assert cfg.batch_size == 16


def test_base_list_in_order_later_wins(write_yaml) -> None:
    write_yaml("configs/base/one.yml", "epochs: 1\nbatch_size: 1\naccumulate: 1\n")
    write_yaml("configs/base/two.yml", "epochs: 2\nbatch_size: 2\n")
    path = write_yaml("configs/a.yml", "_BASE_: [base/one.yml, base/two.yml]\nepochs: 3\n")
    cfg = load_config(path)
    assert (cfg.epochs, cfg.batch_size, cfg.accumulate) == (3.0, 2, 1)


def test_nested_bases_are_relative_to_their_own_file(write_yaml) -> None:
    write_yaml("configs/shared/lr.yml", "lr: {base: 0.5}\n")
    write_yaml("configs/base/run.yml", "_BASE_: ../shared/lr.yml\nepochs: 7\n")
    cfg = load_config(write_yaml("configs/a.yml", "_BASE_: base/run.yml\n"))
    assert cfg.lr.base == 0.5
    assert cfg.epochs == 7.0


def test_deep_merge_keeps_sibling_keys(write_yaml) -> None:
    write_yaml(
        "base/b.yml",
        """
        lr:
          base: 0.2
          warmup: {type: cosine, start_lr: 0.001}
        """,
    )
    cfg = load_config(write_yaml("a.yml", "_BASE_: base/b.yml\nlr:\n  warmup: {start_lr: 0.0005}\n"))
    assert cfg.lr.base == 0.2
    assert cfg.lr.warmup.type == "cosine"
    assert cfg.lr.warmup.start_lr == 0.0005


def test_lists_are_replaced_not_merged(write_yaml) -> None:
    write_yaml("base/b.yml", "lr: {decay: {milestones: [10, 20, 30]}}\n")
    cfg = load_config(write_yaml("a.yml", "_BASE_: base/b.yml\nlr: {decay: {milestones: [5]}}\n"))
    assert cfg.lr.decay.milestones == (5.0,)


def test_null_in_child_clears_base_value(write_yaml) -> None:
    write_yaml("base/b.yml", "reference_batch: 256\nlr: {warmup: {epochs: 5}}\n")
    path = write_yaml(
        "a.yml",
        """
        _BASE_: base/b.yml
        reference_batch: null
        lr: {warmup: {epochs: ~, steps: 300}}
        """,
    )
    cfg = load_config(path)
    assert cfg.reference_batch is None
    assert cfg.lr.warmup.epochs is None
    assert cfg.lr.warmup.steps == 300


def test_diamond_is_not_a_cycle(write_yaml) -> None:
    write_yaml("common.yml", "epochs: 9\n")
    write_yaml("left.yml", "_BASE_: common.yml\nbatch_size: 2\n")
    write_yaml("right.yml", "_BASE_: common.yml\naccumulate: 3\n")
    cfg = load_config(write_yaml("a.yml", "_BASE_: [left.yml, right.yml]\n"))
    assert (cfg.epochs, cfg.batch_size, cfg.accumulate) == (9.0, 2, 3)


def test_cycle_names_the_chain(write_yaml, tmp_path) -> None:
    write_yaml("one.yml", "_BASE_: sub/two.yml\n")
    write_yaml("sub/two.yml", "_BASE_: ../one.yml\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "one.yml")
    one, two = tmp_path / "one.yml", tmp_path / "sub" / "two.yml"
    assert str(info.value) == f"_BASE_ cycle: {one} -> {two} -> {one}"


def test_missing_base_names_includer_and_resolved_path(write_yaml, tmp_path) -> None:
    path = write_yaml("configs/a.yml", "_BASE_: [base/missing.yml]\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert str(tmp_path / "configs" / "base" / "missing.yml") in message


def test_bad_base_value(write_yaml) -> None:
    path = write_yaml("a.yml", "_BASE_: [3]\n")
    with pytest.raises(ConfigError, match=r"_BASE_ = \[3\]: must be a file path or a list of file paths"):
        load_config(path)


def test_syntax_error_in_base_names_the_base(write_yaml) -> None:
    base = write_yaml("base/b.yml", "lr: [1,\n")
    with pytest.raises(ConfigError) as info:
        load_config(write_yaml("a.yml", "_BASE_: base/b.yml\n"))
    assert str(info.value).startswith(f"{base}:2:1: invalid YAML: ")


def test_unknown_key_in_base_names_the_base(write_yaml) -> None:
    base = write_yaml("base/b.yml", "optimiser: {type: sgd}\n")
    with pytest.raises(ConfigError) as info:
        load_config(write_yaml("a.yml", "_BASE_: base/b.yml\nepochs: 3\n"))
    assert str(info.value) == f"{base}: unknown key 'optimiser'; did you mean 'optimizer'?"
