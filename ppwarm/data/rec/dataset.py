"""Paddle dataset for text recognition: one sample per record of a sample source, in the model contract.

A sample source holds the texts and loads image ``i`` as RGB uint8: `ImageFiles` reads ``(image_path,
text)`` pairs from disk, `lmdb_source.LmdbRecords` reads PaddleOCR LMDB records. Everything after loading
(augmentation, resize and normalisation, label encoding) is `RecDataset`'s, the same for every source.

Reproducibility: sample ``i`` of epoch ``e`` draws every augmentation choice from
``np.random.default_rng([seed, e, i])``, so it is the same in any worker, in any order, after any resume.
The trainer calls ``set_epoch(e)`` before creating epoch e's DataLoader iterator (workers copy the dataset
when the iterator is created, so later calls do not reach them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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


class SampleSource(Protocol):
    """What `RecDataset` reads: `texts` in sample order and `load_image(i)`, RGB uint8 ``[H, W, 3]``.

    `load_image` may run in any DataLoader worker process; it raises (naming the sample) when the image
    cannot be read or decoded.
    """

    texts: list[str]

    def __len__(self) -> int: ...

    def load_image(self, index: int) -> np.ndarray: ...


class ImageFiles:
    """Sample source of ``(image_path, text)`` pairs (from `labels.load_label_files`): images read by path."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.paths = [path for path, _ in pairs]
        self.texts = [text for _, text in pairs]

    def __len__(self) -> int:
        return len(self.paths)

    def load_image(self, index: int) -> np.ndarray:
        return read_rgb(self.paths[index])


Samples = Sequence[tuple[str, str]] | SampleSource


class RecDataset(Dataset):
    """Samples ``{image [3,H,W] f32 in [-1,1], label [max_text_length] i64, length i64, index i64}``.

    `samples` is a `SampleSource` or a list of ``(image_path, text)`` pairs (read as `ImageFiles`), already
    filtered by the loader; a text the dictionary cannot encode raises at construction rather than
    mid-epoch. `augment` enables `transforms.augment` (training only).
    """

    def __init__(
        self,
        samples: Samples,
        char_dict: CharDict,
        shape: tuple[int, int, int] = (3, 32, 100),
        max_text_length: int = 25,
        augment: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.source: SampleSource = samples if hasattr(samples, "load_image") else ImageFiles(samples)
        if not len(self.source):
            raise ValueError("RecDataset needs at least one sample")
        self.char_dict = char_dict
        self.shape = tuple(shape)
        self.max_text_length = max_text_length
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self._labels = [encode_label(text, char_dict, max_text_length) for text in self.source.texts]

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    @property
    def texts(self) -> list[str]:
        """Ground-truth texts in sample order (for metrics and reports)."""
        return self.source.texts

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        img = self.source.load_image(index)
        if self.augment:
            img = T.augment(img, np.random.default_rng([self.seed, self.epoch, index]))
        label, length = (a.copy() for a in self._labels[index])
        return {
            "image": T.resize_norm(img, self.shape),
            "label": label,
            "length": length,
            "index": np.array(index, dtype=np.int64),
        }
