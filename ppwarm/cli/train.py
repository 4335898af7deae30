"""`train`: train as a config says. `-r PATH|auto` resumes; `--eval` evaluates every eval_interval epochs.

Multi-process: python -m paddle.distributed.launch --nproc_per_node N tools/train.py -c CFG
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.engine.distributed import world_size
from ppwarm.memory.auto_batch import resolve_batch_size
from ppwarm.runner import OutOfMemoryStopped, TrainingStopped, run_training


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppwarm train", description=__doc__)
    add_config_args(parser)
    parser.add_argument(
        "-r",
        "--resume",
        default=None,
        metavar="PATH|auto",
        help="checkpoint file, or auto: the newest in output_dir",
    )
    parser.add_argument("--eval", action="store_true", help="evaluate during training and keep best_model")
    return parser


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config, args.opt)
    cfg, chain = resolve_batch_size(cfg, args.config, args.opt, devices=world_size())
    for line in chain:
        print(line, file=sys.stderr)
    try:
        run_training(cfg, resume=args.resume, evaluate=args.eval, source=args.config)
    except OutOfMemoryStopped as err:
        print(f"error: {err}", file=sys.stderr)
        return 4
    except TrainingStopped as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    return 0
