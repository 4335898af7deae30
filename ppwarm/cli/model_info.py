"""`model_info`: parameters and FLOPs of the configured detector: tools/model_info.py -c CFG."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.errors import ConfigError


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    from ppwarm.data.det.load import load_det_data
    from ppwarm.models.det.build import model_info
    from ppwarm.tasks.det import build_model

    parser = argparse.ArgumentParser(prog="ppwarm model_info", description=__doc__)
    add_config_args(parser)
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.opt)
    if cfg.task != "det":
        raise ConfigError(f"task = {cfg.task!r}: model_info supports det")
    model = build_model(cfg, len(load_det_data(cfg.det.data).class_names))
    size = cfg.det.input_size
    info = model_info(model, size)
    print(
        f"{cfg.det.model} at {size}x{size}: {info['params'] / 1e6:.2f} M parameters, "
        f"{info['flops'] / 1e9:.2f} GFLOPs"
    )
    return 0
