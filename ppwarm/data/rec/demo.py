"""A small synthetic text-line dataset rendered with OpenCV's Hershey fonts, so recognition runs offline.

Layout written under ``root``: ``images/{train,val}/NNNNNN.png``, ``train.txt`` and ``val.txt``
(PaddleOCR format, paths relative to ``root``) and ``dict.txt`` (the charset, one character per line).
Line i of a split is drawn from ``np.random.default_rng([seed, split, i])`` alone, so the same arguments
give identical files. `DEMO_SETS` holds presets with different fonts and dictionaries, so training on
"digits" and fine-tuning on "hex" is a real transfer (the CTC head must be re-initialised).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ppwarm.fileio import make_dir_atomically

SPLITS = ("train", "val")

# Upright fonts for digits, slanted ones for hex and alnum: OpenCV 5 draws every upright Hershey face with
# one sans-serif font (PLAIN only smaller) and the SCRIPT faces italic, so the sets differ in glyph style
# (on OpenCV 4 the SCRIPT faces are handwriting-like), not only in charset. "hex" is the fine-tuning demo
# (configs/ocr_rec_finetune.yml); "alnum" (36 characters) is a harder target that needs far more updates.
SLANTED = [cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX]
DEMO_SETS: dict[str, dict[str, Any]] = {
    "digits": dict(charset="0123456789", fonts=[cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX]),
    "hex": dict(charset="0123456789abcdef", fonts=SLANTED),
    "alnum": dict(charset="0123456789abcdefghijklmnopqrstuvwxyz", fonts=SLANTED),
}


def render_line(rng: np.random.Generator, text: str, fonts: list[int], height: int) -> np.ndarray:
    """uint8 RGB image of `text`: dark glyphs on a light noisy background, slightly rotated and maybe blurred,
    resized to `height` keeping its aspect ratio."""
    font = int(rng.choice(fonts))
    scale = rng.uniform(0.8, 1.3)
    thickness = int(rng.integers(1, 3))
    (tw, th), baseline = cv2.getTextSize(text, font, scale, thickness)
    mx, my = int(rng.integers(2, 10)), int(rng.integers(2, 8))
    h, w = th + baseline + 2 * my, tw + 2 * mx
    background = rng.uniform(170, 255, 3)
    img = np.empty((h, w, 3), dtype=np.float32)
    img[:] = background
    img += rng.normal(0, rng.uniform(2, 12), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    color = tuple(int(c) for c in rng.integers(0, 90, 3))
    cv2.putText(img, text, (mx, my + th), font, scale, color, thickness, cv2.LINE_AA)
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-3, 3), 1.0)
    img = cv2.warpAffine(img, rotation, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (3, 3), 0)
    new_w = max(1, round(w * height / h))
    return cv2.resize(img, (new_w, height), interpolation=cv2.INTER_AREA)


def _write_split(root: Path, split: int, count: int, spec: dict[str, Any]) -> None:
    """Write images/<split>/*.png and <split>.txt under `root`."""
    name = SPLITS[split]
    image_dir = root / "images" / name
    image_dir.mkdir(parents=True)
    charset = np.array(list(spec["charset"]))
    lines = []
    for i in range(count):
        rng = np.random.default_rng([spec["seed"], split, i])
        text = "".join(rng.choice(charset, size=int(rng.integers(spec["min_len"], spec["max_len"] + 1))))
        img = render_line(rng, text, spec["fonts"], spec["height"])
        rel = f"images/{name}/{i:06d}.png"
        cv2.imwrite(str(root / rel), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        lines.append(f"{rel}\t{text}\n")
    (root / f"{name}.txt").write_text("".join(lines), encoding="utf-8")


def make_demo_rec(
    root: Path,
    *,
    num_train: int = 600,
    num_val: int = 120,
    shape: tuple[int, int, int] = (3, 32, 100),
    charset: str,
    fonts: list[int],
    seed: int = 0,
    min_len: int = 3,
    max_len: int = 8,
    name: str = "set_a",
) -> Path:
    """Write the demo dataset to `root` (absent or empty) and return `root`. Images are saved at the model
    height ``shape[1]``. `name` only labels the set in errors; the content depends on the other arguments.

    Everything is written to a sibling temp dir renamed to `root` when complete, so an interrupted run
    leaves either nothing or a whole dataset.
    """
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got {min_len}, {max_len}")
    if not charset or len(set(charset)) != len(charset) or not fonts:
        raise ValueError(f"demo set {name!r} needs a charset of distinct characters and at least one font")
    root = Path(root)
    spec = dict(
        charset=charset, fonts=list(fonts), seed=seed, min_len=min_len, max_len=max_len, height=shape[1]
    )

    def fill(folder: Path) -> None:
        for split, count in enumerate((num_train, num_val)):
            _write_split(folder, split, count, spec)
        (folder / "dict.txt").write_text("".join(f"{c}\n" for c in charset), encoding="utf-8")

    return make_dir_atomically(root, fill)


def ensure_demo_rec(root: Path, **kwargs: Any) -> bool:
    """Generate the demo data (see `make_demo_rec`) unless ``root/train.txt`` exists; True if generated."""
    if (Path(root) / "train.txt").is_file():
        return False
    make_demo_rec(root, **kwargs)
    return True
