"""`estimate_memory`: probe a config's training memory, print the breakdown and the batch that fits a budget.

A few short probe processes (2 training updates each) measure peak RSS; a fitted model predicts the rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.memory.estimate import (
    MB,
    MemoryModel,
    available_budget,
    build_memory_model,
    parse_bytes,
    pick_batch_size,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppwarm estimate_memory", description=__doc__)
    add_config_args(parser)
    parser.add_argument(
        "--budget",
        type=parse_bytes,
        default=None,
        metavar="SIZE",
        help="e.g. 16GB, 512MB, 1.5GiB (default: GPU memory on GPU, else the available RAM)",
    )
    parser.add_argument("--batch", type=int, default=None, help="per-device batch (default: batch_size)")
    parser.add_argument("--margin", type=float, default=0.8, help="fraction of the budget to plan for")
    parser.add_argument("--devices", type=int, default=1, help="training processes, for the global batch")
    return parser


def _on_gpu() -> bool:
    import paddle

    return paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0


def _describe_fit(model: MemoryModel) -> str:
    fit = model.fit
    side = f" x (S/{fit.s0})^2" if fit.s0 is not None else ""
    points = ", ".join(f"B{p['batch']}" + (f"@{p['size']}" if p["size"] else "") for p in model.points)
    return (
        f"probes: {points}; activations(B, S) = {fit.a / MB:.2f} MB + {fit.c / MB:.3f} MB x B{side}; "
        f"baseline {model.baseline_bytes / MB:.1f} MB; {model.params} parameters ({model.optimizer})"
    )


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config, args.opt)
    batch = args.batch or cfg.batch_size
    size = cfg.det.input_size if cfg.task == "det" else None
    budget = args.budget if args.budget is not None else available_budget()
    model = build_memory_model(args.config, args.opt)
    print(_describe_fit(model))
    print(model.estimate(batch, size).table(budget))
    if not _on_gpu():
        print("AMP has no effect on CPU; the O2 estimate below is a GPU planning number:")
    print(model.estimate(batch, size, amp_level="O2").table(budget))
    amp = cfg.amp.level if cfg.amp.enable and _on_gpu() else None
    try:
        chosen = pick_batch_size(
            lambda b: model.estimate(b, size, amp_level=amp).total,
            budget,
            margin=args.margin,
            nominal_batch=cfg.optimizer.nominal_batch,
            devices=args.devices,
        )
    except ValueError as err:
        print(f"batch choice: {err}")
        return 1
    print("batch choice: " + " ".join(chosen[2]))
    return 0
