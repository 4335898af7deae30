"""Paddle dataset for text recognition: one sample per ``(image_path, text)`` pair, in the model contract.

Reproducibility: sample ``i`` of epoch ``e`` draws every augmentation choice from
``np.random.default_rng([seed, e, i])``, so it is the same in any worker, in any order, after any resume.
The trainer calls ``set_epoch(e)`` before creating epoch e's DataLoader iterator (workers copy the dataset
when the iterator is created, so later calls do not reach them).
"""

from __future__ import annotations

import cv2
import numpy as np
from paddle.io import Dataset

from ppwarm.data.rec import transforms as T
from ppwarm.data.rec.dictionary import CharDict


def encode_label(text: str, char_dict: CharDict, max_text_length: int) -> tuple[np.ndarray, np.ndarray]:
    """``(label [max_text_length] int64 0-padded, length int64 scalar)``; raises on unknown/too-long text."""
    indices = char_dict.encode(text)
    if indices is None:
        raise ValueError(
            f"label {text!r} has characters outside the dictionary: {char_dict.unknown_chars(text)}"
        )
    if not 0 < len(indices) <= max_text_length:
        raise ValueError(f"label {text!r} length {len(indices)} not in [1, {max_text_length}]")
    label = np.zeros((max_text_length,), dtype=np.int64)
    label[: len(indices)] = indices
    return label, np.array(len(indices), dtype=np.int64)


def read_rgb(path: str) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(f"cannot read image {path}")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class RecDataset(Dataset):
    """Samples ``{image [3,H,W] f32 in [-1,1], label [max_text_length] i64, length i64, index i64}``.

    `samples` come from `labels.load_label_files` (already filtered); a text the dictionary cannot encode
    raises at construction rather than mid-epoch. `augment` enables `transforms.augment` (training only).
    """

    def __init__(
        self,
        samples: list[tuple[str, str]],
        char_dict: CharDict,
        shape: tuple[int, int, int] = (3, 32, 100),
        max_text_length: int = 25,
        augment: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__()
        if not samples:
            raise ValueError("RecDataset needs at least one sample")
        self.samples = list(samples)
        self.char_dict = char_dict
        self.shape = tuple(shape)
        self.max_text_length = max_text_length
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self._labels = [encode_label(text, char_dict, max_text_length) for _, text in self.samples]

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    @property
    def texts(self) -> list[str]:
        """Ground-truth texts in sample order (for metrics and reports)."""
        return [text for _, text in self.samples]

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        img = read_rgb(self.samples[index][0])
        if self.augment:
            img = T.augment(img, np.random.default_rng([self.seed, self.epoch, index]))
        label, length = (a.copy() for a in self._labels[index])
        return {
            "image": T.resize_norm(img, self.shape),
            "label": label,
            "length": length,
            "index": np.array(index, dtype=np.int64),
        }
