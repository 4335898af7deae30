"""Recognizer training throughput on this machine: samples/s of full steps and of the data loader alone.

    python benchmarks/rec_throughput.py [--batch 32] [--workers 2] [--steps 20]

crnn_mv3_small at 3x32x100 on the synthetic digits text lines (generated under /tmp if missing), loaded
as the rec task loads them (dictionary, label files, RecDataset with augmentation). Prints one JSON object
with train samples/s (forward, CTC loss, backward, AdamW step, with the loader), loader-only samples/s,
and the peak resident memory of this process and of its loader workers.

These are the bare step's figures. What `tools/train.py` logs (`train/ips`) on the same model and data,
next to them, and the peak memory of the whole process tree: `trainer_overhead.py`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import paddle
from _common import peak_rss_mb, print_result, timed_batches, training_rate

from ppwarm.data.rec.dataset import RecDataset
from ppwarm.data.rec.demo import DEMO_SETS, ensure_demo_rec
from ppwarm.data.rec.dictionary import load_dict
from ppwarm.data.rec.labels import load_label_files
from ppwarm.models.rec.build import build_rec_preset

MODEL = "crnn_mv3_small"
SHAPE = (3, 32, 100)
MAX_TEXT_LENGTH = 25  # configs/ocr_rec.yml


def load_train_set(root: Path) -> RecDataset:
    """The digits demo set's training split, augmented as in training (generated at `root` if missing)."""
    ensure_demo_rec(root, shape=SHAPE, **DEMO_SETS["digits"])
    chars = load_dict(root / "dict.txt")
    samples, report = load_label_files([(root / "train.txt", 1.0)], root, chars, MAX_TEXT_LENGTH, seed=0)
    if report.summary():
        raise RuntimeError(f"the demo label file has problems:\n{report.summary()}")
    return RecDataset(samples, chars, SHAPE, MAX_TEXT_LENGTH, augment=True, seed=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--root", default="/tmp/ppwarm_bench_rec_digits")
    args = parser.parse_args()
    dataset = load_train_set(Path(args.root))
    loader = paddle.io.DataLoader(
        dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers, drop_last=True
    )
    loader_sps = timed_batches(loader, args.steps * 3)
    model = build_rec_preset(MODEL, num_classes=dataset.char_dict.num_classes)
    train_sps = training_rate(model, loader, args.steps)
    rss, workers = peak_rss_mb()
    print_result(
        {
            "model": MODEL,
            "shape": list(SHAPE),
            "batch": args.batch,
            "workers": args.workers,
            "steps": args.steps,
            "train_samples_per_s": round(train_sps, 1),
            "loader_samples_per_s": round(loader_sps, 1),
            "peak_rss_mb": round(rss),
            "peak_worker_rss_mb": round(workers),
        }
    )


if __name__ == "__main__":
    main()
