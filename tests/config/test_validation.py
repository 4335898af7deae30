"""Schema validation: unknown keys, types, ranges, defaults and cross-key rules."""

from __future__ import annotations

import pytest

from ppwarm.config import SCHEMA, load_config
from ppwarm.config.containers import SectionList, SectionMap
from ppwarm.config.fields import Field
from ppwarm.errors import ConfigError

EXPECTED_DEFAULTS = {
    "epochs": 100.0,
    "batch_size": 8,
    "accumulate": 1,
    "reference_batch": None,
    "output_dir": "output",
    "optimizer": {
        "type": "momentum",
        "momentum": 0.9,
        "nesterov": False,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "weight_decay": 0.0005,
        "bias_decay": False,
        "norm_decay": False,
        "warmup_momentum": None,
        "warmup_bias_lr": 0.0,
        "clip_grad_norm": 0.0,
        "nominal_batch": None,
        "scale_weight_decay": True,
        "parts": {},
        "custom": [],
    },
    "lr": {
        "base": 0.01,
        "scaling": "auto",
        "warmup": {"type": "linear", "epochs": None, "steps": None, "start_lr": 0.0, "power": 2.0},
        "decay": {
            "type": "cosine",
            "min_lr_ratio": 0.01,
            "power": 0.9,
            "milestones": [],
            "gamma": 0.1,
            "cycles": 1,
        },
        "plateau_epochs": 0.0,
        "accept_advisories": [],
    },
}


def error_of(path, overrides=()) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, overrides)
    return str(info.value)


def test_defaults_filled_in_schema_order(write_yaml) -> None:
    plain = load_config(write_yaml("a.yml", "{}\n")).to_dict()
    assert {key: plain[key] for key in EXPECTED_DEFAULTS} == EXPECTED_DEFAULTS
    assert list(plain) == list(SCHEMA)
    assert list(plain["lr"]) == ["base", "scaling", "warmup", "decay", "plateau_epochs", "accept_advisories"]


def test_defaults_are_fresh_objects(write_yaml) -> None:
    path = write_yaml("a.yml", "{}\n")
    first = load_config(path).to_dict()
    first["lr"]["decay"]["milestones"].append(3.0)
    assert load_config(path).to_dict()["lr"]["decay"]["milestones"] == []


def test_every_field_has_a_one_line_doc() -> None:
    def leaves(schema, prefix=""):
        for key, spec in schema.items():
            if isinstance(spec, Field):
                yield prefix + key, spec
            elif isinstance(spec, (SectionMap, SectionList)):
                assert spec.doc and "\n" not in spec.doc
                yield from leaves(spec.item, f"{prefix}{key}.*.")
            else:
                yield from leaves(spec, f"{prefix}{key}.")

    fields = dict(leaves(SCHEMA))
    assert {
        "lr.base",
        "optimizer.parts.*.lr_mult",
        "optimizer.custom.*.pattern",
        "nan_guard.patience",
    } <= set(fields)
    assert all(field.doc and "\n" not in field.doc for field in fields.values())


def test_ints_become_floats_for_number_fields(write_yaml) -> None:
    cfg = load_config(write_yaml("a.yml", "epochs: 3\nlr: {base: 1}\n"))
    assert type(cfg.epochs) is float
    assert type(cfg.lr.base) is float


def test_unknown_key_in_file_suggests_closest(write_yaml) -> None:
    path = write_yaml("a.yml", "lr:\n  warmup:\n    epoch: 5\n")
    assert error_of(path) == f"{path}: unknown key 'lr.warmup.epoch'; did you mean 'lr.warmup.epochs'?"


def test_unknown_key_without_close_match_lists_known_keys(write_yaml) -> None:
    path = write_yaml("a.yml", "lr: {warmup: {shape_of_it: 0.9}}\n")
    known = "type, epochs, steps, start_lr, power"
    assert error_of(path) == f"{path}: unknown key 'lr.warmup.shape_of_it' (known keys: {known})"


def test_derived_is_an_unknown_key_for_load_config(write_yaml) -> None:
    path = write_yaml("a.yml", "derived: {global_batch: 64}\n")
    assert error_of(path).startswith(f"{path}: unknown key 'derived' (known keys: epochs, batch_size")


