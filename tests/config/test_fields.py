"""Field classes on their own, including kinds the schema does not use yet."""

from __future__ import annotations

import dataclasses

import pytest

from ppwarm.config.fields import Boolean, Choice, Integer, Number, NumberList, String
from ppwarm.errors import ConfigError


def problem(field, value) -> str:
    with pytest.raises(ConfigError) as info:
        field.check("train.flag", value, "cfg.yml")
    return str(info.value)


def test_boolean_accepts_only_real_bools() -> None:
    field = Boolean(doc="A flag.", default=False)
    assert field.check("train.flag", True, "cfg.yml") is True
    assert field.check("train.flag", False, "cfg.yml") is False
    assert problem(field, "yes") == "cfg.yml: train.flag = 'yes': must be true or false"
    assert problem(field, "False") == "cfg.yml: train.flag = 'False': must be true or false"
    assert problem(field, 1) == "cfg.yml: train.flag = 1: must be true or false"
    assert problem(field, None) == "cfg.yml: train.flag = null: must be true or false"


def test_nullable_boolean() -> None:
    field = Boolean(doc="A flag.", nullable=True)
    assert field.check("train.flag", None, "cfg.yml") is None
    assert field.describe() == "true, false or null"


def test_number_bounds_inclusive_and_exclusive() -> None:
    field = Number(doc="x", default=0.5, minimum=0, maximum=1, exclusive_maximum=True)
    assert field.check("train.flag", 0, "cfg.yml") == 0.0
    assert problem(field, 1) == "cfg.yml: train.flag = 1: must be >= 0 and < 1"
    assert problem(field, -0.5) == "cfg.yml: train.flag = -0.5: must be >= 0 and < 1"


def test_number_rejects_bool_and_converts_int() -> None:
    field = Number(doc="x", default=1.0)
    assert type(field.check("train.flag", 3, "cfg.yml")) is float
    assert problem(field, False) == "cfg.yml: train.flag = false: must be a number"
    assert problem(field, 10**400).endswith("is too large")


def test_integer_rejects_float_and_bool() -> None:
    field = Integer(doc="x", default=1)
    assert field.check("train.flag", 4, "cfg.yml") == 4
    assert problem(field, 4.0) == "cfg.yml: train.flag = 4.0: must be an integer"
    assert problem(field, True) == "cfg.yml: train.flag = true: must be an integer"


def test_choice() -> None:
    field = Choice(doc="x", default="a", choices=("a", "bb"))
    assert field.check("train.flag", "bb", "cfg.yml") == "bb"
    assert problem(field, 3) == "cfg.yml: train.flag = 3: must be one of a, bb"


def test_number_list_normalizes_and_checks_items() -> None:
    field = NumberList(doc="x", default=(), minimum=0)
    assert field.default_value("train.flag") == []
    assert field.check("train.flag", (1, 2.5), "cfg.yml") == [1.0, 2.5]
    assert problem(field, [1, -2]) == "cfg.yml: train.flag[1] = -2: must be >= 0"


def test_optional_string() -> None:
    field = String(doc="x", nullable=True)
    assert field.check("train.flag", None, "cfg.yml") is None
    assert field.check("train.flag", "run", "cfg.yml") == "run"
    assert problem(field, 5) == "cfg.yml: train.flag = 5: must be a non-empty string or null"


def test_fields_are_frozen() -> None:
    field = Number(doc="x", default=1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        field.default = 2.0  # type: ignore[misc]


def test_schema_mistakes_fail_at_construction() -> None:
    with pytest.raises(ConfigError, match="must be > 0"):
        Number(doc="x", default=0, minimum=0, exclusive_minimum=True)
    with pytest.raises(ValueError, match="one line"):
        Number(doc="two\nlines", default=1.0)
