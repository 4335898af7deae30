"""The trainer's own cost: `tools/train.py`'s trainer against the bare training step, on the same setup.

    python benchmarks/trainer_overhead.py [--tasks rec det] [--log-intervals 1 10] [--repeats 3]

Both variants train the model and data set the task builds from its config (rec: configs/ocr_rec.yml,
crnn_mv3_small at 3x32x100, batch 32; det: configs/ppyolo.yml, ppyolo_tiny at 320x320, batch 4, Mosaic
on every image), with AdamW and 2 loader workers, dropping the last partial batch:

- bare: `_common.training_rate` (forward, backward, AdamW step, clear_grad; a shuffled DataLoader);
- trainer: `ppwarm.runner.run_training`, the code behind `tools/train.py`, with its default hooks (metrics
  with update ratios, console, metrics.jsonl and VisualDL; NaN guard with its snapshots) and what its
  step does beyond the bare one (global gradient norm, group LRs and momentum, scheduler). Its figure is
  what the run logs as `train/ips`, over the same steps the bare step times: the samples/s of the windows
  after the warm-up steps (the harmonic mean of their train/ips).

Off in both: EMA (the det config enables it), gradient clipping (the det config clips at 10), checkpoints
before the end (`checkpoint.save_interval=0`; the final save follows the last logged step), evaluation.
Each run is its own process; the runs alternate (bare, then the trainer at each log interval, the order
rotated every round) for `--repeats` rounds, so every variant sees the same machine load. Prints the
medians and ranges, the overhead (1 - trainer / bare, from the medians and per round), and the peak memory
of each run's whole process tree (main process + loader workers, see `_common.TreeMemory`). Next to the
samples/s, samples per CPU second of the process tree over the same updates (`_overhead_pct_cpu`): other
processes on a shared machine move it less than the wall clock, though they still move it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import TreeMemory, print_result, training_rate, tree_cpu_seconds

from ppwarm.engine.hooks.base import Hook

REPO = Path(__file__).resolve().parents[1]
WORKERS = 2
# config, overrides shared by both variants, data root, loader batches per epoch (after drop_last)
TASKS: dict[str, dict[str, Any]] = {
    "rec": {
        "config": "configs/ocr_rec.yml",
        "root": "/tmp/ppwarm_bench_rec_digits",
        "overrides": ["rec.data.root={root}"],
        "batches_per_epoch": 600 // 32,
        "steps": 60,
    },
    "det": {
        "config": "configs/ppyolo.yml",
        "root": "/tmp/ppwarm_bench_coco",
        "overrides": [
            "det.data.root={root}",
            "batch_size=4",
            "det.augment.mosaic=1.0",
            "det.augment.close_mosaic_epochs=0",
            "optimizer.clip_grad_norm=0",
            "lr.warmup.epochs=0.1",  # the short run has 40 updates; the LR does not change the speed
        ],
        "batches_per_epoch": 400 // 4,
        "steps": 30,
    },
}
COMMON = [
    f"data.num_workers={WORKERS}",
    "data.drop_last=true",
    "ema.enable=false",
    "checkpoint.save_interval=0",
]


def task_config(task: str, log_interval: int, steps: int, output_dir: str) -> dict[str, Any]:
    """The validated config of `task` for a run of exactly `steps` optimizer updates."""
    from ppwarm.config import load_config

    spec = TASKS[task]
    epochs = steps / spec["batches_per_epoch"]
    overrides = [o.format(root=spec["root"]) for o in spec["overrides"]] + COMMON
    overrides += [f"epochs={epochs!r}", f"log_interval={log_interval}", f"output_dir={output_dir}"]
    return load_config(REPO / spec["config"], overrides)


class WallAndCpu:
    """A wall clock for `training_rate` that also reads the CPU time of the process tree at every call:
    the last two readings bound the timed window."""

    def __init__(self) -> None:
        self.cpu: list[float] = []

    def __call__(self) -> float:
        self.cpu.append(tree_cpu_seconds())
        return time.perf_counter()


class CpuWindow(Hook):
    """CPU seconds of the process tree and samples over the updates after the first `warmup`, read at
    the same point of the hooks' order (first) in the last warm-up update and in the last update."""

    def __init__(self, warmup: int) -> None:
        self.warmup, self.samples, self.cpu = warmup, 0, 0.0

    def after_step(self, trainer: Any, result: Any) -> None:
        if result.step == self.warmup - 1:
            self.cpu = -tree_cpu_seconds()
        elif result.step >= self.warmup:
            self.samples += result.samples
            if trainer.state.step == trainer.plan.total_steps:
                self.cpu += tree_cpu_seconds()


def build_seeded_task(cfg: dict[str, Any]) -> Any:
    from ppwarm.engine.rng import seed_everything
    from ppwarm.tasks.build import build_task

    seed_everything(cfg["seed"], cfg["deterministic"])
    return build_task(cfg)


def bare_rates(cfg: dict[str, Any], steps: int, warmup: int) -> tuple[float, float]:
    """(samples per second, samples per CPU second of the process tree) of the bare step."""
    import paddle

    task = build_seeded_task(cfg)
    loader = paddle.io.DataLoader(
        task.train_set, batch_size=cfg["batch_size"], shuffle=True, num_workers=WORKERS, drop_last=True
    )
    clock = WallAndCpu()
    rate = training_rate(task.model, loader, steps - warmup, warmup, clock)
    samples = (steps - warmup) * cfg["batch_size"]
    return rate, samples / (clock.cpu[-1] - clock.cpu[-2])


