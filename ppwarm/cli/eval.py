"""`eval`: evaluate trained weights on the validation set: tools/eval.py -c CFG -o weights=PATH."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppwarm eval", description=__doc__)
    add_config_args(parser)
    return parser


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    from ppwarm.tasks.build import build_task
    from ppwarm.weights.load import load_weights

    args = build_parser().parse_args(argv)
    cfg = load_config(args.config, args.opt)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    task = build_task(cfg)
    load_weights(task.model, cfg.weights)
    metrics = task.evaluate(task.model)
    width = max(len(k) for k in metrics)
    for name, value in metrics.items():
        print(f"{name:<{width}}  {value:.4f}")
    return 0
