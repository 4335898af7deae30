"""Print the resolved LR plan of a config: python tools/plan.py -c CONFIG [-o k=v ...] [--csv F] [--png F]."""

from ppwarm.cli.plan import main

if __name__ == "__main__":
    raise SystemExit(main())
