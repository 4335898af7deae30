"""`-o key.path=value` overrides."""

from __future__ import annotations

import pytest

from ppwarm.config import load_config
from ppwarm.errors import ConfigError

BASE_TEXT = """
lr:
  base: 0.1
  warmup: {type: cosine, start_lr: 0.001, power: 3}
  decay: {milestones: [30, 60]}
"""


@pytest.fixture
def config_path(write_yaml):
    return write_yaml("a.yml", BASE_TEXT)


def test_nested_value_parsed_as_yaml(config_path) -> None:
    cfg = load_config(config_path, ["lr.base=1e-3", "epochs=12", "optimizer.type=adamw"])
    assert cfg.lr.base == 0.001
    assert cfg.epochs == 12.0
    assert cfg.optimizer.type == "adamw"


def test_siblings_merge_and_keep_other_keys(config_path) -> None:
    cfg = load_config(config_path, ["lr.warmup.type=linear", "lr.warmup.epochs=2"])
    assert cfg.lr.warmup.to_dict() == {
        "type": "linear",
        "epochs": 2.0,
        "steps": None,
        "start_lr": 0.001,
        "power": 3.0,
    }
    assert cfg.lr.base == 0.1


def test_later_override_wins(config_path) -> None:
    assert load_config(config_path, ["lr.base=0.2", "lr.base=0.3"]).lr.base == 0.3


def test_list_override_replaces(config_path) -> None:
    cfg = load_config(config_path, ["lr.decay.milestones=[60,80]"])
    assert cfg.lr.decay.milestones == (60.0, 80.0)


def test_null_override(write_yaml) -> None:
    path = write_yaml("a.yml", "reference_batch: 64\nlr: {warmup: {epochs: 5}}\n")
    cfg = load_config(path, ["reference_batch=null", "lr.warmup.epochs=null", "lr.warmup.steps=10"])
    assert cfg.reference_batch is None
    assert cfg.lr.warmup.epochs is None
    assert cfg.lr.warmup.steps == 10


def test_mapping_value_merges(config_path) -> None:
    cfg = load_config(config_path, ["lr.warmup={type: constant, steps: 40}"])
    assert cfg.lr.warmup.type == "constant"
    assert cfg.lr.warmup.steps == 40
    assert cfg.lr.warmup.start_lr == 0.001


def test_value_may_contain_equals_sign(config_path) -> None:
    assert load_config(config_path, ["output_dir=runs/lr=0.1"]).output_dir == "runs/lr=0.1"


def test_false_means_false_and_yes_stays_a_string(config_path) -> None:
    # No boolean field exists yet: check what the override parser hands to validation.
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.scaling=False"])
    assert "lr.scaling = false: must be one of auto, linear, sqrt, none" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.warmup.epochs=yes"])
    assert "lr.warmup.epochs = 'yes': must be a number >= 0, 'auto' or null" in str(info.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("lr.base", "invalid override 'lr.base': expected KEY.PATH=VALUE"),
        ("=0.1", "invalid override '=0.1': the key before '=' is empty"),
        ("lr..base=0.1", "invalid override 'lr..base=0.1': empty part in the key 'lr..base'"),
        ("lr.base.=0.1", "invalid override 'lr.base.=0.1': empty part in the key 'lr.base.'"),
    ],
)
def test_malformed_override(config_path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path, [text])
    assert str(info.value).startswith(problem)


def test_unparsable_value_quotes_the_override(config_path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.decay.milestones=[60,80"])
    assert str(info.value).startswith("-o lr.decay.milestones=[60,80: cannot parse the value '[60,80': ")


def test_path_through_a_non_mapping(config_path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.base.value=1"])
    assert str(info.value) == (
        f"-o lr.base.value=1: cannot set lr.base.value: lr.base = 0.1 (from {config_path}) is not a mapping"
    )


def test_unknown_key_from_override(config_path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.warmpu.type=cosine"])
    assert str(info.value) == "-o lr.warmpu.type=cosine: unknown key 'lr.warmpu'; did you mean 'lr.warmup'?"


def test_range_error_from_override_names_it(config_path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path, ["lr.base=-0.1"])
    assert str(info.value) == "-o lr.base=-0.1: lr.base = -0.1: must be > 0"


def test_single_string_is_rejected(config_path) -> None:
    with pytest.raises(TypeError, match="not a single string"):
        load_config(config_path, "lr.base=0.1")
