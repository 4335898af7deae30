"""How long the plan of a long run takes, and what one scheduler step costs.

    python benchmarks/plan_speed.py [--steps 1000000]

Prints one JSON object. Targets: a 1,000,000-step plan well under a second; a scheduler step (step + read)
in the tens of microseconds, negligible beside a training step.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ppwarm.lr.plan import resolve_plan

CONFIG = {
    "epochs": 100,
    "batch_size": 8,
    "accumulate": 1,
    "reference_batch": 64,
    "output_dir": "output",
    "optimizer": {"type": "momentum", "beta2": 0.999},
    "lr": {
        "base": 0.01,
        "scaling": "auto",
        "plateau_epochs": 5,
        "warmup": {"type": "exponential", "epochs": None, "steps": None, "start_lr": 0.0, "power": 2.0},
        "decay": {
            "type": "cosine",
            "min_lr_ratio": 0.01,
            "power": 0.9,
            "milestones": [],
            "gamma": 0.1,
            "cycles": 1,
        },
    },
}


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
    per_epoch = args.steps // CONFIG["epochs"]

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
