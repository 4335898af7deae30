"""Paddle datasets for detection: augmented fixed-shape training samples and letterboxed eval samples.

Reproducibility: training sample ``i`` of epoch ``e`` draws every random choice from
``np.random.default_rng([seed, e, i])``, so it is the same in any worker process, in any order, and after
any resume. Nothing reads global RNG state.

Epochs and workers: the trainer calls ``set_epoch(e)`` BEFORE creating epoch e's DataLoader iterator.
``paddle.io.DataLoader`` with ``num_workers > 0`` copies the dataset into its worker processes when the
iterator is created, so a later ``set_epoch`` does not reach them (and with ``persistent_workers=True``
never does: do not combine the two).
"""

from __future__ import annotations

import numpy as np
from paddle.io import Dataset

from ppwarm.data.det import transforms as T
from ppwarm.data.det.records import DetRecord

SizeSchedule = list[tuple[int, int]]


def size_at(schedule: SizeSchedule | None, epoch: int, default: int) -> int:
    """The size of the last ``(from_epoch, size)`` entry with ``from_epoch <= epoch``; `default` if none."""
    size = default
    for from_epoch, entry_size in sorted(schedule or []):
        if from_epoch <= epoch:
            size = entry_size
    return size


def _check_schedule(schedule: SizeSchedule | None) -> None:
    for from_epoch, size in schedule or []:
        if from_epoch < 0 or size <= 0:
            raise ValueError(
                f"size_schedule entries need from_epoch >= 0 and size > 0, got {(from_epoch, size)}"
            )


def pad_targets(boxes: np.ndarray, labels: np.ndarray, max_boxes: int) -> tuple[np.ndarray, np.ndarray]:
    """Boxes [max_boxes, 4] float32 (0-filled) and labels [max_boxes] int64 (-1-filled); extra boxes cut."""
    count = min(len(boxes), max_boxes)
    gt_boxes = np.zeros((max_boxes, 4), dtype=np.float32)
    gt_labels = np.full((max_boxes,), -1, dtype=np.int64)
    gt_boxes[:count] = boxes[:count]
    gt_labels[:count] = labels[:count]
    return gt_boxes, gt_labels


class DetTrainSet(Dataset):
    """Training samples ``{image [3,S,S] f32, gt_boxes [max_boxes,4] f32, gt_labels [max_boxes] i64}``.

    Pipeline per sample: Mosaic (probability `mosaic`) or letterbox -> random scale/translate -> MixUp
    with a second sample built the same way (probability `mixup`) -> HSV jitter -> horizontal flip
    (probability `flip`). Mosaic and MixUp are off in the last `close_mosaic_epochs` of `epochs`. S
    follows `size_schedule` (``[(from_epoch, size), ...]``) and is `input_size` before its first entry.
    """

    def __init__(
        self,
        records: list[DetRecord],
        input_size: int,
        *,
        seed: int,
        mosaic: float = 1.0,
        mixup: float = 0.0,
        hsv: bool = True,
        flip: float = 0.5,
        max_boxes: int = 50,
        close_mosaic_epochs: int = 0,
        epochs: int = 1,
        size_schedule: SizeSchedule | None = None,
        scale: tuple[float, float] = (0.5, 1.5),
        translate: float = 0.1,
    ) -> None:
        super().__init__()
        if not records:
            raise ValueError("DetTrainSet needs at least one record")
        _check_schedule(size_schedule)
        self.records = records
        self.input_size = input_size
        self.seed, self.mosaic, self.mixup, self.hsv, self.flip = seed, mosaic, mixup, hsv, flip
        self.max_boxes, self.close_mosaic_epochs, self.epochs = max_boxes, close_mosaic_epochs, epochs
        self.size_schedule, self.scale, self.translate = size_schedule, scale, translate
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Select `epoch` (its RNG streams, size, Mosaic switch); call before creating its iterator."""
        self.epoch = epoch

    def input_size_at(self, epoch: int) -> int:
        return size_at(self.size_schedule, epoch, self.input_size)

    def strong_aug_at(self, epoch: int) -> bool:
        """Whether Mosaic/MixUp may run in `epoch` (False in the last `close_mosaic_epochs`)."""
        return epoch < self.epochs - self.close_mosaic_epochs

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng([self.seed, self.epoch, index])
        size, strong = self.input_size_at(self.epoch), self.strong_aug_at(self.epoch)
        sample = self._compose(index, rng, size, strong)
        if strong and self.mixup > 0 and rng.random() < self.mixup:
            sample = T.mixup(sample, self._compose(int(rng.integers(len(self))), rng, size, strong), rng)
        img, boxes, labels = sample
        if self.hsv:
            img = T.hsv_jitter(img, rng)
        if rng.random() < self.flip:
            img, boxes = T.hflip(img, boxes)
        gt_boxes, gt_labels = pad_targets(boxes, labels, self.max_boxes)
        return {"image": T.normalize(img), "gt_boxes": gt_boxes, "gt_labels": gt_labels}

    def _load(self, index: int) -> T.Sample:
        rec = self.records[index]
        return T.load_image(rec.image_path), rec.boxes, rec.labels

    def _compose(self, index: int, rng: np.random.Generator, size: int, strong: bool) -> T.Sample:
        """One S x S sample before colour and flip: Mosaic or letterbox, then random scale/translate."""
        if strong and self.mosaic > 0 and rng.random() < self.mosaic:
            others = rng.integers(0, len(self), 3)
            sample = T.mosaic4([self._load(i) for i in (index, *others)], size, rng)
        else:
            img, boxes, labels = self._load(index)
            img, boxes, _ = T.letterbox(img, boxes, size)
            sample = (img, boxes, labels)
        return T.random_scale_translate(*sample, rng, self.scale, self.translate)


class DetEvalSet(Dataset):
    """Eval samples ``{image [3,S,S], im_id int64 [], letterbox float32 [3], orig_size float32 [2]}``.

    ``letterbox = (r, pad_x, pad_y)`` maps predictions back: ``orig = (input - pad) / r``; ``orig_size``
    is ``(height, width)`` of the decoded image. No augmentation.
    """

    def __init__(self, records: list[DetRecord], input_size: int) -> None:
        super().__init__()
        self.records = records
        self.input_size = input_size

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        rec = self.records[index]
        img = T.load_image(rec.image_path)
        boxed, _, (r, pad_x, pad_y) = T.letterbox(img, None, self.input_size)
        return {
            "image": T.normalize(boxed),
            "im_id": np.array(rec.image_id, dtype=np.int64),
            "letterbox": np.array([r, pad_x, pad_y], dtype=np.float32),
            "orig_size": np.array(img.shape[:2], dtype=np.float32),
        }
