"""python tools/infer.py -h for the options."""

from ppwarm.cli.infer import main

if __name__ == "__main__":
    raise SystemExit(main())
