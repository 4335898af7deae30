"""The strict YAML loader and dumper."""

from __future__ import annotations

import math

import pytest

from ppwarm.config import load_config
from ppwarm.config.yaml_io import dump_yaml, parse_scalar_text, read_yaml_mapping
from ppwarm.errors import ConfigError


def parse(text: str) -> object:
    return parse_scalar_text(text, "test")


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "Yes", "ON", "y", "n", "tRuE"])
def test_yaml11_booleans_stay_strings(text: str) -> None:
    assert parse(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False)],
)
def test_only_true_and_false_are_booleans(text: str, expected: bool) -> None:
    assert parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1e-5", 1e-5), ("5E-4", 5e-4), ("-2e3", -2000.0), ("+1e3", 1000.0), ("1.5", 1.5), (".5", 0.5)],
)
def test_floats_including_exponent_without_dot(text: str, expected: float) -> None:
    value = parse(text)
    assert type(value) is float
    assert value == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("12", 12), ("-3", -3), ("010", 10), ("0x1f", 31), ("0o17", 15)]
)
def test_integers(text: str, expected: int) -> None:
    value = parse(text)
    assert type(value) is int
    assert value == expected


@pytest.mark.parametrize("text", ["null", "Null", "NULL", "~", ""])
def test_null_forms(text: str) -> None:
    assert parse(text) is None


def test_special_floats_and_dates() -> None:
    assert parse(".inf") == math.inf
    assert parse("-.inf") == -math.inf
    assert math.isnan(parse(".nan"))
    assert parse("2020-01-01") == "2020-01-01"


def test_mapping_keys_follow_the_same_rules(write_yaml) -> None:
    path = write_yaml("a.yml", "on: 1\nrate: 1e-5\nflag: yes\n")
    assert read_yaml_mapping(path, str(path)) == {"on": 1, "rate": 1e-5, "flag": "yes"}


def test_syntax_error_names_file_and_line(write_yaml) -> None:
    path = write_yaml("a.yml", "lr:\n  base: 0.1\n   decay: 2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:3:9: invalid YAML: mapping values are not allowed here"


def test_duplicate_key_is_an_error(write_yaml) -> None:
    path = write_yaml("a.yml", "lr:\n  base: 0.1\n  base: 0.2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:3:3: invalid YAML: duplicate key 'base' (first set on line 2)"


def test_top_level_must_be_a_mapping(write_yaml) -> None:
    path = write_yaml("a.yml", "- 1\n- 2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: the top level must be a mapping of keys to values, got [1, 2]"


def test_missing_config_file(tmp_path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: config file not found"


def test_empty_file_gives_all_defaults(write_yaml) -> None:
    cfg = load_config(write_yaml("a.yml", "# nothing set\n"))
    assert cfg.epochs == 100.0
    assert cfg.lr.base == 0.01


@pytest.mark.parametrize("text", ["yes", "1e-5", "0o17", "010", "2020-01-01", "true", "null", "1:30", ""])
def test_dumper_quotes_strings_that_would_be_retyped(text: str) -> None:
    dumped = dump_yaml({"value": text})
    assert parse(dumped) == {"value": text}
