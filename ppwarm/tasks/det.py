"""The detection task: a PP-YOLO-style model, COCO or VOC data (the synthetic demo set by default), mAP.

Data folders are resolved relative to the working directory. With `det.data.demo: true` and no dataset at
`det.data.root`, the synthetic COCO-format demo set is generated there once (a log line says so).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppwarm.data.det.coco import load_coco
from ppwarm.data.det.demo import ensure_demo_coco
from ppwarm.data.det.records import DetRecord
from ppwarm.data.det.voc import load_voc, voc_to_coco_json
from ppwarm.errors import ConfigError

log = logging.getLogger("ppwarm")


@dataclass
class DetData:
    """Records of both splits, class names, label -> COCO category id, and the validation ground truth."""

    train: list[DetRecord]
    val: list[DetRecord]
    class_names: list[str]
    label_to_category: dict[int, int]
    val_gt: dict[str, Any]


def _coco_data(data: dict[str, Any], root: Path) -> DetData:
    if data["demo"] and ensure_demo_coco(root):
        log.info("generated the synthetic demo detection set at %s", root)
    for key in ("train_ann", "val_ann"):
        if not (root / data[key]).is_file():
            raise ConfigError(f"det.data.{key}: {root / data[key]} does not exist (det.data.root = {root})")
    train, names, to_cat, report = load_coco(
        root / data["train_ann"], root / data["train_images"], skip_empty=True
    )
    val, _, _, val_report = load_coco(root / data["val_ann"], root / data["val_images"], skip_empty=False)
    for name, rep in (("train", report), ("val", val_report)):
        if rep.summary():
            log.warning("data problems in the %s split (handled):\n%s", name, rep.summary())
    gt = json.loads((root / data["val_ann"]).read_text(encoding="utf-8"))
    kept = {r.image_id for r in val}
    gt["images"] = [im for im in gt["images"] if im["id"] in kept]
    gt["annotations"] = [a for a in gt["annotations"] if a["image_id"] in kept]
    return DetData(train, val, names, to_cat, gt)


def _voc_data(data: dict[str, Any], root: Path) -> DetData:
    names = list(data["class_names"])
    if not names:
        raise ConfigError("det.data.class_names = []: a VOC dataset needs its class names, in label order")
    splits = {}
    for key in ("train_split", "val_split"):
        split_file = root / "ImageSets" / "Main" / f"{data[key]}.txt"
        if not split_file.is_file():
            raise ConfigError(f"det.data.{key}: {split_file} does not exist (det.data.root = {root})")
        records, report = load_voc(root, split_file, names)
        if report.summary():
            log.warning("data problems in %s (handled):\n%s", split_file.name, report.summary())
        splits[key] = records
    train = [r for r in splits["train_split"] if len(r.labels)]
    val = splits["val_split"]
    return DetData(train, val, names, {i: i + 1 for i in range(len(names))}, voc_to_coco_json(val, names))


def load_det_data(cfg: dict[str, Any]) -> DetData:
    """Both splits of the configured dataset. Raises ConfigError naming the key when files are missing."""
    data = cfg["det"]["data"]
    root = Path(data["root"])
    return _coco_data(data, root) if data["format"] == "coco" else _voc_data(data, root)


def train_set_size(cfg: dict[str, Any]) -> int:
    return len(load_det_data(cfg).train)


def build_det_task(cfg: dict[str, Any]):
    """Model, datasets, evaluation and the freeze-backbone hook of the detection task."""
    from ppwarm.data.det.dataset import DetEvalSet, DetTrainSet
    from ppwarm.engine.task_hooks import FreezePartHook
    from ppwarm.tasks.base import Task
    from ppwarm.tasks.det_eval import evaluate_detector

    det, data = cfg["det"], load_det_data(cfg)
    model = build_model(cfg, len(data.class_names))
    aug = det["augment"]
    epochs = math.ceil(cfg["epochs"])
    train = DetTrainSet(
        data.train,
        det["input_size"],
        seed=cfg["seed"],
        mosaic=aug["mosaic"],
        mixup=aug["mixup"],
        hsv=aug["hsv"],
        flip=aug["flip"],
        max_boxes=det["max_boxes"],
        close_mosaic_epochs=aug["close_mosaic_epochs"],
        epochs=epochs,
        size_schedule=[tuple(p) for p in aug["size_schedule"]] or None,
        scale=tuple(aug["scale"]),
        translate=aug["translate"],
    )
    val = DetEvalSet(data.val, det["eval_size"])
    hooks = []
    if det["freeze_backbone_last_epochs"]:
        hooks.append(FreezePartHook(model.parts["backbone"], epochs - det["freeze_backbone_last_epochs"]))

    def evaluate(m):
        return evaluate_detector(m, val, data.val_gt, data.label_to_category, batch_size=cfg["batch_size"])

    return Task(model, train, val, evaluate, metric="map", mode="max", hooks=hooks)


def build_model(cfg: dict[str, Any], num_classes: int):
    """The configured preset with the config's options (input size, SPP, DropBlock, CoordConv, NMS)."""
    from ppwarm.models.det.build import build_preset

    det = cfg["det"]
    return build_preset(
        det["model"],
        num_classes=num_classes,
        input_size=det["input_size"],
        spp=det["spp"],
        drop_block=det["drop_block"],
        coord_conv=det["coord_conv"],
        iou_aware=det["iou_aware"],
        label_smooth=det["label_smooth"],
        score_threshold=det["nms"]["score_threshold"],
        nms_threshold=det["nms"]["nms_threshold"],
        keep_top_k=det["nms"]["keep_top_k"],
    )
