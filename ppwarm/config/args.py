"""Command-line pieces shared by every ppwarm tool that reads a config."""

from __future__ import annotations

import argparse


def add_config_args(parser: argparse.ArgumentParser) -> None:
    """Add `-c/--config FILE` (required) and `-o/--opt KEY=VALUE ...` (repeatable, default []).

    After parsing, `args.config` is the path and `args.opt` the list of overrides in command-line
    order, ready for `load_config(args.config, args.opt)`.
    """
    parser.add_argument("-c", "--config", required=True, metavar="FILE", help="YAML config file to run.")
    parser.add_argument(
        "-o",
        "--opt",
        nargs="+",
        action="extend",
        default=[],
        metavar="KEY=VALUE",
        help="Override config values, e.g. -o lr.base=0.1 lr.warmup.epochs=null (values are YAML).",
    )


def parse_bool(text: str) -> bool:
    """argparse `type=` for flags: 'true' or 'false' in any case; anything else is rejected.

    Unlike `type=bool`, `--flag False` means False, and `--flag no` is an error rather than a guess.
    """
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
