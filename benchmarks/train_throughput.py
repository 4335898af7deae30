"""Detector training throughput on this machine: images/s of full steps and of the data loader alone.

    python benchmarks/train_throughput.py [--size 320] [--batch 4] [--workers 2] [--steps 20]

ppyolo_tiny on the synthetic demo set (generated under /tmp if missing). Prints one JSON object with
train images/s (forward, backward, optimizer step, with the loader), loader-only images/s, and the peak
resident memory of this process and of its loader workers.

These are the bare step's figures. What `tools/train.py` logs (`train/ips`) on the same model and data,
next to them, and the peak memory of the whole process tree: `trainer_overhead.py`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import paddle
from _common import peak_rss_mb, print_result, timed_batches, training_rate

from ppwarm.data.det.coco import load_coco
from ppwarm.data.det.dataset import DetTrainSet
from ppwarm.data.det.demo import ensure_demo_coco
from ppwarm.models.det.build import build_preset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=320)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--root", default="/tmp/ppwarm_bench_coco")
    args = parser.parse_args()
    root = Path(args.root)
    ensure_demo_coco(root)
    records, names, _, _ = load_coco(
        root / "annotations/instances_train.json", root / "images/train", skip_empty=True
    )
    dataset = DetTrainSet(records, args.size, seed=0, mosaic=1.0)
    loader = paddle.io.DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers)
    loader_ips = timed_batches(loader, args.steps * 3)
    model = build_preset("ppyolo_tiny", num_classes=len(names), input_size=args.size)
    train_ips = training_rate(model, loader, args.steps)
    rss, workers = peak_rss_mb()
    print_result(
        {
            "model": "ppyolo_tiny",
            "size": args.size,
            "batch": args.batch,
            "workers": args.workers,
            "steps": args.steps,
            "train_images_per_s": round(train_ips, 2),
            "loader_images_per_s": round(loader_ips, 1),
            "peak_rss_mb": round(rss),
            "peak_worker_rss_mb": round(workers),
        }
    )


if __name__ == "__main__":
    main()
