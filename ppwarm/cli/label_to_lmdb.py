"""`label_to_lmdb`: convert PaddleOCR label files into LMDB environments (one per label file).

tools/label_to_lmdb.py --root DIR --labels train.txt [val.txt ...] --out DIR; each `<name>.txt` becomes
`<out>/<name>/data.mdb`, readable with `rec.data.format: lmdb`. Image paths in the label files are
relative to --root. Existing environments are never overwritten.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ppwarm.cli.common import reports_config_errors
from ppwarm.errors import ConfigError


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    from ppwarm.data.rec.lmdb_io import label_file_to_lmdb

    parser = argparse.ArgumentParser(prog="ppwarm label_to_lmdb", description=__doc__)
    parser.add_argument("--root", required=True, help="dataset folder the image paths are relative to")
    parser.add_argument("--labels", nargs="+", required=True, help="label files, relative to --root")
    parser.add_argument("--out", required=True, help="folder to write the environments into")
    args = parser.parse_args(argv)
    root, out = Path(args.root), Path(args.out)
    jobs = [(root / name, out / Path(name).stem) for name in args.labels]
    for label_file, folder in jobs:
        if not label_file.is_file():
            raise ConfigError(f"--labels: {label_file} does not exist")
        if folder.exists() and any(folder.iterdir()):
            raise ConfigError(f"--out: {folder} exists and is not empty; choose another --out")
    for label_file, folder in jobs:
        report = label_file_to_lmdb(label_file, root, folder)
        print(f"{label_file} -> {folder}: {report.kept} records")
        if report.summary():
            print(report.summary())
    return 0
