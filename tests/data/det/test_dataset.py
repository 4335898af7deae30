"""DetTrainSet / DetEvalSet: sample contract, per-(seed, epoch, index) determinism, schedules, collation."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import paddle
import pytest

from ppwarm.data.det import transforms as T
from ppwarm.data.det.coco import load_coco
from ppwarm.data.det.dataset import DetEvalSet, DetTrainSet, size_at
from ppwarm.data.det.records import DetRecord


@pytest.fixture(scope="module")
def records(demo_root: Path) -> list[DetRecord]:
    recs, *_ = load_coco(demo_root / "annotations" / "instances_train.json", demo_root / "images" / "train")
    return recs


def _equal(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_sample_contract(records: list[DetRecord]) -> None:
    sample = DetTrainSet(records, 64, seed=0, mixup=0.5)[3]
    assert sample["image"].shape == (3, 64, 64) and sample["image"].dtype == np.float32
    boxes, labels = sample["gt_boxes"], sample["gt_labels"]
    assert boxes.shape == (50, 4) and boxes.dtype == np.float32
    assert labels.shape == (50,) and labels.dtype == np.int64
    real = labels >= 0
    assert real.any() and (labels[real] < 3).all() and (labels[~real] == -1).all()
    assert (boxes[~real] == 0).all() and (boxes[real] >= 0).all() and (boxes[real] <= 64).all()
    assert (boxes[real, 2:] - boxes[real, :2] >= 1).all()


def test_same_seed_epoch_index_same_sample_other_epoch_differs(records: list[DetRecord]) -> None:
    a, b = DetTrainSet(records, 64, seed=1, mixup=0.5), DetTrainSet(records, 64, seed=1, mixup=0.5)
    _ = b[0], b[5]  # reading other samples first must not change later ones
    for epoch in (0, 2):
        a.set_epoch(epoch)
        b.set_epoch(epoch)
        assert _equal(a[4], b[4])
    a.set_epoch(1)
    assert not np.array_equal(a[4]["image"], b[4]["image"])
    assert not np.array_equal(DetTrainSet(records, 64, seed=2)[4]["image"], b[4]["image"])


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(T, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(T, name, counted)
    return calls


def test_close_mosaic_epochs_turns_mosaic_and_mixup_off(
    records: list[DetRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    mosaics, mixups = _counting(monkeypatch, "mosaic4"), _counting(monkeypatch, "mixup")
    data = DetTrainSet(records, 64, seed=0, mosaic=1.0, mixup=1.0, epochs=5, close_mosaic_epochs=2)
    data.set_epoch(2)
    for i in range(3):
        data[i]
    assert len(mosaics) == 6 and len(mixups) == 3  # mixup builds its second sample by mosaic too
    data.set_epoch(3)
    for i in range(3):
        data[i]
    assert len(mosaics) == 6 and len(mixups) == 3
    assert [data.strong_aug_at(e) for e in range(5)] == [True, True, True, False, False]


def test_mosaic_probability_zero_never_calls_mosaic(
    records: list[DetRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    mosaics = _counting(monkeypatch, "mosaic4")
    data = DetTrainSet(records, 64, seed=0, mosaic=0.0)
    for i in range(4):
        data[i]
    assert mosaics == []


def test_size_schedule(records: list[DetRecord]) -> None:
    data = DetTrainSet(records, 128, seed=0, size_schedule=[(4, 96), (1, 64)])
    assert [data.input_size_at(e) for e in range(6)] == [128, 64, 64, 64, 96, 96]
    data.set_epoch(2)
    assert data[0]["image"].shape == (3, 64, 64)
    data.set_epoch(4)
    assert data[0]["image"].shape == (3, 96, 96)
    assert size_at(None, 7, 320) == 320 and size_at([(0, 320), (10, 416)], 10, 0) == 416
    with pytest.raises(ValueError, match="size_schedule"):
        DetTrainSet(records, 64, seed=0, size_schedule=[(0, 0)])


def test_max_boxes_truncates(records: list[DetRecord]) -> None:
    sample = DetTrainSet(records, 64, seed=0, max_boxes=1, mosaic=1.0)[0]
    assert sample["gt_boxes"].shape == (1, 4) and sample["gt_labels"].shape == (1,)


def test_dataloader_collates_fixed_shapes(records: list[DetRecord]) -> None:
    data = DetTrainSet(records, 64, seed=0, mixup=0.3)
    batch = next(iter(paddle.io.DataLoader(data, batch_size=4, num_workers=0)))
    assert batch["image"].shape == [4, 3, 64, 64]
    assert batch["gt_boxes"].shape == [4, 50, 4] and batch["gt_labels"].shape == [4, 50]
    assert batch["gt_labels"].dtype == paddle.int64


def test_eval_sample_letterbox_inverts_to_original(tmp_path: Path) -> None:
    img = np.zeros((60, 100, 3), np.uint8)
    img[10:30, 40:80] = 255
    cv2.imwrite(str(tmp_path / "wide.png"), img)
    box = np.array([[40, 10, 80, 30]], np.float32)
    rec = DetRecord(str(tmp_path / "wide.png"), box, np.array([0]), 42, 100, 60)
    data = DetEvalSet([rec, rec], 64)
    sample = data[0]
    assert sample["image"].shape == (3, 64, 64) and sample["im_id"].dtype == np.int64
    assert sample["im_id"].shape == () and int(sample["im_id"]) == 42
    np.testing.assert_allclose(sample["letterbox"], [0.64, 0, 13])
    np.testing.assert_array_equal(sample["orig_size"], [60, 100])
    r, pad_x, pad_y = sample["letterbox"]
    white = sample["image"][0] > 0  # white pixels normalise above 0, padding grey (114) below
    rows, cols = np.nonzero(white)
    found = np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], np.float32)
    recovered = (found - np.float32([pad_x, pad_y, pad_x, pad_y])) / r
    np.testing.assert_allclose(recovered, box[0], atol=2.0)
    batch = next(iter(paddle.io.DataLoader(data, batch_size=2)))
    assert (
        batch["im_id"].shape == [2]
        and batch["letterbox"].shape == [2, 3]
        and batch["orig_size"].shape == [2, 2]
    )
