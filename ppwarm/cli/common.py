"""What every command-line tool shares: turning a config mistake into one clear line and exit 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence

from ppwarm.errors import ConfigError

Main = Callable[[Sequence[str] | None], int]


def reports_config_errors(main: Main) -> Main:
    """Wrap a tool's `main` so that a ConfigError prints `error: <message>` and returns 2."""

    @functools.wraps(main)
    def wrapped(argv: Sequence[str] | None = None) -> int:
        try:
            return main(argv)
        except ConfigError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2

    return wrapped
