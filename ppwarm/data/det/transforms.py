"""Detection augmentations on uint8 HxWx3 RGB images and xyxy float32 pixel boxes (numpy + cv2).

Every random transform takes an explicit ``rng: np.random.Generator`` and draws only from it, so a sample
is a pure function of its inputs and its generator. Transforms that move boxes clip them to the output
image and drop those with a side < 1 px, together with their labels.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ppwarm.data.det.boxes import clip_and_filter

PAD_VALUE = 114  # grey used for letterbox padding and empty canvas (the YOLO convention)
# The model input is (x / 255 - MEAN) / STD per RGB channel (ImageNet statistics); `normalize` applies it
# and the exported model's infer_cfg.yml states these same numbers.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
_MEAN, _STD = np.array(MEAN, dtype=np.float32), np.array(STD, dtype=np.float32)

Sample = tuple[np.ndarray, np.ndarray, np.ndarray]  # (image uint8 HxWx3, boxes [N,4], labels [N])


def load_image(path: str | Path) -> np.ndarray:
    """Decode `path` to uint8 HxWx3 RGB; raise FileNotFoundError / ValueError naming the file on failure."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"image file not found: {path}")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cv2 could not decode image file: {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def hsv_jitter(img: np.ndarray, rng: np.random.Generator, h: float = 0.015, s: float = 0.7, v: float = 0.4):
    """Multiply hue, saturation and value by random gains in ``1 ± (h, s, v)`` (hue wraps around)."""
    gain_h, gain_s, gain_v = rng.uniform(-1, 1, 3) * (h, s, v) + 1
    hue, sat, val = cv2.split(cv2.cvtColor(img, cv2.COLOR_RGB2HSV))
    x = np.arange(256, dtype=np.float32)
    lut_h = ((x * gain_h) % 180).astype(np.uint8)  # OpenCV 8-bit hue spans 0..179
    lut_s = np.clip(x * gain_s, 0, 255).astype(np.uint8)
    lut_v = np.clip(x * gain_v, 0, 255).astype(np.uint8)
    hsv = cv2.merge((cv2.LUT(hue, lut_h), cv2.LUT(sat, lut_s), cv2.LUT(val, lut_v)))
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def hflip(img: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mirror left-right: ``x1' = W - x2, x2' = W - x1``."""
    width = img.shape[1]
    flipped = np.asarray(boxes, dtype=np.float32).reshape(-1, 4).copy()
    flipped[:, [0, 2]] = width - flipped[:, [2, 0]]
    return np.ascontiguousarray(img[:, ::-1]), flipped


def random_scale_translate(
    img: np.ndarray,
    boxes: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
    scale: tuple[float, float] = (0.5, 1.5),
    translate: float = 0.1,
) -> Sample:
    """Zoom about the centre by ``U(scale)`` and shift by ``U(±translate)`` of the size; same output size."""
    height, width = img.shape[:2]
    s = rng.uniform(*scale)
    tx, ty = rng.uniform(-translate, translate, 2) * (width, height)
    ox, oy = (1 - s) * width / 2 + tx, (1 - s) * height / 2 + ty
    matrix = np.array([[s, 0, ox], [0, s, oy]], dtype=np.float32)
    out = cv2.warpAffine(img, matrix, (width, height), borderValue=(PAD_VALUE,) * 3)
    moved = np.asarray(boxes, dtype=np.float32).reshape(-1, 4) * s + np.float32([ox, oy, ox, oy])
    return (out, *clip_and_filter(moved, labels, width, height))


def letterbox(
    img: np.ndarray, boxes: np.ndarray | None, size: int, pad_value: int = PAD_VALUE
) -> tuple[np.ndarray, np.ndarray | None, tuple[float, int, int]]:
    """Resize keeping the aspect ratio so the long side is `size`, centre-pad to ``size x size``.

    Returns (image, boxes in the new image, (r, pad_x, pad_y)); the inverse is ``orig = (x - pad) / r``.
    """
    height, width = img.shape[:2]
    r = size / max(height, width)
    new_w, new_h = min(size, round(width * r)), min(size, round(height * r))
    pad_x, pad_y = (size - new_w) // 2, (size - new_h) // 2
    out = np.full((size, size, 3), pad_value, dtype=np.uint8)
    out[pad_y : pad_y + new_h, pad_x : pad_x + new_w] = cv2.resize(
        img, (new_w, new_h), interpolation=cv2.INTER_LINEAR
    )
    if boxes is not None:
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4) * r + np.float32(
            [pad_x, pad_y, pad_x, pad_y]
        )
    return out, boxes, (r, pad_x, pad_y)


def _resize_long_side(sample: Sample, size: int) -> Sample:
    img, boxes, labels = sample
    r = size / max(img.shape[:2])
    new_w, new_h = max(1, round(img.shape[1] * r)), max(1, round(img.shape[0] * r))
    return cv2.resize(img, (new_w, new_h)), np.asarray(boxes, dtype=np.float32).reshape(-1, 4) * r, labels


def mosaic4(samples: list[Sample], size: int, rng: np.random.Generator) -> Sample:
    """Tile 4 samples around a random centre of a ``2S x 2S`` canvas, then shrink the canvas to ``S x S``.

    Each image is first resized so its long side is S; image k sits top-left, top-right, bottom-left,
    bottom-right of the centre (drawn from ``[S/2, 3S/2]``), cropped only by the canvas border (each image
    ends at the centre lines), so clipping boxes to the canvas keeps each inside its own image.
    """
    if len(samples) != 4:
        raise ValueError(f"mosaic4 needs exactly 4 samples, got {len(samples)}")
    canvas_size = 2 * size
    canvas = np.full((canvas_size, canvas_size, 3), PAD_VALUE, dtype=np.uint8)
    xc, yc = (int(v) for v in rng.integers(size // 2, size + size // 2 + 1, 2))
    all_boxes, all_labels = [], []
    for k, sample in enumerate(samples):
        img, boxes, labels = _resize_long_side(sample, size)
        h, w = img.shape[:2]
        ox = xc - w if k in (0, 2) else xc  # the image's top-left corner on the canvas
        oy = yc - h if k in (0, 1) else yc
        x1, y1, x2, y2 = max(ox, 0), max(oy, 0), min(ox + w, canvas_size), min(oy + h, canvas_size)
        canvas[y1:y2, x1:x2] = img[y1 - oy : y2 - oy, x1 - ox : x2 - ox]
        all_boxes.append(boxes + np.float32([ox, oy, ox, oy]))
        all_labels.append(np.asarray(labels, dtype=np.int64))
    out = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    boxes = np.concatenate(all_boxes) * np.float32(size / canvas_size)
    return (out, *clip_and_filter(boxes, np.concatenate(all_labels), size, size))


def mixup(a: Sample, b: Sample, rng: np.random.Generator, alpha: float = 8.0) -> Sample:
    """Blend two same-size samples with ratio ``r ~ Beta(alpha, alpha)`` (near 0.5); keep both box sets."""
    if a[0].shape != b[0].shape:
        raise ValueError(f"mixup needs images of one shape, got {a[0].shape} and {b[0].shape}")
    r = rng.beta(alpha, alpha)
    img = (a[0].astype(np.float32) * r + b[0].astype(np.float32) * (1 - r)).round().astype(np.uint8)
    boxes = np.concatenate([np.reshape(a[1], (-1, 4)), np.reshape(b[1], (-1, 4))]).astype(np.float32)
    return img, boxes, np.concatenate([a[2], b[2]]).astype(np.int64)


def normalize(img: np.ndarray) -> np.ndarray:
    """uint8 HxWx3 RGB -> float32 3xHxW, scaled to [0, 1] then ImageNet mean/std normalised."""
    return ((img.astype(np.float32) / 255.0 - _MEAN) / _STD).transpose(2, 0, 1).copy()
