"""Load a Pascal VOC folder into `DetRecord`s, and build a COCO ground-truth dict from records.

Layout: ``root/Annotations/<stem>.xml``, ``root/JPEGImages/<stem>.jpg``, and a split file (usually
``root/ImageSets/Main/<split>.txt``) with one stem per line. VOC pixel coordinates are 1-based and
inclusive, so ``xmin..xmax`` covers ``xmax - xmin + 1`` pixels; in our 0-based continuous coordinates that
is ``x1 = xmin - 1, x2 = xmax`` (likewise for y), which keeps the box width equal to the pixel count.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from ppwarm.data.det.boxes import xyxy_to_xywh
from ppwarm.data.det.records import (
    EMPTY,
    MISSING_ANNOTATION,
    UNKNOWN_CATEGORY,
    DataReport,
    DetRecord,
    clean_boxes,
    image_is_usable,
)


def _stems(root: Path, split_file: Path | None) -> list[str]:
    """Stems listed in `split_file` (blank lines ignored), or every xml in Annotations, sorted."""
    if split_file is None:
        return sorted(p.stem for p in (root / "Annotations").glob("*.xml"))
    lines = Path(split_file).read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def _objects(
    tree: ET.ElementTree, class_index: dict[str, int], report: DataReport, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (0-based xyxy) and labels of the non-difficult objects whose class is in `class_index`."""
    boxes, labels = [], []
    for obj in tree.findall("object"):
        if int(obj.findtext("difficult", "0") or 0):
            continue
        name = (obj.findtext("name") or "").strip()
        if name not in class_index:
            report.add(UNKNOWN_CATEGORY, f"{where}: {name!r}")
            continue
        bb = obj.find("bndbox")
        xmin, ymin, xmax, ymax = (float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        boxes.append([xmin - 1, ymin - 1, xmax, ymax])
        labels.append(class_index[name])
    return np.array(boxes, dtype=np.float32).reshape(-1, 4), np.array(labels, dtype=np.int64)


def load_voc(
    root: Path, split_file: Path | None, class_names: list[str]
) -> tuple[list[DetRecord], DataReport]:
    """Read the VOC images named by `split_file` (all annotations when None); labels index `class_names`.

    Image ids are 1-based positions in the split. Missing xml files and missing or unreadable images are
    counted and dropped; images left without boxes are kept and counted as empty (as in `load_coco`).
    """
    root = Path(root)
    class_index = {name: i for i, name in enumerate(class_names)}
    report = DataReport()
    records = []
    for image_id, stem in enumerate(_stems(root, split_file), start=1):
        xml_path = root / "Annotations" / f"{stem}.xml"
        if not xml_path.is_file():
            report.add(MISSING_ANNOTATION, str(xml_path))
            continue
        image_path = root / "JPEGImages" / f"{stem}.jpg"
        if not image_is_usable(image_path, report):
            continue
        tree = ET.parse(xml_path)
        width, height = int(tree.findtext("size/width")), int(tree.findtext("size/height"))
        boxes, labels = _objects(tree, class_index, report, stem)
        boxes, labels = clean_boxes(boxes, labels, width, height, report, stem)
        if len(boxes) == 0:
            report.add(EMPTY, stem)
        records.append(DetRecord(str(image_path), boxes, labels, image_id, width, height))
    return records, report


def voc_to_coco_json(records: list[DetRecord], class_names: list[str]) -> dict[str, Any]:
    """A COCO ground-truth dict of `records`: category id = label + 1, bbox xywh, area = w * h.

    Feed it to pycocotools (``COCO(); coco.dataset = d; coco.createIndex()``) so VOC data is evaluated by
    the same code path as COCO; the matching ``label_to_category_id`` is ``{i: i + 1}``.
    """
    images, annotations = [], []
    for rec in records:
        images.append(
            {
                "id": rec.image_id,
                "file_name": Path(rec.image_path).name,
                "width": rec.width,
                "height": rec.height,
            }
        )
        for box, label in zip(xyxy_to_xywh(rec.boxes), rec.labels, strict=True):
            ann_id = len(annotations) + 1
            x, y, w, h = (float(v) for v in box)
            annotations.append(
                {
                    "id": ann_id,
                    "image_id": rec.image_id,
                    "category_id": int(label) + 1,
                    "bbox": [x, y, w, h],
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
    categories = [{"id": i + 1, "name": name} for i, name in enumerate(class_names)]
    return {"images": images, "annotations": annotations, "categories": categories}
