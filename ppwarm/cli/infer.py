"""`infer`: tools/infer.py -c CFG -o weights=PATH --image IMG|DIR.

task det: detect objects, print them and draw them into --out. task rec: print path<TAB>text<TAB>confidence
per image (see `cli/rec.py`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import Config, add_config_args, load_config
from ppwarm.errors import ConfigError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
DEFAULT_OUT, DEFAULT_THRESHOLD = "output/infer", 0.3


def image_paths(target: str) -> list[Path]:
    path = Path(target)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not found:
            raise ConfigError(f"--image {target}: no images ({', '.join(IMAGE_SUFFIXES)}) in the folder")
        return found
    if not path.is_file():
        raise ConfigError(f"--image {target}: no such file or folder")
    return [path]


def detect(model, image: np.ndarray, size: int) -> np.ndarray:
    """Rows (label, score, x1, y1, x2, y2) in the pixels of `image` (uint8 RGB)."""
    import paddle

    from ppwarm.data.det.transforms import letterbox, normalize
    from ppwarm.tasks.det_eval import to_original

    boxed, _, (r, pad_x, pad_y) = letterbox(image, np.zeros((0, 4), np.float32), size)
    dets, _ = model.predict(paddle.to_tensor(normalize(boxed)[None]))
    rows = dets.numpy().copy()
    rows[:, 2:] = to_original(rows[:, 2:], np.array([r, pad_x, pad_y]), np.array(image.shape[:2]))
    return rows


def draw(image: np.ndarray, rows: np.ndarray, names: list[str]) -> np.ndarray:
    """A BGR copy of `image` with a box and 'name score' per row."""
    import cv2

    out = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    for label, score, x1, y1, x2, y2 in rows.tolist():
        colour = tuple(int(c) for c in np.random.default_rng(int(label)).integers(64, 256, 3))
        cv2.rectangle(out, (int(x1), int(y1)), (int(x2), int(y2)), colour, 2)
        cv2.putText(
            out,
            f"{names[int(label)]} {score:.2f}",
            (int(x1), max(int(y1) - 4, 10)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            colour,
            1,
            cv2.LINE_AA,
        )
    return out


def infer_det(cfg: Config, paths: list[Path], out_dir: Path, threshold: float) -> int:
    """Print the boxes scoring at least `threshold` per image and draw them into `out_dir`; returns 0."""
    import cv2
    import paddle

    from ppwarm.data.det.load import load_det_data
    from ppwarm.data.det.transforms import load_image
    from ppwarm.tasks.det import build_model
    from ppwarm.weights.load import load_weights

    names = load_det_data(cfg.det.data).class_names
    model = build_model(cfg, len(names))
    load_weights(model, cfg.weights)
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    with paddle.no_grad():
        for path in paths:
            image = load_image(path)
            rows = detect(model, image, cfg.det.eval_size)
            rows = rows[rows[:, 1] >= threshold]
            cv2.imwrite(str(out_dir / path.name), draw(image, rows, names))
            found = ", ".join(f"{names[int(r[0])]} {r[1]:.2f}" for r in rows) or "nothing"
            print(f"{path}: {found}")
    print(f"drawn images in {out_dir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppwarm infer", description=__doc__)
    add_config_args(parser)
    parser.add_argument("--image", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", help=f"det: folder for the drawn images (default {DEFAULT_OUT})")
    parser.add_argument(
        "--threshold",
        type=float,
        help=f"det: draw and print boxes scoring at least this (default {DEFAULT_THRESHOLD})",
    )
    return parser


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config, args.opt)
    task = cfg.task
    if task not in ("det", "rec"):
        raise ConfigError(f"task = {task!r}: infer supports det and rec")
    if task == "rec" and (args.out is not None or args.threshold is not None):
        raise ConfigError("--out and --threshold are for task det; rec prints path, text and confidence")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = image_paths(args.image)
    if task == "rec":
        from ppwarm.cli.rec import infer_rec

        return infer_rec(cfg, paths)
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    return infer_det(cfg, paths, Path(args.out or DEFAULT_OUT), threshold)
