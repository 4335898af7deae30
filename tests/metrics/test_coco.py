"""COCO mAP through pycocotools on hand-made cases with known answers."""

from __future__ import annotations

import pytest

from ppwarm.metrics.coco import coco_map


def ground_truth():
    images = [{"id": i, "width": 100, "height": 100, "file_name": f"{i}.jpg"} for i in (1, 2)]
    anns = [
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 30], "area": 900, "iscrowd": 0},
        {"id": 2, "image_id": 2, "category_id": 2, "bbox": [50, 50, 40, 20], "area": 800, "iscrowd": 0},
    ]
    cats = [{"id": 1, "name": "circle"}, {"id": 2, "name": "square"}]
    return {"images": images, "annotations": anns, "categories": cats}


def test_perfect_detections_score_one():
    dets = [
        {"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 0.9}
        for a in ground_truth()["annotations"]
    ]
    out = coco_map(ground_truth(), dets)
    assert out["map"] == pytest.approx(1.0) and out["map50"] == pytest.approx(1.0)
    assert out["AP50/circle"] == pytest.approx(1.0) and out["AP50/square"] == pytest.approx(1.0)


def test_half_found_and_shifted_boxes():
    # circle found exactly; square predicted with IoU 0.6 (passes .5, fails .75 and up)
    dets = [
        {"image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 30], "score": 0.9},
        {"image_id": 2, "category_id": 2, "bbox": [58, 50, 40, 20], "score": 0.8},
    ]
    out = coco_map(ground_truth(), dets)
    assert out["map50"] == pytest.approx(1.0)
    # square: IoU 32*20 / (40*20 + 8*20) = 640/960 = 0.667: counted at thresholds .50-.65 (4 of 10)
    assert out["AP50/square"] == pytest.approx(1.0)
    assert out["map"] == pytest.approx((1.0 + 0.4) / 2, abs=0.01)


def test_wrong_class_and_no_detections():
    wrong = [{"image_id": 1, "category_id": 2, "bbox": [10, 10, 30, 30], "score": 0.9}]
    assert coco_map(ground_truth(), wrong)["map50"] == 0.0
    assert coco_map(ground_truth(), []) == {"map": 0.0, "map50": 0.0, "AP50/circle": 0.0, "AP50/square": 0.0}
