"""A Pascal VOC folder goes through the detection task's data path and the same COCO evaluation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ppwarm.config import Config
from ppwarm.data.det.demo import make_demo_coco
from ppwarm.data.det.load import load_det_data
from ppwarm.errors import ConfigError
from ppwarm.metrics.coco import coco_map

OBJECT = (
    "<object><name>{name}</name><difficult>0</difficult><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin>"
    "<xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>"
)


def coco_to_voc(coco_root: Path, voc_root: Path) -> dict:
    """Write the demo set's val split as VOC (1-based inclusive pixel coordinates); return its COCO json."""
    ann = json.loads((coco_root / "annotations" / "instances_val.json").read_text())
    names = {c["id"]: c["name"] for c in ann["categories"]}
    for sub in ("Annotations", "JPEGImages", "ImageSets/Main"):
        (voc_root / sub).mkdir(parents=True)
    stems = []
    for image in ann["images"]:
        stem = Path(image["file_name"]).stem
        stems.append(stem)
        shutil.copy(
            coco_root / "images" / "val" / image["file_name"], voc_root / "JPEGImages" / f"{stem}.jpg"
        )
        objects = "".join(
            OBJECT.format(
                name=names[a["category_id"]],
                x1=round(a["bbox"][0]) + 1,
                y1=round(a["bbox"][1]) + 1,
                x2=round(a["bbox"][0] + a["bbox"][2]),
                y2=round(a["bbox"][1] + a["bbox"][3]),
            )
            for a in ann["annotations"]
            if a["image_id"] == image["id"]
        )
        size = (
            f"<size><width>{image['width']}</width><height>{image['height']}</height><depth>3</depth></size>"
        )
        xml = f"<annotation><filename>{stem}.jpg</filename>{size}{objects}</annotation>"
        (voc_root / "Annotations" / f"{stem}.xml").write_text(xml)
    for split in ("trainval", "test"):
        (voc_root / "ImageSets" / "Main" / f"{split}.txt").write_text("\n".join(stems) + "\n")
    return ann


def voc_config(make_config, root: Path, names: list[str]) -> Config:
    return make_config(
        {"task": "det", "det": {"data": {"format": "voc", "root": str(root), "class_names": names}}}
    )


def test_voc_data_through_the_task_and_coco_evaluation(make_config, tmp_path):
    coco_root = make_demo_coco(
        tmp_path / "coco", num_train=4, num_val=12, image_size=96, num_classes=3, seed=1
    )
    ann = coco_to_voc(coco_root, tmp_path / "voc")
    names = [c["name"] for c in sorted(ann["categories"], key=lambda c: c["id"])]
    data = load_det_data(voc_config(make_config, tmp_path / "voc", names).det.data)
    assert data.class_names == names and len(data.val) == 12 and data.label_to_category == {0: 1, 1: 2, 2: 3}
    voc_boxes = np.concatenate([r.boxes for r in data.val])
    coco_boxes = np.array(
        [
            [a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]
            for a in ann["annotations"]
        ]
    )
    np.testing.assert_allclose(voc_boxes, np.round(coco_boxes), atol=1.0)
    perfect = [
        {"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
        for a in data.val_gt["annotations"]
    ]
    assert coco_map(data.val_gt, perfect)["map50"] == pytest.approx(1.0)


def test_voc_without_class_names_is_a_config_error(make_config, tmp_path):
    with pytest.raises(ConfigError, match=r"det\.data\.class_names = \[\]"):
        load_det_data(voc_config(make_config, tmp_path, []).det.data)
