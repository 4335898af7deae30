"""The `ppwarm` console command: `ppwarm <tool> [args]` runs the same code as `tools/<tool>.py`.

Each tool is `ppwarm.cli.<tool>.main`, imported only when it runs (the plan tool needs no Paddle).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

TOOLS = (
    "plan",
    "train",
    "eval",
    "infer",
    "export",
    "make_demo_data",
    "label_to_lmdb",
    "model_info",
    "estimate_memory",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch `ppwarm TOOL ...` to the tool's `main`; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in TOOLS:
        return importlib.import_module(f"ppwarm.cli.{args[0]}").main(args[1:])
    wants_help = bool(args) and args[0] in ("-h", "--help")
    stream = sys.stdout if wants_help else sys.stderr
    print(
        f"usage: ppwarm {{{','.join(TOOLS)}}} [args]   ('ppwarm TOOL -h' for a tool's options)", file=stream
    )
    if args and not wants_help:
        print(f"ppwarm: unknown tool {args[0]!r}; known tools: {', '.join(TOOLS)}", file=stream)
    return 0 if wants_help else 2
