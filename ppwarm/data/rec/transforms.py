"""Text-line transforms: the contract resize/normalise and light augmentations driven by an explicit rng.

Images are uint8 RGB ``[h, w, 3]`` until `resize_norm`, which produces the model input. Augmentations
draw every random choice from the `rng` they are given, so the same generator state gives the same output.
"""

from __future__ import annotations

import cv2
import numpy as np

# Probabilities and strengths of the training augmentations; each is applied independently.
BLUR_P, NOISE_P, WARP_P, COLOR_P = 0.3, 0.3, 0.3, 0.5
NOISE_STD = (2.0, 10.0)  # pixel units (0..255)
WARP_JITTER = 0.08  # corner displacement, as a fraction of the line height (keeps glyphs legible)
BRIGHTNESS, CONTRAST, CHANNEL_GAIN = 30.0, 0.3, 0.1

# The model input is (x / 255 - MEAN) / STD per RGB channel, i.e. pixels on [-1, 1]; `resize_norm` applies
# it and the exported model's infer_cfg.yml states these same numbers.
MEAN = (0.5, 0.5, 0.5)
STD = (0.5, 0.5, 0.5)
_MEAN = np.array(MEAN, dtype=np.float32).reshape(3, 1, 1)
_STD = np.array(STD, dtype=np.float32).reshape(3, 1, 1)


def resize_norm(img: np.ndarray, shape: tuple[int, int, int] = (3, 32, 100)) -> np.ndarray:
    """float32 ``[3, H, W]``: resized to height H keeping aspect (width ``min(W, round(w*H/h))``, >= 1),
    scaled to [-1, 1] by ``(x/255 - MEAN)/STD``, right-padded with zeros to W. `img` is uint8 RGB or gray.
    """
    channels, height, width = shape
    if channels != 3:
        raise ValueError(f"recognition input must have 3 channels, got shape {shape}")
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    h, w = img.shape[:2]
    new_w = max(1, min(width, round(w * height / h)))
    resized = cv2.resize(img, (new_w, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = np.zeros((3, height, width), dtype=np.float32)
    out[:, :, :new_w] = (resized.transpose(2, 0, 1) / 255.0 - _MEAN) / _STD
    return out


def gaussian_blur(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ksize = int(rng.choice([3, 5]))
    return cv2.GaussianBlur(img, (ksize, ksize), float(rng.uniform(0.5, 1.2)))


def gaussian_noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0.0, rng.uniform(*NOISE_STD), img.shape)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def perspective_warp(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each corner by up to WARP_JITTER * h pixels; output keeps the input size, edges replicated."""
    h, w = img.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    dst = src + rng.uniform(-1, 1, (4, 2)).astype(np.float32) * WARP_JITTER * h
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def color_jitter(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Contrast around the mean, brightness shift and per-channel gains."""
    x = img.astype(np.float32)
    contrast = rng.uniform(1 - CONTRAST, 1 + CONTRAST)
    gains = rng.uniform(1 - CHANNEL_GAIN, 1 + CHANNEL_GAIN, 3).astype(np.float32)
    x = (x - x.mean()) * contrast + x.mean() + rng.uniform(-BRIGHTNESS, BRIGHTNESS)
    return np.clip(x * gains, 0, 255).astype(np.uint8)


def augment(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Apply warp, colour jitter, blur and noise, each with its own probability, in that order."""
    steps = (
        (WARP_P, perspective_warp),
        (COLOR_P, color_jitter),
        (BLUR_P, gaussian_blur),
        (NOISE_P, gaussian_noise),
    )
    for prob, fn in steps:
        if rng.random() < prob:
            img = fn(img, rng)
    return img
