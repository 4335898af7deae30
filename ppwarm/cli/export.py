"""`export`: a deployable model: tools/export.py -c CFG -o weights=PATH --out DIR.

Writes DIR/model.* (a Paddle Inference model) and DIR/infer_cfg.yml (what a deployment needs to feed it and
read its outputs). task det: a detector at det.eval_size; task rec: a recognizer (see `cli/rec.py`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import Config, add_config_args, load_config
from ppwarm.errors import ConfigError


def export_det(cfg: Config, out_dir: Path) -> int:
    """Export the detector with cfg.weights at input side det.eval_size; returns 0."""
    from ppwarm.data.det.load import load_det_data
    from ppwarm.deploy.export_det import export_detector
    from ppwarm.tasks.det import build_model
    from ppwarm.weights.load import load_weights

    names = load_det_data(cfg.det.data).class_names
    model = build_model(cfg, len(names))
    load_weights(model, cfg.weights)
    prefix = export_detector(model, out_dir, cfg.det.eval_size, names)
    print(f"exported to {prefix.parent} (input {cfg.det.eval_size}x{cfg.det.eval_size})")
    return 0


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ppwarm export", description=__doc__)
    add_config_args(parser)
    parser.add_argument("--out", required=True, help="output folder for model.* and infer_cfg.yml")
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.opt)
    if cfg.task not in ("det", "rec"):
        raise ConfigError(f"task = {cfg.task!r}: export supports det and rec")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if cfg.task == "rec":
        from ppwarm.cli.rec import export_rec

        return export_rec(cfg, Path(args.out))
    return export_det(cfg, Path(args.out))
