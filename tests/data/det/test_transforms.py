"""Augmentations: exact box maps, boxes that follow the pixels, validity of mosaic and mixup outputs."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ppwarm.data.det import transforms as T

WHITE = 255


def _block_image(height: int, width: int, box: list[int]) -> np.ndarray:
    """Black image with a white axis-aligned block filling `box` (x1, y1, x2, y2) exactly."""
    img = np.zeros((height, width, 3), np.uint8)
    img[box[1] : box[3], box[0] : box[2]] = WHITE
    return img


def _white_extent(img: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(img[..., 0] > 127)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], dtype=np.float32)


def test_load_image_gives_rgb_and_names_undecodable_files(tmp_path: Path) -> None:
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[..., 0] = 200  # red in RGB
    cv2.imwrite(str(tmp_path / "red.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    np.testing.assert_array_equal(T.load_image(tmp_path / "red.png"), rgb)
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.raises(ValueError, match=r"bad\.jpg"):
        T.load_image(tmp_path / "bad.jpg")
    with pytest.raises(FileNotFoundError, match=r"nope\.jpg"):
        T.load_image(tmp_path / "nope.jpg")


def test_letterbox_maps_boxes_and_inverse_recovers_them() -> None:
    img = _block_image(100, 200, [20, 10, 60, 50])
    out, boxes, (r, pad_x, pad_y) = T.letterbox(img, np.array([[20, 10, 60, 50]], np.float32), 64)
    assert out.shape == (64, 64, 3) and (r, pad_x, pad_y) == (0.32, 0, 16)
    np.testing.assert_allclose(boxes, [[6.4, 19.2, 19.2, 32.0]], atol=1e-5)
    assert (out[:16] == T.PAD_VALUE).all() and (out[48:] == T.PAD_VALUE).all()
    recovered = (boxes - np.float32([pad_x, pad_y, pad_x, pad_y])) / r
    np.testing.assert_allclose(recovered, [[20, 10, 60, 50]], atol=1e-4)


def test_hflip_mirrors_box_and_pixels() -> None:
    img = _block_image(40, 100, [10, 20, 30, 40])
    flipped, boxes = T.hflip(img, np.array([[10, 20, 30, 40]], np.float32))
    np.testing.assert_array_equal(boxes, [[70, 20, 90, 40]])
    np.testing.assert_array_equal(_white_extent(flipped), boxes[0])


@pytest.mark.parametrize("seed", range(6))
def test_random_scale_translate_boxes_follow_the_pixels(seed: int) -> None:
    box = [30, 40, 70, 60]
    img = _block_image(100, 120, box)
    out, boxes, labels = T.random_scale_translate(
        img, np.array([box], np.float32), np.array([3]), np.random.default_rng(seed), translate=0.05
    )
    assert out.shape == img.shape and labels.tolist() == [3]
    np.testing.assert_allclose(boxes[0], _white_extent(out), atol=1.5)


def test_random_scale_translate_drops_boxes_pushed_out() -> None:
    img = np.zeros((100, 100, 3), np.uint8)
    boxes = np.array([[0, 0, 3, 3], [40, 40, 60, 60]], np.float32)
    rng = np.random.default_rng(0)
    _, out_boxes, labels = T.random_scale_translate(
        img, boxes, np.array([0, 1]), rng, scale=(2, 2), translate=0
    )
    np.testing.assert_allclose(out_boxes, [[30, 30, 70, 70]])  # the corner box left the image
    assert labels.tolist() == [1]


def _coloured_samples(rng: np.random.Generator) -> list[T.Sample]:
    """Four flat images of random sizes, each with one block whose colour encodes its label (40 * (k+1))."""
    samples = []
    for k in range(4):
        h, w = (int(v) for v in rng.integers(60, 160, 2))
        x1, y1 = int(rng.integers(0, w - 30)), int(rng.integers(0, h - 30))
        box = [x1, y1, x1 + int(rng.integers(20, w - x1 + 1)), y1 + int(rng.integers(20, h - y1 + 1))]
        img = np.zeros((h, w, 3), np.uint8)
        img[box[1] : box[3], box[0] : box[2]] = 40 * (k + 1)
        samples.append((img, np.array([box], np.float32), np.array([k])))
    return samples


def _assert_valid(boxes: np.ndarray, labels: np.ndarray, size: int) -> None:
    assert boxes.dtype == np.float32 and labels.dtype == np.int64 and len(boxes) == len(labels)
    assert (boxes >= 0).all() and (boxes <= size).all()
    assert (boxes[:, 2:] - boxes[:, :2] >= 1).all()


@pytest.mark.parametrize("seed", range(8))
def test_mosaic_boxes_are_inside_and_cover_their_own_pixels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    img, boxes, labels = T.mosaic4(_coloured_samples(rng), 96, rng)
    assert img.shape == (96, 96, 3) and img.dtype == np.uint8
    _assert_valid(boxes, labels, 96)
    assert len(set(labels.tolist())) == len(labels)  # one block per source image
    for box, label in zip(boxes, labels, strict=True):
        x1, y1, x2, y2 = np.round(box).astype(int)
        if min(x2 - x1, y2 - y1) >= 4:  # the 2x downscale blurs one pixel at each edge
            inner = img[y1 + 1 : y2 - 1, x1 + 1 : x2 - 1, 0].astype(int)
            assert np.abs(inner - 40 * (label + 1)).max() <= 2


def test_mixup_blends_and_concatenates() -> None:
    rng = np.random.default_rng(0)
    a = (np.full((8, 8, 3), 200, np.uint8), np.array([[0, 0, 4, 4]], np.float32), np.array([1]))
    b = (np.zeros((8, 8, 3), np.uint8), np.array([[2, 2, 8, 8], [1, 1, 3, 3]], np.float32), np.array([0, 2]))
    img, boxes, labels = T.mixup(a, b, rng)
    ratio = np.random.default_rng(0).beta(8.0, 8.0)
    assert (img == round(200 * ratio)).all()
    np.testing.assert_array_equal(boxes, [[0, 0, 4, 4], [2, 2, 8, 8], [1, 1, 3, 3]])
    assert labels.tolist() == [1, 0, 2] and labels.dtype == np.int64
    _assert_valid(boxes, labels, 8)
    with pytest.raises(ValueError, match="one shape"):
        T.mixup(a, (np.zeros((9, 8, 3), np.uint8), b[1], b[2]), rng)


def test_hsv_jitter_is_a_function_of_the_rng() -> None:
    img = np.random.default_rng(1).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    first = T.hsv_jitter(img, np.random.default_rng(5))
    np.testing.assert_array_equal(first, T.hsv_jitter(img, np.random.default_rng(5)))
    assert first.shape == img.shape and first.dtype == np.uint8
    assert not np.array_equal(first, T.hsv_jitter(img, np.random.default_rng(6)))
    darker = T.hsv_jitter(img, np.random.default_rng(0), h=0, s=0, v=0.9)
    assert darker.mean() != pytest.approx(img.mean(), abs=5)


def test_normalize_uses_imagenet_statistics() -> None:
    out = T.normalize(np.full((2, 3, 3), 255, np.uint8))
    assert out.shape == (3, 2, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out[:, 0, 0], [(1 - 0.485) / 0.229, (1 - 0.456) / 0.224, (1 - 0.406) / 0.225])
