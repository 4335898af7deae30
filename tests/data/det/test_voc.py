"""load_voc on a two-image VOC folder, and its COCO ground truth through pycocotools."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import cv2
import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from ppwarm.data.det.records import CLIPPED, EMPTY, UNKNOWN_CATEGORY
from ppwarm.data.det.voc import load_voc, voc_to_coco_json

CLASSES = ["cat", "dog"]


def _obj(name: str, box: tuple[int, int, int, int], difficult: int = 0) -> str:
    xmin, ymin, xmax, ymax = box
    return (
        f"<object><name>{name}</name><difficult>{difficult}</difficult><bndbox><xmin>{xmin}</xmin>"
        f"<ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax></bndbox></object>"
    )


def _write_voc(root: Path) -> Path:
    for sub in ("Annotations", "JPEGImages", "ImageSets/Main"):
        (root / sub).mkdir(parents=True)
    objects = {
        "img1": [
            _obj("dog", (1, 1, 10, 20)),
            _obj("cat", (5, 5, 30, 30), difficult=1),
            _obj("horse", (2, 2, 9, 9)),
        ],
        "img2": [_obj("cat", (11, 21, 40, 50))],
    }
    for stem, objs in objects.items():
        size = "<size><width>64</width><height>48</height><depth>3</depth></size>"
        xml = f"<annotation><filename>{stem}.jpg</filename>{size}{''.join(objs)}</annotation>"
        (root / "Annotations" / f"{stem}.xml").write_text(xml)
        cv2.imwrite(str(root / "JPEGImages" / f"{stem}.jpg"), np.zeros((48, 64, 3), np.uint8))
    split = root / "ImageSets" / "Main" / "train.txt"
    split.write_text("img1\nimg2\n\n")
    return split


def test_voc_coordinates_difficult_and_unknown(tmp_path: Path) -> None:
    split = _write_voc(tmp_path)
    records, report = load_voc(tmp_path, split, CLASSES)
    assert [r.image_id for r in records] == [1, 2]
    np.testing.assert_array_equal(records[0].boxes, [[0, 0, 10, 20]])  # 1-based inclusive -> 0-based
    np.testing.assert_array_equal(records[0].labels, [1])
    np.testing.assert_array_equal(records[1].boxes, [[10, 20, 40, 48]])  # ymax 50 clipped to the height 48
    assert (records[1].width, records[1].height) == (64, 48)
    assert report.count(UNKNOWN_CATEGORY) == 1 and report.examples[UNKNOWN_CATEGORY] == ["img1: 'horse'"]
    assert report.count(CLIPPED) == 1 and report.count(EMPTY) == 0


def test_without_split_file_all_annotations_load(tmp_path: Path) -> None:
    _write_voc(tmp_path)
    records, _ = load_voc(tmp_path, None, CLASSES)
    assert [Path(r.image_path).name for r in records] == ["img1.jpg", "img2.jpg"]


def test_coco_json_is_a_valid_pycocotools_ground_truth(tmp_path: Path) -> None:
    records, _ = load_voc(tmp_path, _write_voc(tmp_path), CLASSES)
    gt = COCO()
    gt.dataset = voc_to_coco_json(records, CLASSES)
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
    assert [c["name"] for c in gt.loadCats(gt.getCatIds())] == CLASSES
    ann = gt.loadAnns(gt.getAnnIds(imgIds=[1]))[0]
    assert ann["bbox"] == [0.0, 0.0, 10.0, 20.0] and ann["area"] == 200.0 and ann["category_id"] == 2
    dets = [
        {"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
        for a in gt.dataset["annotations"]
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluator = COCOeval(gt, gt.loadRes(dets), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    assert evaluator.stats[0] > 0.999  # perfect detections give AP 1: the dict is evaluable as-is
