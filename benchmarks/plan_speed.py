"""How long the plan of a long run takes, and what one scheduler step costs.

    python benchmarks/plan_speed.py [--steps 1000000]

Prints one JSON object. Targets: a 1,000,000-step plan well under a second; a scheduler step (step + read)
in the tens of microseconds, negligible beside a training step.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ppwarm.config import load_config
from ppwarm.lr.plan import resolve_plan

REPO = Path(__file__).resolve().parents[1]
CONFIG = load_config(
    REPO / "configs" / "schedule_demo.yml",
    ["epochs=100", "lr.warmup.type=exponential", "lr.plateau_epochs=5"],
)


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1_000_000)
    args = parser.parse_args()
    per_epoch = args.steps // CONFIG.epochs

    def plan_values() -> np.ndarray:
        plan = resolve_plan(CONFIG, devices=1, batches_per_epoch=per_epoch)
        return plan.lr(np.arange(plan.total_steps))

    plan_seconds = best_of(5, plan_values)

    from ppwarm.lr.build import build_scheduler

    sched = build_scheduler(resolve_plan(CONFIG, devices=1, batches_per_epoch=per_epoch))
    n = 20000

    def step_many() -> None:
        for _ in range(n):
            sched.step()
            sched()

    step_seconds = best_of(3, step_many) / n
    print(
        json.dumps(
            {
                "plan_steps": len(plan_values()),
                "plan_seconds": round(plan_seconds, 4),
                "scheduler_step_us": round(step_seconds * 1e6, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
