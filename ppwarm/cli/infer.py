"""`infer`: detect objects in images and draw them: tools/infer.py -c CFG -o weights=PATH --image IMG|DIR."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ppwarm.cli.common import reports_config_errors
from ppwarm.config import add_config_args, load_config
from ppwarm.errors import ConfigError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


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


@reports_config_errors
def main(argv: Sequence[str] | None = None) -> int:
    import cv2
    import paddle

    from ppwarm.data.det.transforms import load_image
    from ppwarm.engine.weights import load_weights
    from ppwarm.tasks.det import build_model, load_det_data

    parser = argparse.ArgumentParser(prog="ppwarm infer", description=__doc__)
    add_config_args(parser)
    parser.add_argument("--image", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", default="output/infer", help="folder for the drawn images")
    parser.add_argument(
        "--threshold", type=float, default=0.3, help="draw and print boxes scoring at least this"
    )
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.opt)
    if cfg["task"] != "det":
        raise ConfigError(f"task = {cfg['task']!r}: infer supports det")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = image_paths(args.image)
    names = load_det_data(cfg).class_names
    model = build_model(cfg, len(names))
    load_weights(model, cfg["weights"])
    model.eval()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with paddle.no_grad():
        for path in paths:
            image = load_image(path)
            rows = detect(model, image, cfg["det"]["eval_size"])
            rows = rows[rows[:, 1] >= args.threshold]
            cv2.imwrite(str(out_dir / path.name), draw(image, rows, names))
            found = ", ".join(f"{names[int(r[0])]} {r[1]:.2f}" for r in rows) or "nothing"
            print(f"{path}: {found}")
    print(f"drawn images in {out_dir}")
    return 0