def test_non_string_key(write_yaml) -> None:
    path = write_yaml("a.yml", "lr: {1: 2}\n")
    assert error_of(path) == f"{path}: key 1 under lr is not a string"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lr: {base: -0.1}", "lr.base = -0.1: must be > 0"),
        ("lr: {base: 0}", "lr.base = 0: must be > 0"),
        ("lr: {base: fast}", "lr.base = 'fast': must be a number > 0"),
        ("lr: {base: true}", "lr.base = true: must be a number > 0"),
        ("lr: {base: {value: 1}}", "lr.base = {value: 1}: must be a number > 0"),
        ("batch_size: 8.0", "batch_size = 8.0: must be an integer >= 1"),
        ("batch_size: 0", "batch_size = 0: must be >= 1"),
        ("reference_batch: 0", "reference_batch = 0: must be >= 1"),
        ("output_dir: ''", "output_dir = '': must be a non-empty string"),
        ("output_dir: null", "output_dir = null: must be a non-empty string"),
        ("optimizer: {type: Adam}", "optimizer.type = 'Adam': must be one of momentum, sgd, adam, adamw"),
        ("optimizer: {beta2: 1}", "optimizer.beta2 = 1: must be > 0 and < 1"),
        ("lr: {warmup: {epochs: -1}}", "lr.warmup.epochs = -1: must be >= 0"),
        ("lr: {warmup: {epochs: Auto}}", "lr.warmup.epochs = 'Auto': must be a number >= 0, 'auto' or null"),
        ("lr: {decay: {gamma: 0}}", "lr.decay.gamma = 0: must be > 0 and <= 1"),
        ("lr: {decay: {cycles: 0}}", "lr.decay.cycles = 0: must be >= 1"),
        ("lr: {decay: {milestones: 30}}", "lr.decay.milestones = 30: must be a list of numbers >= 0"),
        ("lr: {decay: {milestones: [30, x]}}", "lr.decay.milestones[1] = 'x': must be a number"),
        (
            "lr: {decay: {milestones: [60, 30]}}",
            "lr.decay.milestones = [60, 30]: must be in strictly increasing",
        ),
        ("epochs: .nan", "epochs = nan: must be a finite number"),
        (
            "lr: 0.1",
            "lr = 0.1: must be a mapping with the keys base, scaling, warmup, decay, plateau_epochs, "
            "accept_advisories",
        ),
        ("lr: {warmup: null}", "lr.warmup = null: must be a mapping with the keys type, epochs, steps"),
    ],
)
def test_type_and_range_errors_name_source_key_and_value(write_yaml, text: str, message: str) -> None:
    path = write_yaml("a.yml", text + "\n")
    assert error_of(path).startswith(f"{path}: {message}")


def test_min_lr_ratio_above_one_explains_why(write_yaml) -> None:
    path = write_yaml("a.yml", "lr: {decay: {min_lr_ratio: 1.5}}\n")
    assert error_of(path) == (
        f"{path}: lr.decay.min_lr_ratio = 1.5: must be >= 0 and <= 1: "
        "above 1 the final LR would be above the peak LR"
    )


def test_choice_suggests_close_value(write_yaml) -> None:
    path = write_yaml("a.yml", "lr: {decay: {type: cosin}}\n")
    assert error_of(path).endswith("(did you mean 'cosine'?)")


def test_warmup_auto_is_accepted(write_yaml) -> None:
    cfg = load_config(write_yaml("a.yml", "lr: {warmup: {epochs: auto}}\n"))
    assert cfg.lr.warmup.epochs == "auto"


def test_warmup_epochs_and_steps_both_set(write_yaml) -> None:
    path = write_yaml("a.yml", "lr: {warmup: {epochs: 5}}\n")
    message = error_of(path, ["lr.warmup.steps=500"])
    assert message.startswith(
        f"lr.warmup.epochs = 5.0 (from {path}) and "
        "lr.warmup.steps = 500 (from -o lr.warmup.steps=500) are both set"
    )
    assert "-o lr.warmup.epochs=null" in message


def test_warmup_epochs_and_steps_from_bases(write_yaml) -> None:
    write_yaml("base/epochs.yml", "lr: {warmup: {epochs: auto}}\n")
    write_yaml("base/steps.yml", "lr: {warmup: {steps: 0}}\n")
    path = write_yaml("a.yml", "_BASE_: [base/epochs.yml, base/steps.yml]\n")
    message = error_of(path)
    assert f"lr.warmup.epochs = 'auto' (from {path.parent / 'base' / 'epochs.yml'})" in message
    assert f"lr.warmup.steps = 0 (from {path.parent / 'base' / 'steps.yml'})" in message
