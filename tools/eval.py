"""Evaluate: python tools/eval.py -c CONFIG -o weights=PATH."""

from ppwarm.cli.eval import main

if __name__ == "__main__":
    raise SystemExit(main())
