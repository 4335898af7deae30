"""Load a COCO instances json into `DetRecord`s with contiguous labels and a `DataReport`.

Category ids (arbitrary, possibly sparse, as in COCO's 1..90) map to labels 0..C-1 in sorted id order;
`label_to_category_id` inverts that for writing detections back in COCO form.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ppwarm.data.det.boxes import xywh_to_xyxy
from ppwarm.data.det.records import (
    EMPTY,
    UNKNOWN_CATEGORY,
    DataReport,
    DetRecord,
    clean_boxes,
    image_is_usable,
)


def _category_maps(categories: list[dict[str, Any]]) -> tuple[list[str], dict[int, int], dict[int, int]]:
    """(class names by label, category id -> label, label -> category id), labels in sorted id order."""
    ordered = sorted(categories, key=lambda c: int(c["id"]))
    names = [str(c["name"]) for c in ordered]
    cat_to_label = {int(c["id"]): label for label, c in enumerate(ordered)}
    return names, cat_to_label, {label: cat for cat, label in cat_to_label.items()}


def _image_boxes(
    anns: list[dict[str, Any]], cat_to_label: dict[int, int], report: DataReport, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Raw xyxy boxes and labels of one image's non-crowd annotations whose category is known."""
    boxes, labels = [], []
    for ann in anns:
        if ann.get("iscrowd", 0):
            continue
        cat = int(ann["category_id"])
        if cat not in cat_to_label:
            report.add(UNKNOWN_CATEGORY, f"{where}: category_id {cat}")
            continue
        boxes.append(ann["bbox"])
        labels.append(cat_to_label[cat])
    return xywh_to_xyxy(np.array(boxes, dtype=np.float32)), np.array(labels, dtype=np.int64)


def load_coco(
    ann_file: Path, image_dir: Path, *, skip_empty: bool = False
) -> tuple[list[DetRecord], list[str], dict[int, int], DataReport]:
    """Read `ann_file`; return (records, class_names, label_to_category_id, report).

    Records come in the json's image order. Images missing on disk (or whose header cv2 does not know) are
    dropped and counted; boxes are clipped to the image and dropped when a side is < 1 px; ``iscrowd=1``
    annotations are skipped silently (they are not training targets). Images left with no box are counted
    as empty and kept (evaluation needs them) unless `skip_empty` (training) is set.
    """
    data = json.loads(Path(ann_file).read_text(encoding="utf-8"))
    names, cat_to_label, label_to_cat = _category_maps(data.get("categories", []))
    by_image: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ann in data.get("annotations", []):
        by_image[int(ann["image_id"])].append(ann)
    report = DataReport()
    records = []
    for img in data.get("images", []):
        path = Path(image_dir) / img["file_name"]
        if not image_is_usable(path, report):
            continue
        width, height, image_id = int(img["width"]), int(img["height"]), int(img["id"])
        boxes, labels = _image_boxes(by_image.get(image_id, []), cat_to_label, report, img["file_name"])
        boxes, labels = clean_boxes(boxes, labels, width, height, report, img["file_name"])
        if len(boxes) == 0:
            report.add(EMPTY, img["file_name"])
            if skip_empty:
                continue
        records.append(DetRecord(str(path), boxes, labels, image_id, width, height))
    return records, names, label_to_cat, report
