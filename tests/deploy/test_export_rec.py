"""`infer_cfg.yml` of an exported recognizer: its preprocessing recipe is the training transform, and any
dictionary (quotes, colons, spaces, non-ASCII) survives the round trip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.transforms import resize_norm
from ppwarm.deploy.export_rec import rec_infer_cfg
from ppwarm.deploy.runtime import read_infer_cfg, write_infer_cfg


def test_recipe_in_the_config_reproduces_resize_norm() -> None:
    """Follow the yaml's steps by hand on a 20 x 50 line; they must give what the model was trained on."""
    info = rec_infer_cfg((3, 32, 100), CharDict(list("ab")))
    channels, height, width = info["input_shape"]
    pre = info["preprocess"]
    image = np.random.default_rng(0).integers(0, 256, (20, 50, 3), dtype=np.uint8)
    new_w = min(width, round(50 * height / 20))
    resized = cv2.resize(image, (new_w, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    by_hand = np.zeros((channels, height, width), np.float32)
    mean, std = np.array(pre["mean"])[:, None, None], np.array(pre["std"])[:, None, None]
    by_hand[:, :, :new_w] = (resized.transpose(2, 0, 1) / 255.0 - mean) / std
    np.testing.assert_allclose(by_hand, resize_norm(image, (3, 32, 100)), atol=1e-6)
    assert new_w == 80 and info["blank_index"] == 0


def test_tricky_charset_round_trips(tmp_path: Path) -> None:
    chars = CharDict(list("0'\":#-?!&*[]{},|>%@`\\中文é"), use_space=True)
    write_infer_cfg(tmp_path, rec_infer_cfg((3, 32, 320), chars))
    info = read_infer_cfg(tmp_path)
    assert info["charset"] == chars.chars and info["charset"][-1] == " "
    assert info["input_shape"] == [3, 32, 320]
    assert "- 中\n- 文\n" in (tmp_path / "infer_cfg.yml").read_text(encoding="utf-8")
