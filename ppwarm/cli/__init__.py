"""The `ppwarm` console command: `ppwarm <tool> [args]` runs the same code as `tools/<tool>.py`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from ppwarm.cli import plan

TOOLS: dict[str, Callable[[Sequence[str] | None], int]] = {
    "plan": plan.main,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch `ppwarm TOOL ...` to the tool's `main`; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in TOOLS:
        known = ", ".join(TOOLS)
        stream = sys.stdout if args and args[0] in ("-h", "--help") else sys.stderr
        print(f"usage: ppwarm {{{known}}} [args]   ('ppwarm TOOL -h' for a tool's options)", file=stream)
        if args and args[0] not in ("-h", "--help"):
            print(f"ppwarm: unknown tool {args[0]!r}; known tools: {known}", file=stream)
        return 0 if stream is sys.stdout else 2
    return TOOLS[args[0]](args[1:])
