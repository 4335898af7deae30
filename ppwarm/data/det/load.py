"""Detection datasets as the `det.data` section describes them: COCO json or Pascal VOC folders.

Data folders are resolved relative to the working directory. With `demo: true` and no dataset at `root`,
the synthetic COCO-format demo set is generated there once (a log line says so).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppwarm.data.det.coco import load_coco
from ppwarm.data.det.demo import ensure_demo_coco
from ppwarm.data.det.records import DetRecord
from ppwarm.data.det.voc import load_voc, voc_to_coco_json
from ppwarm.errors import ConfigError

if TYPE_CHECKING:  # the config room shares this floor: its types only, never at run time
    from ppwarm.config.sections.det import DetDataConfig

log = logging.getLogger("ppwarm")


@dataclass
class DetData:
    """Records of both splits, class names, label -> COCO category id, and the validation ground truth."""

    train: list[DetRecord]
    val: list[DetRecord]
    class_names: list[str]
    label_to_category: dict[int, int]
    val_gt: dict[str, Any]


def _coco_data(data: DetDataConfig, root: Path) -> DetData:
    if data.demo and ensure_demo_coco(root):
        log.info("generated the synthetic demo detection set at %s", root)
    for key, ann in (("train_ann", data.train_ann), ("val_ann", data.val_ann)):
        if not (root / ann).is_file():
            raise ConfigError(f"det.data.{key}: {root / ann} does not exist (det.data.root = {root})")
    train, names, to_cat, report = load_coco(root / data.train_ann, root / data.train_images, skip_empty=True)
    val, _, _, val_report = load_coco(root / data.val_ann, root / data.val_images, skip_empty=False)
    for name, rep in (("train", report), ("val", val_report)):
        if rep.summary():
            log.warning("data problems in the %s split (handled):\n%s", name, rep.summary())
    gt = json.loads((root / data.val_ann).read_text(encoding="utf-8"))
    kept = {r.image_id for r in val}
    gt["images"] = [im for im in gt["images"] if im["id"] in kept]
    gt["annotations"] = [a for a in gt["annotations"] if a["image_id"] in kept]
    return DetData(train, val, names, to_cat, gt)


def _voc_data(data: DetDataConfig, root: Path) -> DetData:
    names = list(data.class_names)
    if not names:
        raise ConfigError("det.data.class_names = []: a VOC dataset needs its class names, in label order")
    splits = {}
    for key, split in (("train_split", data.train_split), ("val_split", data.val_split)):
        split_file = root / "ImageSets" / "Main" / f"{split}.txt"
        if not split_file.is_file():
            raise ConfigError(f"det.data.{key}: {split_file} does not exist (det.data.root = {root})")
        records, report = load_voc(root, split_file, names)
        if report.summary():
            log.warning("data problems in %s (handled):\n%s", split_file.name, report.summary())
        splits[key] = records
    train = [r for r in splits["train_split"] if len(r.labels)]
    val = splits["val_split"]
    return DetData(train, val, names, {i: i + 1 for i in range(len(names))}, voc_to_coco_json(val, names))


def load_det_data(data: DetDataConfig) -> DetData:
    """Both splits of the dataset the `det.data` section describes.

    Raises ConfigError naming the key when files are missing.
    """
    root = Path(data.root)
    return _coco_data(data, root) if data.format == "coco" else _voc_data(data, root)
