"""`export`: a deployable detector: tools/export.py -c CFG -o weights=PATH --out DIR."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.errors import ConfigError


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    from ppwarm.deploy.export import export_detector
    from ppwarm.engine.weights import load_weights
    from ppwarm.tasks.det import build_model, load_det_data

    parser = argparse.ArgumentParser(prog="ppwarm export", description=__doc__)
    add_config_args(parser)
    parser.add_argument("--out", required=True, help="output folder for model.* and infer_cfg.yml")
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.opt)
    if cfg["task"] != "det":
        raise ConfigError(f"task = {cfg['task']!r}: export supports det")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    names = load_det_data(cfg).class_names
    model = build_model(cfg, len(names))
    load_weights(model, cfg["weights"])
    prefix = export_detector(model, Path(args.out), cfg["det"]["eval_size"], names)
    print(f"exported to {prefix.parent} (input {cfg['det']['eval_size']}x{cfg['det']['eval_size']})")
    return 0
