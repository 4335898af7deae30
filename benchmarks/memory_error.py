"""The memory estimator's own error on this machine: predicted against measured peak RSS (CPU only).

    python benchmarks/memory_error.py [--models ppyolo_tiny ppyolo_s crnn_mv3_small]

For each model, `build_memory_model` runs the config's default probes (detectors: batches 2 and 8 at
input 320 and batch 2 at 256; the recognizer: batches 32 and 128, from `batch_size` 32) and fits them;
then one more probe process per checked batch measures the real peak. `MemoryEstimate.total` is the
median probe baseline plus the fitted a + c x B x (S/s0)^2, i.e. a predicted peak RSS, so it is compared
with the probe's `peak_rss_bytes` (not with peak minus baseline). The recognizer's checked batches 8 and
256 lie outside its probes, 64 between them. Demo data goes under /tmp (shared with the throughput
benchmarks), never under the working directory. Prints a markdown table (MB = 1e6 bytes, as the
estimator's own tables), then one JSON object on the last line. Takes 75-90 s on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from _common import print_result

from ppwarm.config import load_config
from ppwarm.memory.estimate import MB, MemoryModel, build_memory_model, measure

REPO = Path(__file__).resolve().parents[1]
DET_DATA = [
    "det.data.root=/tmp/ppwarm_bench_coco",
    "det.data.demo=true",
    "det.data.train_ann=annotations/instances_train.json",
    "det.data.train_images=images/train",
    "det.data.val_ann=annotations/instances_val.json",
    "det.data.val_images=images/val",
]
REC_DATA = ["rec.data.root=/tmp/ppwarm_bench_rec_digits", "rec.data.demo=digits"]
ROW_FIGURES = ("predicted_mb", "measured_mb", "error_pct")  # per row, keyed "model@batch" in the JSON


@dataclass(frozen=True)
class Case:
    """One model to check: its config, the overrides that point it at demo data, the batches to check."""

    name: str
    config: str
    overrides: tuple[str, ...]
    batches: tuple[int, ...]
    det: bool


def cases(size: int) -> list[Case]:
    det = (*DET_DATA, f"det.input_size={size}")
    return [
        Case("ppyolo_tiny", "configs/ppyolo_tiny.yml", det, (1, 8, 16), det=True),
        Case("ppyolo_s", "configs/ppyolo_s.yml", det, (1, 8, 16), det=True),
        Case("crnn_mv3_small", "configs/ocr_rec.yml", tuple(REC_DATA), (8, 64, 256), det=False),
    ]


def probes_text(model: MemoryModel) -> str:
    return ", ".join(f"B{p['batch']}" + (f"@{p['size']}" if p["size"] else "") for p in model.points)


def check(case: Case, size: int) -> tuple[MemoryModel, list[dict]]:
    """Fit from the default probes, then measure each checked batch in a probe process of its own."""
    config = str(REPO / case.config)
    side = size if case.det else None
    model = build_memory_model(config, case.overrides)
    if any(p.get("gpu_peak_bytes") is not None for p in model.points):
        raise SystemExit("the probes ran on a GPU; this benchmark compares CPU peak RSS only")
    rows = []
    for batch in case.batches:
        predicted = model.estimate(batch, side).total
        measured = measure(config, case.overrides, [(batch, side)])[0]["peak_rss_bytes"]
        rows.append(
            {
                "model": case.name,
                "batch": batch,
                "predicted_mb": round(predicted / MB, 1),
                "measured_mb": round(measured / MB, 1),
                "error_pct": round(100 * (predicted - measured) / measured, 1) + 0.0,  # no -0.0
            }
        )
    return model, rows


def markdown(rows: list[dict]) -> str:
    lines = ["| model | batch | predicted MB | measured MB | error |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['batch']} | {r['predicted_mb']:.1f} | {r['measured_mb']:.1f} "
            f"| {r['error_pct']:+.1f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size", type=int, default=320, help="detector input side")
    parser.add_argument("--models", nargs="+", default=None, help="a subset of the model names")
    args = parser.parse_args()
    chosen = [c for c in cases(args.size) if args.models is None or c.name in args.models]
    start = time.perf_counter()
    rows, fits = [], {}
    for case in chosen:
        model, case_rows = check(case, args.size)
        rows += case_rows
        fits[case.name] = (
            f"{probes_text(model)}: baseline {model.baseline_bytes / MB:.1f} MB, "
            f"a {model.fit.a / MB:.2f} MB, c {model.fit.c / MB:.3f} MB per sample"
        )
        print(f"{case.name}: {fits[case.name]}", flush=True)
    rec_shape = load_config(REPO / "configs" / "ocr_rec.yml", list(REC_DATA)).rec.shape
    print(f"\npeak RSS, detectors at input {args.size}, recognizer at {'x'.join(map(str, rec_shape))}:\n")
    print(markdown(rows) + "\n")
    print_result(
        {
            "size": args.size,
            "rec_shape": list(rec_shape),
            "fits": fits,
            **{key: {f"{r['model']}@{r['batch']}": r[key] for r in rows} for key in ROW_FIGURES},
            "max_abs_error_pct": max(abs(r["error_pct"]) for r in rows),
            "seconds": round(time.perf_counter() - start, 1),
        }
    )


if __name__ == "__main__":
    main()
