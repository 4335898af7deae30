"""load_coco on the demo data and on a hand-written json with every kind of problem."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from ppwarm.data.det.coco import load_coco
from ppwarm.data.det.records import (
    CLIPPED,
    DEGENERATE,
    EMPTY,
    KINDS,
    MISSING_IMAGE,
    UNKNOWN_CATEGORY,
    UNREADABLE_IMAGE,
)
from tests.data.det.conftest import DEMO


def test_demo_loads_with_contiguous_labels(demo_root: Path) -> None:
    ann_file = demo_root / "annotations" / "instances_train.json"
    records, names, label_to_cat, report = load_coco(ann_file, demo_root / "images" / "train")
    data = json.loads(ann_file.read_text())
    assert len(records) == DEMO["num_train"]
    assert names == ["circle", "square", "triangle"]
    assert label_to_cat == {0: 1, 1: 2, 2: 3}
    assert sum(len(r.labels) for r in records) == len(data["annotations"])
    assert set(np.concatenate([r.labels for r in records]).tolist()) <= {0, 1, 2}
    assert report.total() == 0


def _tiny_coco(tmp_path: Path) -> Path:
    image_dir = tmp_path / "images"
    image_dir.mkdir()
    for name in ("a.jpg", "empty.jpg"):
        cv2.imwrite(str(image_dir / name), np.zeros((80, 100, 3), np.uint8))
    (image_dir / "broken.jpg").write_bytes(b"not an image")
    images = [
        {"id": 11, "file_name": "a.jpg", "width": 100, "height": 80},
        {"id": 12, "file_name": "missing.jpg", "width": 100, "height": 80},
        {"id": 13, "file_name": "empty.jpg", "width": 100, "height": 80},
        {"id": 14, "file_name": "broken.jpg", "width": 100, "height": 80},
    ]
    anns = [
        {"id": 1, "image_id": 11, "category_id": 5, "bbox": [10, 10, 20, 20], "iscrowd": 0},
        {"id": 2, "image_id": 11, "category_id": 3, "bbox": [90, 70, 20, 20], "iscrowd": 0},  # clipped
        {"id": 3, "image_id": 11, "category_id": 3, "bbox": [50, 50, 0.5, 10], "iscrowd": 0},  # degenerate
        {"id": 4, "image_id": 11, "category_id": 5, "bbox": [0, 0, 50, 50], "iscrowd": 1},  # skipped
        {"id": 5, "image_id": 11, "category_id": 9, "bbox": [0, 0, 50, 50], "iscrowd": 0},  # unknown
        {"id": 6, "image_id": 12, "category_id": 5, "bbox": [0, 0, 50, 50], "iscrowd": 0},
    ]
    categories = [{"id": 5, "name": "dog"}, {"id": 3, "name": "cat"}]
    ann_file = tmp_path / "ann.json"
    ann_file.write_text(json.dumps({"images": images, "annotations": anns, "categories": categories}))
    return ann_file


def test_problems_are_counted_fixed_and_dropped(tmp_path: Path) -> None:
    ann_file = _tiny_coco(tmp_path)
    records, names, label_to_cat, report = load_coco(ann_file, tmp_path / "images")
    assert names == ["cat", "dog"] and label_to_cat == {0: 3, 1: 5}
    assert [r.image_id for r in records] == [11, 13]
    np.testing.assert_array_equal(records[0].boxes, [[10, 10, 30, 30], [90, 70, 100, 80]])
    np.testing.assert_array_equal(records[0].labels, [1, 0])
    assert records[1].boxes.shape == (0, 4) and records[1].labels.shape == (0,)
    expected = {
        MISSING_IMAGE: 1,
        UNREADABLE_IMAGE: 1,
        EMPTY: 1,
        CLIPPED: 1,
        DEGENERATE: 1,
        UNKNOWN_CATEGORY: 1,
    }
    assert {k: report.count(k) for k in KINDS if report.count(k)} == expected
    assert report.examples[MISSING_IMAGE] == [str(tmp_path / "images" / "missing.jpg")]
    assert report.examples[EMPTY] == ["empty.jpg"]
    assert report.examples[CLIPPED] == ["a.jpg: [90.0, 70.0, 110.0, 90.0] -> [90.0, 70.0, 100.0, 80.0]"]
    assert report.examples[UNKNOWN_CATEGORY] == ["a.jpg: category_id 9"]
    assert len(report.summary().splitlines()) == 6


def test_skip_empty_drops_images_without_boxes(tmp_path: Path) -> None:
    records, _, _, report = load_coco(_tiny_coco(tmp_path), tmp_path / "images", skip_empty=True)
    assert [r.image_id for r in records] == [11]
    assert report.count(EMPTY) == 1
