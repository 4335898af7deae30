"""python tools/model_info.py -h for the options."""

from ppwarm.cli.model_info import main

if __name__ == "__main__":
    raise SystemExit(main())
