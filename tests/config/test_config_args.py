"""add_config_args and parse_bool."""

from __future__ import annotations

import argparse

import pytest

from ppwarm.config import add_config_args, parse_bool


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="train")
    add_config_args(parser)
    return parser


def test_overrides_after_one_flag_and_repeated_flags() -> None:
    args = make_parser().parse_args(["-c", "a.yml", "-o", "a.b.c=1", "a.b.d=2", "--opt", "x=3", "-o", "y=4"])
    assert args.config == "a.yml"
    assert args.opt == ["a.b.c=1", "a.b.d=2", "x=3", "y=4"]


def test_no_overrides_is_an_empty_list_each_time() -> None:
    parser = make_parser()
    first = parser.parse_args(["--config", "a.yml"])
    assert first.opt == []
    parser.parse_args(["-c", "a.yml", "-o", "x=1"])
    assert parser.parse_args(["-c", "b.yml"]).opt == []


def test_config_is_required(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        make_parser().parse_args(["-o", "x=1"])
    assert info.value.code == 2
    assert "-c/--config" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("fAlSe", False)],
)
def test_parse_bool_accepts(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["yes", "no", "1", "0", "", "on", "t", " true"])
def test_parse_bool_rejects_and_names_value(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as info:
        parse_bool(text)
    assert repr(text) in str(info.value)


def test_flag_false_means_false(capsys) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--amp", type=parse_bool, default=True)
    assert parser.parse_args(["--amp", "False"]).amp is False
    with pytest.raises(SystemExit):
        parser.parse_args(["--amp", "no"])
    assert "'no'" in capsys.readouterr().err
