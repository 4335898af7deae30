"""Train: python tools/train.py -c CONFIG [-o k=v ...] [-r PATH|auto] [--eval]."""

from ppwarm.cli.train import main

if __name__ == "__main__":
    raise SystemExit(main())
