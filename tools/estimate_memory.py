"""Estimate training memory: python tools/estimate_memory.py -c CONFIG [-o k=v ...] [--budget 16GB]."""

from ppwarm.cli.estimate_memory import main

if __name__ == "__main__":
    raise SystemExit(main())
