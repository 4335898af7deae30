"""Label files to LMDB: python tools/label_to_lmdb.py --root DIR --labels F [F ...] --out DIR."""

from ppwarm.cli.label_to_lmdb import main

if __name__ == "__main__":
    raise SystemExit(main())
