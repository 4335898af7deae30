"""The typed config: a tree of frozen dataclasses that is also the one source of the validated schema."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from types import MappingProxyType

import pytest

from ppwarm.config import SCHEMA, Config, config_from_dict, dump_config, load_config, with_overrides
from ppwarm.config.containers import SectionList, SectionMap
from ppwarm.config.fields import SPEC, Field
from ppwarm.config.sections.det import DetAugmentConfig, DetConfig, DetDataConfig, DetNmsConfig
from ppwarm.config.sections.lr import DecayConfig, LrConfig, WarmupConfig
from ppwarm.config.sections.optimizer import CustomConfig, OptimizerConfig, PartConfig
from ppwarm.config.sections.rec import RecConfig, RecDataConfig
from ppwarm.config.typed import ITEM, Section, schema_of
from ppwarm.errors import ConfigError

TEXT = """
task: det
lr: {decay: {type: piecewise, milestones: [60, 80]}}
optimizer:
  parts: {head: {lr_mult: 2}, backbone: {warmup_epochs: 1}}
  custom: [{pattern: 'neck\\.0', name: n0}]
det: {augment: {size_schedule: [[0, 256], [10, 320]]}, data: {class_names: [a, b]}}
"""


@pytest.fixture
def cfg(write_yaml) -> Config:
    return load_config(write_yaml("a.yml", TEXT))


def test_loaded_config_is_the_dataclass_tree(cfg) -> None:
    assert isinstance(cfg, Config)
    sections = [
        (cfg.optimizer, OptimizerConfig),
        (cfg.lr, LrConfig),
        (cfg.lr.warmup, WarmupConfig),
        (cfg.lr.decay, DecayConfig),
        (cfg.det, DetConfig),
        (cfg.det.data, DetDataConfig),
        (cfg.det.augment, DetAugmentConfig),
        (cfg.det.nms, DetNmsConfig),
        (cfg.rec, RecConfig),
        (cfg.rec.data, RecDataConfig),
    ]
    assert all(type(section) is cls for section, cls in sections)
    assert cfg.lr.decay.milestones == (60.0, 80.0)
    assert cfg.det.augment.size_schedule == ((0, 256), (10, 320)) and cfg.det.augment.scale == (0.5, 1.5)
    assert cfg.det.data.class_names == ("a", "b") and cfg.rec.shape == (3, 32, 100)
    assert cfg.rec.data.train_files == ("train.txt",) and cfg.rec.data.train_ratios == (1.0,)
    assert type(cfg.optimizer.parts) is MappingProxyType and list(cfg.optimizer.parts) == ["head", "backbone"]
    assert cfg.optimizer.parts["head"] == PartConfig(lr_mult=2.0)
    assert cfg.optimizer.custom == (CustomConfig(pattern="neck\\.0", name="n0"),)


def test_assignment_raises_everywhere(cfg) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.lr = cfg.lr
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.lr.base = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.optimizer.parts["head"].lr_mult = 3.0
    with pytest.raises(TypeError):
        cfg.optimizer.parts["neck"] = PartConfig()
    assert copy.deepcopy(cfg) is cfg  # immutable, so a deep copy is the object itself


def test_a_misspelt_key_is_an_attribute_error(cfg) -> None:
    with pytest.raises(AttributeError, match="'WarmupConfig' object has no attribute 'step'"):
        cfg.lr.warmup.step  # noqa: B018
    with pytest.raises(AttributeError):
        cfg.learning_rate  # noqa: B018
    with pytest.raises(TypeError):
        cfg["lr"]


def _is_plain(value) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


def test_to_dict_is_plain_and_round_trips(cfg) -> None:
    plain = cfg.to_dict()
    assert _is_plain(plain)
    assert list(plain) == list(SCHEMA)
    assert plain["det"]["augment"]["size_schedule"] == [[0, 256], [10, 320]]
    assert plain["optimizer"]["parts"]["head"] == {
        "lr_mult": 2.0,
        "weight_decay": None,
        "warmup_epochs": None,
    }
    again = config_from_dict(plain)
    assert again == cfg and again.to_dict() == plain and dump_config(again) == dump_config(cfg)
    assert pickle.loads(pickle.dumps(plain)) == plain  # what a checkpoint stores: builtins only


def test_defaults_are_the_same_from_every_door(write_yaml) -> None:
    assert Config() == config_from_dict({}) == load_config(write_yaml("empty.yml", "{}\n"))


def test_config_from_dict_validates_like_a_file() -> None:
    with pytest.raises(ConfigError) as info:
        config_from_dict({"lr": {"warmup": {"epoch": 5}}}, source="checkpoint")
    assert str(info.value) == "checkpoint: unknown key 'lr.warmup.epoch'; did you mean 'lr.warmup.epochs'?"


def test_replace_and_with_overrides_return_validated_copies(cfg) -> None:
    smaller = cfg.replace(batch_size=4, lr={"base": 0.1})
    assert (smaller.batch_size, smaller.lr.base, smaller.lr.decay.type) == (4, 0.1, "piecewise")
    assert (cfg.batch_size, cfg.lr.base) == (8, 0.01), "the original is unchanged"
    nominal = with_overrides(cfg, {"optimizer.nominal_batch": 64, "optimizer.parts.head.lr_mult": 3})
    assert nominal.optimizer.nominal_batch == 64 and nominal.optimizer.parts["head"].lr_mult == 3.0
    assert cfg.replace(lr=smaller.lr).lr == smaller.lr
    with pytest.raises(ConfigError) as info:
        cfg.replace(batch_size=0)
    assert str(info.value) == "replace(): batch_size = 0: must be >= 1"
    with pytest.raises(ConfigError, match=r"unknown key 'lr\.warmpu'; did you mean 'lr\.warmup'"):
        with_overrides(cfg, {"lr.warmpu.type": "cosine"})
    with pytest.raises(ConfigError, match="are both set"):
        with_overrides(cfg, {"lr.warmup.epochs": 1, "lr.warmup.steps": 10})


def _check_one_source(cls: type[Section], schema) -> list[str]:
    """The schema keys of `cls` are its attributes in order, and each leaf spec is the attribute's own."""
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(schema) == names, cls.__name__
    leaves = []
    for f in dataclasses.fields(cls):
        spec = schema[f.name]
        if isinstance(spec, Field):
            assert f.metadata[SPEC] is spec
            leaves.append(f"{cls.__name__}.{f.name}")
        elif isinstance(spec, (SectionMap, SectionList)):
            assert f.metadata[SPEC] is spec and spec.item == schema_of(f.metadata[ITEM])
            leaves += _check_one_source(f.metadata[ITEM], spec.item)
        else:
            leaves += _check_one_source(f.default_factory, spec)
    return leaves


def test_the_schema_is_derived_from_the_dataclasses() -> None:
    leaves = _check_one_source(Config, SCHEMA)
    assert {"Config.epochs", "WarmupConfig.steps", "PartConfig.lr_mult", "CustomConfig.pattern"} <= set(
        leaves
    )


def test_accept_advisories_choices_are_the_lint_rules():
    """config cannot import lr (same floor), so the list is written twice; this keeps the two equal."""
    from ppwarm.config.sections.lr import ADVISORIES
    from ppwarm.lr.lint import RULES

    assert tuple(rule.__name__ for rule in RULES) == ADVISORIES
