import numpy as np

from ppwarm.data.rec import transforms as T


def _img(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_resize_norm_short_image_keeps_aspect_and_pads_zero():
    img = np.full((16, 20, 3), 255, dtype=np.uint8)  # aspect 1.25 -> width 40 at height 32
    out = T.resize_norm(img, (3, 32, 100))
    assert out.shape == (3, 32, 100) and out.dtype == np.float32
    np.testing.assert_allclose(out[:, :, :40], 1.0)
    assert np.all(out[:, :, 40:] == 0)


def test_resize_norm_range_and_long_image_capped():
    img = _img(10, 200)  # aspect 20 -> capped to full width
    out = T.resize_norm(img, (3, 32, 100))
    assert out.shape == (3, 32, 100)
    assert out.min() >= -1.0 and out.max() <= 1.0
    white = T.resize_norm(np.full((10, 200, 3), 255, dtype=np.uint8), (3, 32, 100))
    np.testing.assert_allclose(white, 1.0)  # squeezed to W: no padding column left
    black = T.resize_norm(np.zeros((32, 50, 3), dtype=np.uint8), (3, 32, 100))
    np.testing.assert_allclose(black[:, :, :50], -1.0)


def test_resize_norm_gray_input():
    out = T.resize_norm(np.zeros((32, 64), dtype=np.uint8), (3, 32, 100))
    assert out.shape == (3, 32, 100)


def test_augment_deterministic_for_same_seed():
    img = _img(32, 120)
    outs = [T.augment(img, np.random.default_rng(7)) for _ in range(2)]
    assert np.array_equal(outs[0], outs[1])
    assert outs[0].shape == img.shape and outs[0].dtype == np.uint8


def test_each_augmentation_keeps_shape_and_changes_image():
    img = _img(32, 120)
    for fn in (T.gaussian_blur, T.gaussian_noise, T.perspective_warp, T.color_jitter):
        out = fn(img, np.random.default_rng(1))
        assert out.shape == img.shape and out.dtype == np.uint8
        assert not np.array_equal(out, img), fn.__name__
