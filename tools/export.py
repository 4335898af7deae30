"""python tools/export.py -h for the options."""

from ppwarm.cli.export import main

if __name__ == "__main__":
    raise SystemExit(main())
