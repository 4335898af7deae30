"""PP-YOLO-style detector: backbones, FPN/PAN neck, YOLO head, loss, decoding, NMS and builders."""

from ppwarm.models.det.anchors import COCO_ANCHORS, AnchorSet, coco_anchor_set, scale_anchors
from ppwarm.models.det.build import BACKBONES, PRESETS, build_ppyolo, build_preset
from ppwarm.models.det.info import model_info
from ppwarm.models.det.ppyolo import PPYOLO

__all__ = [
    "BACKBONES",
    "COCO_ANCHORS",
    "PPYOLO",
    "PRESETS",
    "AnchorSet",
    "build_ppyolo",
    "build_preset",
    "coco_anchor_set",
    "model_info",
    "scale_anchors",
]
