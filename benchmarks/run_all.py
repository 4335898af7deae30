"""Run every benchmark, print one table, write the figures as JSON.

    python benchmarks/run_all.py [--out benchmarks/results.json]

Each benchmark is a script in this folder that prints one JSON object on its last line; they run one at a
time in their own processes (so peak-memory figures are their own). Nested figures print as dotted names.
memory_error.py (75-90 s here: 15 short probe processes) and trainer_overhead.py (about 10 min: 18
training runs) are in the default list. The scripts import ppwarm from this checkout (PYTHONPATH), not from
wherever the package is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "plan_speed.py",
    "scheduler_overhead.py",
    "train_throughput.py",
    "rec_throughput.py",
    "trainer_overhead.py",
    "memory_error.py",
)


def run(script: str) -> dict:
    start = time.perf_counter()
    path = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(HERE / script)],
        capture_output=True,
        text=True,
        timeout=3600,
        env={**os.environ, "PYTHONPATH": path},
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = round(time.perf_counter() - start, 1)
    return figures


def flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """(dotted name, value) pairs of a figure, descending into dicts."""
    if not isinstance(value, dict):
        return [(prefix, value)]
    return [pair for key, inner in value.items() for pair in flatten(f"{prefix}.{key}", inner)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()
    results = {script.removesuffix(".py"): run(script) for script in BENCHMARKS}
    rows = [pair for name, figures in results.items() for pair in flatten(name, figures)]
    width = max(len(key) for key, _ in rows)
    print(f"{'figure':<{width}}  value")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
