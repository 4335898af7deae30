"""Demo data: determinism, tight boxes, atomic writing, ensure-once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from ppwarm.data.det import demo
from ppwarm.data.det.demo import SHAPES, draw_shape, ensure_demo_coco, make_demo_coco
from tests.data.det.conftest import DEMO

SMALL = {"num_train": 5, "num_val": 2, "image_size": 96}


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.*"))
    }


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    first = _digests(make_demo_coco(tmp_path / "a", seed=3, **SMALL))
    assert first == _digests(make_demo_coco(tmp_path / "b", seed=3, **SMALL))
    assert len(first) == 5 + 2 + 2
    other = _digests(make_demo_coco(tmp_path / "c", seed=4, **SMALL))
    assert (
        other.keys() == first.keys() and other["images/train/000001.jpg"] != first["images/train/000001.jpg"]
    )


@pytest.mark.parametrize("kind", SHAPES)
def test_drawn_box_is_the_tight_extent_of_the_painted_pixels(kind: str) -> None:
    canvas = np.zeros((120, 140, 3), np.uint8)
    box, area = draw_shape(canvas, kind, 70.3, 55.8, 41.0, (10, 200, 30))
    rows, cols = np.nonzero(canvas[..., 1])
    assert box == [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    assert area == len(rows) and 0 < area <= (box[2] - box[0]) * (box[3] - box[1])
    assert 30 <= box[2] - box[0] <= 43 and 30 <= box[3] - box[1] <= 43  # about the requested 41 px


def test_demo_annotations_are_consistent(demo_root: Path) -> None:
    for split, count in (("train", DEMO["num_train"]), ("val", DEMO["num_val"])):
        data = json.loads((demo_root / "annotations" / f"instances_{split}.json").read_text())
        assert len(data["images"]) == count == len(list((demo_root / "images" / split).glob("*.jpg")))
        assert [c["name"] for c in data["categories"]] == list(SHAPES[: DEMO["num_classes"]])
        per_image = np.bincount([a["image_id"] for a in data["annotations"]], minlength=count + 1)[1:]
        assert per_image.min() >= 1 and per_image.max() <= 4
        size = DEMO["image_size"]
        for ann in data["annotations"]:
            x, y, w, h = ann["bbox"]
            assert x >= 0 and y >= 0 and x + w <= size and y + h <= size
            assert w >= 0.15 * size * 0.7 and h >= 0.15 * size * 0.7 and ann["area"] > 0


def test_interrupted_generation_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = demo._write_split

    def fail_on_val(root: Path, split: int, *args: object) -> None:
        if split == 1:
            raise KeyboardInterrupt
        real(root, split, *args)

    monkeypatch.setattr(demo, "_write_split", fail_on_val)
    with pytest.raises(KeyboardInterrupt):
        make_demo_coco(tmp_path / "demo", **SMALL)
    assert list(tmp_path.iterdir()) == []


def test_ensure_generates_once_and_refuses_foreign_dirs(tmp_path: Path) -> None:
    assert ensure_demo_coco(tmp_path / "demo", **SMALL) is True
    assert ensure_demo_coco(tmp_path / "demo", **SMALL) is False
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        ensure_demo_coco(tmp_path / "other", **SMALL)
