"""Run every benchmark, print one table, write the figures as JSON.

    python benchmarks/run_all.py [--out benchmarks/results.json]

Each benchmark is a script in this folder that prints one JSON object on its last line; they run one at a
time in their own processes (so peak-memory figures are their own).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("plan_speed.py", "scheduler_overhead.py", "train_throughput.py")


def run(script: str) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / script)], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = round(time.perf_counter() - start, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()
    results = {script.removesuffix(".py"): run(script) for script in BENCHMARKS}
    width = max(len(f"{name}.{key}") for name, figures in results.items() for key in figures)
    print(f"{'figure':<{width}}  value")
    for name, figures in results.items():
        for key, value in figures.items():
            print(f"{name + '.' + key:<{width}}  {value}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
