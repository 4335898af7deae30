"""A small synthetic COCO dataset (coloured shapes on textured backgrounds) so detection runs offline.

Layout written under ``root``: ``images/{train,val}/NNNNNN.jpg`` and
``annotations/instances_{train,val}.json``. Image i of a split is drawn from
``np.random.default_rng([seed, split, i])`` alone, so the same arguments give byte-identical files.
Boxes are the tight extent of each shape's drawn pixel mask (before later shapes may cover part of it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ppwarm.fileio import make_dir_atomically

SHAPES = ("circle", "square", "triangle", "star", "diamond", "hexagon", "cross", "ring")
SPLITS = ("train", "val")
MAX_OVERLAP_IOU = 0.3  # later shapes may overlap earlier ones, but never mostly hide them
MIN_CONTRAST = 150  # minimum L1 distance (0..765) between a shape's colour and the background under it


def _polygon(kind: str, cx: float, cy: float, size: float) -> np.ndarray:
    """Vertices of a polygonal shape of diameter `size` centred at (cx, cy), as int32 [K, 2]."""
    half = size / 2
    if kind == "square":
        pts = [(-half, -half), (half, -half), (half, half), (-half, half)]
    elif kind == "diamond":
        pts = [(0, -half), (half, 0), (0, half), (-half, 0)]
    elif kind == "triangle":
        pts = [(0, -half), (half, half), (-half, half)]
    elif kind in ("star", "hexagon"):
        count = 10 if kind == "star" else 6
        angles = -np.pi / 2 + np.arange(count) * 2 * np.pi / count
        radii = np.where(np.arange(count) % 2, 0.4 * half, half) if kind == "star" else np.full(count, half)
        pts = np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)
    else:
        raise ValueError(f"not a polygon shape: {kind!r}")
    return np.round(np.asarray(pts) + np.array([cx, cy])).astype(np.int32)


def _shape_mask(kind: str, height: int, width: int, cx: float, cy: float, size: float) -> np.ndarray:
    """A uint8 mask (255 inside) of one shape; `kind` is one of SHAPES."""
    mask = np.zeros((height, width), dtype=np.uint8)
    center, radius = (round(cx), round(cy)), max(1, round(size / 2))
    if kind == "circle":
        cv2.circle(mask, center, radius, 255, -1)
    elif kind == "ring":
        cv2.circle(mask, center, radius - max(1, round(size / 10)), 255, max(2, round(size / 5)))
    elif kind == "cross":
        (x, y), arm = center, max(1, round(size / 6))
        cv2.rectangle(mask, (x - radius, y - arm), (x + radius, y + arm), 255, -1)
        cv2.rectangle(mask, (x - arm, y - radius), (x + arm, y + radius), 255, -1)
    else:
        cv2.fillPoly(mask, [_polygon(kind, cx, cy, size)], 255)
    return mask


def draw_shape(
    canvas: np.ndarray, kind: str, cx: float, cy: float, size: float, color: tuple[int, int, int]
) -> tuple[list[float], int]:
    """Paint `kind` on `canvas` (HxWx3, in place); return (tight xyxy box of the painted pixels, pixel area).

    The box is ``[min col, min row, max col + 1, max row + 1]``: it encloses every painted pixel and the
    pixels on each of its inner edges belong to the shape.
    """
    mask = _shape_mask(kind, canvas.shape[0], canvas.shape[1], cx, cy, size)
    canvas[mask > 0] = color
    rows, cols = np.nonzero(mask)
    box = [float(cols.min()), float(rows.min()), float(cols.max() + 1), float(rows.max() + 1)]
    return box, len(rows)


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A linear gradient between two random colours, plus uniform noise and a few random lines."""
    c0, c1 = rng.uniform(0, 255, (2, 3)).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.arange(size, dtype=np.float32) / size
    t = (ramp[None, :] * np.cos(angle) + ramp[:, None] * np.sin(angle) + 1.5) / 3  # kept inside [0, 1]
    img = cv2.merge([c0[k] + (c1[k] - c0[k]) * t for k in range(3)])  # per channel: faster than broadcasting
    img += (rng.random(img.shape, dtype=np.float32) - 0.5) * np.float32(rng.uniform(10, 50))  # uniform noise
    img = np.clip(img, 0, 255, out=img).astype(np.uint8)
    for _ in range(int(rng.integers(3, 9))):
        p0, p1 = rng.integers(0, size, (2, 2))
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.line(img, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), color, int(rng.integers(1, 4)))
    return img


