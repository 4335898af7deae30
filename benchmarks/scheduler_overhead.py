"""What the schedule costs per optimizer update, against Paddle's built-in warmup and a training step.

    python benchmarks/scheduler_overhead.py

Times (microseconds per update): ppwarm's scheduler step + LR read; the trainer path's whole per-update
schedule work for ppyolo_tiny's parameters (`GroupedOptimizer.before_update`, writing the step's
multipliers and momentum, then the scheduler step, which evaluates the next step's group LRs and momentum
once), over the first 2000 updates, warmup included; Paddle's LinearWarmup(CosineAnnealingDecay) step +
read; and one ppyolo_tiny training step (320x320, batch 4) as the yardstick. Prints one JSON object; the
target is < 0.5% of the step.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import paddle
from paddle.optimizer.lr import CosineAnnealingDecay, LinearWarmup

from ppwarm.config import load_config
from ppwarm.lr.build import build_scheduler
from ppwarm.lr.plan import resolve_plan
from ppwarm.models.det.build import build_preset
from ppwarm.models.det.toy_data import toy_detection_batch
from ppwarm.optim.build import build_optimizer

REPO = Path(__file__).resolve().parents[1]


def per_call_us(fn, repeats: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats * 1e6


def main() -> None:
    cfg = load_config(REPO / "configs" / "yolov5_schedule.yml", ["epochs=300"])
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=500)
    ours = build_scheduler(plan)
    theirs = LinearWarmup(CosineAnnealingDecay(0.01, T_max=plan.decay_steps), plan.warmup_steps, 0.0, 0.01)
    model = build_preset("ppyolo_tiny", num_classes=4, input_size=320)
    grouped = build_optimizer(model, cfg, plan)
    batch = {k: paddle.to_tensor(v) for k, v in toy_detection_batch(4, 320, 4, 8, seed=0).items()}

    def train_step() -> None:
        model(batch)["total"].backward()
        grouped.step()
        grouped.optimizer.clear_grad()

    def group_update() -> None:
        grouped.before_update()
        grouped.scheduler.step()

    step_us = per_call_us(train_step, 5)
    grouped.seek(0)
    result = {
        "ppwarm_scheduler_us": round(per_call_us(lambda: (ours.step(), ours()), 20000), 2),
        "paddle_linear_warmup_us": round(per_call_us(lambda: (theirs.step(), theirs()), 20000), 2),
        "ppwarm_group_update_us": round(per_call_us(group_update, 2000), 1),
        "groups": len(grouped.members),
        "parameters": len(grouped.params),
        "ppyolo_tiny_step_us": round(step_us),
    }
    result["overhead_share_of_step"] = round(
        (result["ppwarm_scheduler_us"] + result["ppwarm_group_update_us"]) / step_us, 6
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
