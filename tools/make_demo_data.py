"""Write the detection demo set: python tools/make_demo_data.py [-c CONFIG] [--root DIR] [--force]."""

from ppwarm.cli.make_demo_data import main

if __name__ == "__main__":
    raise SystemExit(main())
