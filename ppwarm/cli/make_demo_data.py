"""`make_demo_data`: write the synthetic COCO-format detection demo set (train and val splits).

tools/make_demo_data.py [-c CFG] [--root DIR] [--force]; without -c the default root data/demo_coco.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

from ppwarm.cli.common import reports_config_errors


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    from ppwarm.config import load_config
    from ppwarm.data.det.demo import ensure_demo_coco

    parser = argparse.ArgumentParser(prog="ppwarm make_demo_data", description=__doc__)
    parser.add_argument("-c", "--config", default=None, help="take det.data.root from this config")
    parser.add_argument("--root", default=None, help="where to write (overrides the config)")
    parser.add_argument("--force", action="store_true", help="replace an existing demo set")
    args = parser.parse_args(argv)
    root = Path(args.root or (load_config(args.config).det.data.root if args.config else "data/demo_coco"))
    if args.force and root.exists():
        shutil.rmtree(root)
    made = ensure_demo_coco(root)
    print(f"{'generated' if made else 'already present:'} demo detection set at {root}")
    return 0
