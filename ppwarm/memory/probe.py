"""One memory measurement, in a process of its own: `python -m ppwarm.memory.probe CONFIG --batch B`.

The probe builds the task and optimizer of CONFIG, runs one warm-up update at batch 1 (side WARMUP_SIDE for
detection, so the baseline is the same at every side; the update creates the optimizer state), records the
peak RSS so far as the baseline, then runs two full training updates at batch B (input side S for
detection) and prints ONE JSON line:

    {"batch", "size", "peak_rss_bytes", "baseline_rss_bytes", "params", "param_tensors",
     "sample_bytes", "task", "gpu_peak_bytes", "gpu_baseline_bytes"}

Peak RSS is `ru_maxrss`, a process-lifetime maximum, which is why every point needs a fresh process.
`baseline_rss_bytes` is that maximum right after the warm-up, so `peak - baseline` is what batch B adds.
On a GPU the two `gpu_*` keys are the same pair read from Paddle's max-memory-allocated counter (also a
lifetime maximum); elsewhere they are null.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import paddle

from ppwarm.config import load_config


def peak_rss_bytes() -> int:
    """The largest resident set size this process image has had so far.

    On Linux it is `VmHWM` of /proc/self/status: `ru_maxrss` would also count the parent's resident set at
    the fork before this process's exec (Linux carries that maximum across exec), so a probe started from a
    large process (a test run, a notebook) would report the parent's size. Elsewhere `ru_maxrss`.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KiB
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * scale


def probe_overrides(batch: int, size: int | None) -> list[str]:
    """Overrides that make the config train at `batch` (and input side `size`, fixed, for detection)."""
    extra = [f"batch_size={batch}"]
    if size is not None:
        extra += [f"det.input_size={size}", "det.augment.size_schedule=[]"]
    return extra


WARMUP_SIDE = 64  # detection warm-up side: small, so the baseline does not depend on the measured side


def make_batch(dataset: paddle.io.Dataset, batch: int) -> dict[str, paddle.Tensor]:
    """The first `batch` samples of `dataset` (wrapping around a smaller set), stacked into tensors."""
    samples = [dataset[i % len(dataset)] for i in range(batch)]
    return {key: paddle.to_tensor(np.stack([s[key] for s in samples])) for key in samples[0]}


def sample_bytes(dataset: paddle.io.Dataset) -> int:
    """Bytes of one training sample's arrays."""
    return int(sum(np.asarray(value).nbytes for value in dataset[0].values()))


def _warmup_batch(dataset: paddle.io.Dataset, size: int | None) -> dict[str, paddle.Tensor]:
    """One sample, at WARMUP_SIDE for detection, so the baseline is the same for every measured point."""
    if size is None:
        return make_batch(dataset, 1)
    dataset.input_size = WARMUP_SIDE
    batch = make_batch(dataset, 1)
    dataset.input_size = size
    return batch


def _update(model: paddle.nn.Layer, grouped: Any, batch: dict[str, paddle.Tensor]) -> None:
    model(batch)["total"].backward()
    grouped.step()
    grouped.optimizer.clear_grad()


def _gpu_peak() -> int | None:
    if not paddle.device.is_compiled_with_cuda() or not paddle.device.get_device().startswith("gpu"):
        return None
    return int(paddle.device.cuda.max_memory_allocated())


def run_probe(config: str, overrides: Sequence[str], batch: int, size: int | None, updates: int = 2) -> dict:
    """Build, warm up at batch 1, run `updates` updates at `batch`; return the measurement dict."""
    from ppwarm.lr.plan import resolve_plan
    from ppwarm.optim.build import build_optimizer
    from ppwarm.tasks.build import build_task

    cfg = load_config(config, [*overrides, *probe_overrides(batch, size)])
    paddle.seed(cfg.seed)
    task = build_task(cfg)
    if hasattr(task.train_set, "set_epoch"):
        task.train_set.set_epoch(0)
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=max(len(task.train_set) // batch, 1))
    grouped = build_optimizer(task.model, cfg, plan)
    task.model.train()
    _update(task.model, grouped, _warmup_batch(task.train_set, size))
    baseline, gpu_baseline = peak_rss_bytes(), _gpu_peak()
    data = make_batch(task.train_set, batch)
    for _ in range(updates):
        _update(task.model, grouped, data)
    params = [p for p in task.model.parameters() if not p.stop_gradient]
    return {
        "batch": batch,
        "size": size,
        "peak_rss_bytes": peak_rss_bytes(),
        "baseline_rss_bytes": baseline,
        "params": int(sum(int(np.prod(p.shape)) for p in params)),
        "param_tensors": len(params),
        "sample_bytes": sample_bytes(task.train_set),
        "task": cfg.task,
        "gpu_peak_bytes": _gpu_peak(),
        "gpu_baseline_bytes": gpu_baseline,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppwarm.memory.probe", description=__doc__)
    parser.add_argument("config", help="YAML config file")
    parser.add_argument("--batch", type=int, required=True, help="per-device batch to measure")
    parser.add_argument("--size", type=int, default=None, help="input side (detection only)")
    parser.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    result = run_probe(args.config, args.opt, args.batch, args.size)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
