"""The detection task: a PP-YOLO-style model, COCO or VOC data (the synthetic demo set by default), mAP."""

from __future__ import annotations

import math

from ppwarm.config import Config
from ppwarm.data.det.load import load_det_data


def train_set_size(cfg: Config) -> int:
    return len(load_det_data(cfg.det.data).train)


def build_det_task(cfg: Config):
    """Model, datasets, evaluation and the freeze-backbone hook of the detection task."""
    from ppwarm.data.det.dataset import DetEvalSet, DetTrainSet
    from ppwarm.engine.hooks.epoch import FreezePartHook
    from ppwarm.engine.task import Task
    from ppwarm.tasks.det_eval import evaluate_detector

    det, data = cfg.det, load_det_data(cfg.det.data)
    model = build_model(cfg, len(data.class_names))
    aug = det.augment
    epochs = math.ceil(cfg.epochs)
    train = DetTrainSet(
        data.train,
        det.input_size,
        seed=cfg.seed,
        mosaic=aug.mosaic,
        mixup=aug.mixup,
        hsv=aug.hsv,
        flip=aug.flip,
        max_boxes=det.max_boxes,
        close_mosaic_epochs=aug.close_mosaic_epochs,
        epochs=epochs,
        size_schedule=list(aug.size_schedule) or None,
        scale=aug.scale,
        translate=aug.translate,
    )
    val = DetEvalSet(data.val, det.eval_size)
    hooks = []
    if det.freeze_backbone_last_epochs:
        hooks.append(FreezePartHook(model.parts["backbone"], epochs - det.freeze_backbone_last_epochs))

    def evaluate(m):
        return evaluate_detector(m, val, data.val_gt, data.label_to_category, batch_size=cfg.batch_size)

    return Task(model, train, val, evaluate, metric="map", mode="max", hooks=hooks)


def build_model(cfg: Config, num_classes: int):
    """The configured preset with the config's options (input size, SPP, DropBlock, CoordConv, NMS)."""
    from ppwarm.models.det.build import build_preset

    det = cfg.det
    return build_preset(
        det.model,
        num_classes=num_classes,
        input_size=det.input_size,
        spp=det.spp,
        drop_block=det.drop_block,
        coord_conv=det.coord_conv,
        iou_aware=det.iou_aware,
        label_smooth=det.label_smooth,
        score_threshold=det.nms.score_threshold,
        nms_threshold=det.nms.nms_threshold,
        keep_top_k=det.nms.keep_top_k,
    )