def _iou(a: list[float], b: list[float]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _contrasting_color(rng: np.random.Generator, under: np.ndarray) -> tuple[int, int, int]:
    """A random colour far (L1 >= MIN_CONTRAST) from `under`, the background colour at the shape's centre."""
    color = rng.integers(0, 256, 3)
    for _ in range(20):
        if np.abs(color - under.astype(np.int64)).sum() >= MIN_CONTRAST:
            break
        color = rng.integers(0, 256, 3)
    return (int(color[0]), int(color[1]), int(color[2]))


def _demo_image(rng: np.random.Generator, size: int, num_classes: int, spec: dict[str, Any]):
    """One image and its objects [(label, box, area)]; at least one object, at most spec['max_objects']."""
    img = _background(rng, size)
    objects: list[tuple[int, list[float], int]] = []
    for _ in range(int(rng.integers(1, spec["max_objects"] + 1))):
        label = int(rng.integers(num_classes))
        for _attempt in range(10):
            diameter = rng.uniform(spec["min_size"], spec["max_size"]) * size
            cx, cy = rng.uniform(diameter / 2, size - diameter / 2, 2)
            guess = [cx - diameter / 2, cy - diameter / 2, cx + diameter / 2, cy + diameter / 2]
            if all(_iou(guess, box) <= MAX_OVERLAP_IOU for _, box, _ in objects):
                color = _contrasting_color(rng, img[int(cy), int(cx)])
                box, area = draw_shape(img, SHAPES[label], cx, cy, diameter, color)
                objects.append((label, box, area))
                break
    return img, objects


def _write_split(
    root: Path, split: int, count: int, size: int, num_classes: int, seed: int, spec: dict[str, Any]
) -> None:
    """Write images/<split>/*.jpg and annotations/instances_<split>.json for one split under `root`."""
    name = SPLITS[split]
    image_dir = root / "images" / name
    image_dir.mkdir(parents=True)
    images, annotations = [], []
    for i in range(count):
        img, objects = _demo_image(np.random.default_rng([seed, split, i]), size, num_classes, spec)
        file_name = f"{i + 1:06d}.jpg"
        cv2.imwrite(str(image_dir / file_name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        images.append({"id": i + 1, "file_name": file_name, "width": size, "height": size})
        for label, (x1, y1, x2, y2), area in objects:
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": label + 1,
                    "bbox": [x1, y1, x2 - x1, y2 - y1],
                    "area": area,
                    "iscrowd": 0,
                }
            )
    categories = [{"id": k + 1, "name": SHAPES[k], "supercategory": "shape"} for k in range(num_classes)]
    data = {"images": images, "annotations": annotations, "categories": categories}
    (root / "annotations").mkdir(exist_ok=True)
    (root / "annotations" / f"instances_{name}.json").write_text(json.dumps(data), encoding="utf-8")


def make_demo_coco(
    root: Path,
    *,
    num_train: int = 400,
    num_val: int = 100,
    image_size: int = 320,
    num_classes: int = 4,
    seed: int = 0,
    min_size: float = 0.15,
    max_size: float = 0.5,
    max_objects: int = 4,
) -> Path:
    """Write the demo dataset to `root` (which must be absent or empty) and return `root`.

    Everything is written to a sibling temp dir that is renamed to `root` only when complete, so an
    interrupted run leaves either nothing or a whole dataset. Shape sizes are fractions of `image_size`.
    """
    if not 1 <= num_classes <= len(SHAPES):
        raise ValueError(f"num_classes must be in [1, {len(SHAPES)}], got {num_classes}")
    if not 0 < min_size <= max_size < 1:
        raise ValueError(f"need 0 < min_size <= max_size < 1, got {min_size}, {max_size}")
    root = Path(root)
    spec = {"min_size": min_size, "max_size": max_size, "max_objects": max_objects}

    def fill(folder: Path) -> None:
        for split, count in enumerate((num_train, num_val)):
            _write_split(folder, split, count, image_size, num_classes, seed, spec)

    return make_dir_atomically(root, fill)


def ensure_demo_coco(root: Path, **kwargs: Any) -> bool:
    """Generate the demo data (see `make_demo_coco`) unless its train annotations exist; True if generated."""
    if (Path(root) / "annotations" / "instances_train.json").is_file():
        return False
    make_demo_coco(root, **kwargs)
    return True
