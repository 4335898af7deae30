"""COCO-style detection metrics through pycocotools: mAP@[.5:.95], mAP@.5 and AP per class.

Ground truth is a COCO dict (for VOC data, built by ppwarm.data.det.voc.voc_to_coco_json); detections are
COCO result dicts {image_id, category_id, bbox: [x, y, w, h], score} in original-image pixels.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np


def _coco(gt: dict[str, Any]):
    from pycocotools.coco import COCO

    coco = COCO()
    coco.dataset = gt
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def coco_map(gt: dict[str, Any], detections: list[dict[str, Any]]) -> dict[str, float]:
    """{"map": mAP@[.5:.95], "map50": mAP@.5, "AP50/<class>": per-class AP@.5}; zeros without detections.

    Only the images present in `gt` are evaluated; pycocotools' console tables are swallowed.
    """
    from pycocotools.cocoeval import COCOeval

    names = {c["id"]: c["name"] for c in gt["categories"]}
    if not detections:
        return {"map": 0.0, "map50": 0.0, **{f"AP50/{n}": 0.0 for n in names.values()}}
    coco_gt = _coco(gt)
    with contextlib.redirect_stdout(io.StringIO()):
        coco_dt = coco_gt.loadRes(detections)
        ev = COCOeval(coco_gt, coco_dt, iouType="bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    out = {"map": float(ev.stats[0]), "map50": float(ev.stats[1])}
    precision = ev.eval["precision"]  # [iou thresholds, recall, classes, area ranges, max dets]
    for k, cat_id in enumerate(ev.params.catIds):
        values = precision[0, :, k, 0, -1]  # IoU 0.5, all areas, 100 detections
        values = values[values > -1]
        out[f"AP50/{names[cat_id]}"] = float(np.mean(values)) if values.size else 0.0
    return out
