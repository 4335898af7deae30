"""`plan`: print the resolved LR schedule of a config before training; optionally write CSV and PNG.

No model is built and no optimizer is touched.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.lr.plan import resolve_plan
from ppwarm.lr.report import format_plan
from ppwarm.lr.table import plan_table, write_csv
from ppwarm.memory.auto_batch import resolve_batch_size
from ppwarm.optim.groups import composite_schedule, weight_decay_scale
from ppwarm.optim.report import format_groups
from ppwarm.tasks.sizes import count_batches


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppwarm plan", description=__doc__)
    add_config_args(parser)
    parser.add_argument("--devices", type=int, default=1, help="number of training processes (default 1)")
    parser.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        metavar="N",
        help="loader batches per epoch per device (default: counted from the training set); "
        "optimizer steps are ceil(N / accumulate)",
    )
    parser.add_argument("--csv", default=None, metavar="FILE", help="write one row per optimizer step")
    parser.add_argument("--png", default=None, metavar="FILE", help="draw the LR curve")
    return parser


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config, args.opt)
    cfg, chain = resolve_batch_size(cfg, args.config, args.opt, devices=args.devices)
    batches = args.steps_per_epoch or count_batches(cfg, args.devices)
    plan = resolve_plan(cfg, devices=args.devices, batches_per_epoch=batches)
    schedule = composite_schedule(cfg, plan)
    if chain:
        plan = replace(plan, reasons=(*chain, *plan.reasons))
    print(format_plan(plan, source=args.config))
    print(format_groups(schedule, weight_decay_scale(cfg.optimizer, plan.global_batch)[1]))
    if args.csv:
        table = plan_table(plan)
        table.update(schedule.columns(table["step"]))
        print(f"wrote {write_csv(table, args.csv)} ({plan.total_steps} rows)")
    if args.png:
        from ppwarm.lr.plot import plot_plan

        print(f"wrote {plot_plan(plan, args.png, groups=schedule)}")
    return 0
