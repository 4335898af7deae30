"""Roles by layer, parts by declared prefix or regex (longest match), and the errors around them."""

from __future__ import annotations

from typing import ClassVar

import pytest

from ppwarm.errors import ConfigError
from ppwarm.lr import scaling
from ppwarm.lr.plan import resolve_plan
from ppwarm.models.toy import ToyRegressor
from ppwarm.optim.build import build_optimizer
from ppwarm.optim.groups import assign_part, part_rules
from ppwarm.optim.roles import parameter_roles


def test_roles_come_from_the_owning_layer():
    roles = {name: role for name, (role, _) in parameter_roles(ToyRegressor()).items()}
    assert roles == {
        "backbone.0.weight": "weight",
        "backbone.0.bias": "bias",
        "backbone.1.weight": "norm",
        "backbone.1.bias": "bias",  # BatchNorm1D; running stats excluded
        "neck.0.weight": "weight",
        "neck.0.bias": "bias",
        "neck.1.weight": "norm",
        "neck.1.bias": "bias",  # LayerNorm
        "head.weight": "weight",
        "head.bias": "bias",
    }


def test_frozen_parameters_get_no_group():
    model = ToyRegressor()
    model.head.weight.stop_gradient = True
    assert "head.weight" not in parameter_roles(model)


def rules_for(make_config, optimizer):
    return part_rules(make_config({"optimizer": optimizer}).optimizer)


def test_custom_regex_longest_match_beats_parts(make_config):
    rules = rules_for(
        make_config,
        {
            "parts": {"neck": {"lr_mult": 0.5}, "head": {}},
            "custom": [{"pattern": "neck", "name": "short"}, {"pattern": r"neck\.0\.w", "name": "long"}],
        },
    )
    declared = ToyRegressor.parts
    assert assign_part("neck.0.weight", rules, declared) == "long"
    assert assign_part("neck.0.bias", rules, declared) == "short"
    assert assign_part("head.bias", rules, declared) == "head"
    assert assign_part("backbone.0.weight", rules, declared) is None, "backbone is not configured"


def test_groups_of_a_built_optimizer(make_config):
    cfg = make_config(
        {
            "optimizer": {
                "parts": {"backbone": {"lr_mult": 0.1}},
                "custom": [{"pattern": r"^head\.", "name": "top"}],
            }
        }
    )
    plan = resolve_plan(cfg, batches_per_epoch=10)
    grouped = build_optimizer(ToyRegressor(), cfg, plan)
    assert grouped.members == {
        "backbone.weight": ["backbone.0.weight"],
        "backbone.bias": ["backbone.0.bias", "backbone.1.bias"],
        "backbone.norm": ["backbone.1.weight"],
        "weight": ["neck.0.weight"],
        "bias": ["neck.0.bias", "neck.1.bias"],
        "norm": ["neck.1.weight"],
        "top.weight": ["head.weight"],
        "top.bias": ["head.bias"],
    }


@pytest.mark.parametrize(
    ("optimizer", "needle"),
    [
        (
            {"custom": [{"pattern": "(", "name": "x"}]},
            "optimizer.custom.0.pattern = '(': not a valid regular",
        ),
        (
            {"custom": [{"pattern": "a", "name": "bias"}]},
            "group name 'bias' is used twice or clashes with a role",
        ),
        ({"custom": [{"pattern": "a", "name": "x"}, {"pattern": "b", "name": "x"}]}, "group name 'x'"),
        (
            {"parts": {"backbon": {}}},
            "unknown key 'optimizer.parts.backbon'; did you mean 'optimizer.parts.backbone'?",
        ),
        ({"custom": [{"lr_mult": 0.5}]}, "optimizer.custom.0.pattern is missing"),
        ({"custom": [{"pattern": "a", "lr_mul": 0.5}]}, "unknown key 'optimizer.custom.0.lr_mul'"),
        ({"parts": {"head": {"lr_mult": -1}}}, "optimizer.parts.head.lr_mult = -1: must be >= 0"),
    ],
)
def test_group_config_errors(make_config, optimizer, needle):
    with pytest.raises(ConfigError) as err:
        rules_for(make_config, optimizer)
    assert needle in str(err.value)


def test_part_the_model_does_not_declare(make_config):
    class Plain(ToyRegressor):
        parts: ClassVar[dict[str, str]] = {"backbone": "backbone.", "head": "head."}

    cfg = make_config({"optimizer": {"parts": {"neck": {"lr_mult": 0.5}}}})
    with pytest.raises(
        ConfigError,
        match=r"optimizer.parts.neck: the model declares no part 'neck' \(it declares: backbone, head\)",
    ):
        build_optimizer(Plain(), cfg, resolve_plan(cfg, batches_per_epoch=10))


def test_part_warmup_longer_than_the_run(make_config):
    cfg = make_config({"epochs": 5, "optimizer": {"parts": {"head": {"warmup_epochs": 5}}}})
    with pytest.raises(ConfigError, match=r"optimizer\.parts\.head\.warmup_epochs = 5: the part's warmup"):
        build_optimizer(ToyRegressor(), cfg, resolve_plan(cfg, batches_per_epoch=10))


@pytest.mark.parametrize(
    ("nominal", "batch", "devices", "want"),
    [(64, 8, 1, 8), (64, 8, 2, 4), (64, 48, 1, 1), (64, 100, 1, 1), (64, 24, 1, 3)],
)
def test_accumulate_auto(make_config, nominal, batch, devices, want):
    assert scaling.resolve_accumulate("auto", nominal, batch, devices)[0] == want
    cfg = make_config({"batch_size": batch, "accumulate": "auto", "optimizer": {"nominal_batch": nominal}})
    plan = resolve_plan(cfg, devices=devices, batches_per_epoch=100)
    assert plan.accumulate == want and plan.global_batch == batch * devices * want


def test_accumulate_auto_needs_a_nominal_batch(make_config):
    with pytest.raises(ConfigError, match=r"needs optimizer\.nominal_batch"):
        resolve_plan(make_config({"accumulate": "auto"}), batches_per_epoch=10)