def trainer_rates(cfg: dict[str, Any], warmup: int) -> tuple[float, float]:
    """(samples/s that `train/ips` reports over the steps after `warmup`, samples per CPU second of the
    process tree over them). Each logged ips covers the log_interval steps up to its step, all of the
    same batch, so the pooled rate is their harmonic mean."""
    from ppwarm.engine.events import read_jsonl
    from ppwarm.runner import run_training

    task, window = build_seeded_task(cfg), CpuWindow(warmup)
    task.hooks.append(window)
    run_training(cfg, task=task)
    ips = read_jsonl(Path(cfg["output_dir"]) / "metrics.jsonl")["train/ips"]
    timed = [v for step, v in ips.items() if step + 1 - cfg["log_interval"] >= warmup]
    return statistics.harmonic_mean(timed), window.samples / window.cpu


def child(args: argparse.Namespace) -> None:
    """One run in this process: print its samples/s and samples per CPU second."""
    with tempfile.TemporaryDirectory(prefix="ppwarm_overhead_") as out:
        cfg = task_config(args.task, args.log_interval, args.total_steps, out)
        if args.child == "bare":
            rate, per_cpu = bare_rates(cfg, args.total_steps, args.warmup)
        else:
            rate, per_cpu = trainer_rates(cfg, args.warmup)
    print_result({"samples_per_s": rate, "samples_per_cpu_s": per_cpu})


def run_one(task: str, variant: str, log_interval: int, steps: int, warmup: int) -> dict[str, float]:
    """A child process running one variant; its rate and the peak memory of its process tree."""
    # the child imports ppwarm from this checkout, not from wherever the package is installed
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, __file__, "--child", variant, "--task", task]
    command += ["--log-interval", str(log_interval), "--total-steps", str(steps), "--warmup", str(warmup)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate(timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{task} {variant} failed:\n{err[-3000:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    return {**figures, "tree_rss_mb": memory.rss_mb, "tree_pss_mb": memory.pss_mb}


def spread(values: list[float], digits: int = 1) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def measure(task: str, log_intervals: list[int], repeats: int, steps: int, warmup: int) -> dict[str, Any]:
    """Interleaved rounds of bare and trainer runs; the figures of `task`."""
    spec = TASKS[task]
    if task == "rec":
        from ppwarm.data.rec.demo import DEMO_SETS, ensure_demo_rec

        ensure_demo_rec(Path(spec["root"]), shape=(3, 32, 100), **DEMO_SETS["digits"])
    else:
        from ppwarm.data.det.demo import ensure_demo_coco

        ensure_demo_coco(Path(spec["root"]))
    variants = [("bare", 10)] + [("trainer", li) for li in log_intervals]  # bare: no log interval
    runs: dict[str, list[dict[str, float]]] = {}
    for round_ in range(repeats):
        k = round_ % len(variants)
        for variant, li in variants[k:] + variants[:k]:
            name = "bare" if variant == "bare" else f"trainer_log{li}"
            runs.setdefault(name, []).append(run_one(task, variant, li, steps, warmup))
            print(f"{task} round {round_ + 1} {name}: {runs[name][-1]}", file=sys.stderr, flush=True)
    result: dict[str, Any] = {"timed_steps": steps - warmup, "warmup_steps": warmup, "repeats": repeats}
    for name, rows in runs.items():
        for unit in ("samples_per_s", "samples_per_cpu_s"):
            rates, bare = [r[unit] for r in rows], [r[unit] for r in runs["bare"]]
            result[f"{name}_{unit}"] = spread(rates)
            if name != "bare":
                key = f"{name}_overhead_pct" + ("" if unit == "samples_per_s" else "_cpu")
                overhead = 100 * (1 - statistics.median(rates) / statistics.median(bare))
                result[key] = round(overhead, 1)
                result[f"{key}_per_round"] = spread(
                    [100 * (1 - t / b) for t, b in zip(rates, bare, strict=True)]
                )
        result[f"{name}_peak_tree_rss_mb"] = round(statistics.median(r["tree_rss_mb"] for r in rows))
        result[f"{name}_peak_tree_pss_mb"] = round(statistics.median(r["tree_pss_mb"] for r in rows))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", nargs="+", default=["rec", "det"], choices=sorted(TASKS))
    parser.add_argument("--log-intervals", nargs="+", type=int, default=[1, 10])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=None, help="timed updates per run (default: per task)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed updates at the start of each run")
    parser.add_argument("--child", choices=("bare", "trainer"), help=argparse.SUPPRESS)
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--log-interval", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--total-steps", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = {}
    for task in args.tasks:
        steps = args.warmup + (args.steps or TASKS[task]["steps"])
        if any(args.warmup % li or steps % li for li in args.log_intervals):
            parser.error("--warmup and --steps must be multiples of every log interval")
        results[task] = measure(task, args.log_intervals, args.repeats, steps, args.warmup)
    print_result(results)


if __name__ == "__main__":
    main()
