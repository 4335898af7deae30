"""Explicit builders for PP-YOLO detectors and the named presets.

`build_ppyolo` wires backbone -> PPYOLONeck -> YOLOHead with the loss and NMS settings; backbones come
from the `BACKBONES` dict (name -> builder), presets from `PRESETS` (name -> build_ppyolo keywords).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paddle import nn

from ppwarm.models.det.anchors import coco_anchor_set
from ppwarm.models.det.head import YOLOHead
from ppwarm.models.det.info import model_info
from ppwarm.models.det.loss import YOLOv3Loss
from ppwarm.models.det.mobilenet_v3 import MobileNetV3
from ppwarm.models.det.neck import PPYOLONeck
from ppwarm.models.det.nms import NMSConfig
from ppwarm.models.det.ppyolo import PPYOLO
from ppwarm.models.det.resnet_vd import ResNetVd

# model_info is re-exported here: callers find the builders and the size report in one module.
__all__ = ["BACKBONES", "PRESETS", "build_ppyolo", "build_preset", "model_info"]

# PP-YOLO's fixed settings (Long et al. 2020 / its reference config): grid-sensitive scale 1.05 at every
# level, IoU-aware factor 0.5, ignore threshold 0.7, IoU loss weight 2.5.
SCALE_X_Y = 1.05
IOU_AWARE_FACTOR = 0.5
IGNORE_THRESH = 0.7
IOU_LOSS_WEIGHT = 2.5


def _mobilenet_v3(*, scale: float, depth: int) -> nn.Layer:
    del depth  # MobileNetV3 has one depth
    return MobileNetV3(scale=scale)


def _resnet_vd(*, scale: float, depth: int) -> nn.Layer:
    del scale  # ResNet-vd is built at its standard widths
    return ResNetVd(depth=depth)


BACKBONES: dict[str, Callable[..., nn.Layer]] = {"mobilenet_v3": _mobilenet_v3, "resnet_vd": _resnet_vd}

PRESETS: dict[str, dict[str, Any]] = {
    # Mobile-size: MobileNetV3 x0.5, narrow FPN, no PAN; SPP and IoU-aware only (cheap tricks).
    "ppyolo_tiny": {"backbone": "mobilenet_v3", "scale": 0.5, "neck_channels": (32, 64, 128)},
    # MobileNetV3 x1.0 with the default FPN widths + PAN (PP-YOLOv2 style), DropBlock and CoordConv.
    "ppyolo_s": {
        "backbone": "mobilenet_v3",
        "scale": 1.0,
        "neck_channels": (64, 128, 256),
        "pan": True,
        "drop_block": True,
        "coord_conv": True,
    },
    # The paper's model minus DCN: ResNet50-vd, FPN (256, 512, 1024 halved), all tricks, 608 input.
    "ppyolo_r50": {
        "backbone": "resnet_vd",
        "depth": 50,
        "neck_channels": (128, 256, 512),
        "drop_block": True,
        "coord_conv": True,
        "input_size": 608,
    },
}


def build_ppyolo(
    *,
    num_classes: int,
    backbone: str = "mobilenet_v3",
    scale: float = 0.5,
    depth: int = 50,
    neck_channels: tuple[int, int, int] = (64, 128, 256),
    spp: bool = True,
    drop_block: bool = False,
    coord_conv: bool = False,
    iou_aware: bool = True,
    label_smooth: float = 0.0,
    input_size: int = 320,
    score_threshold: float = 0.01,
    nms_threshold: float = 0.45,
    keep_top_k: int = 100,
    pan: bool = False,
    nms_method: str = "matrix",
) -> PPYOLO:
    """A PP-YOLO detector for `num_classes` classes whose anchors are sized for `input_size` inputs.

    Raises ValueError for an unknown backbone, ResNet depth or NMS method.
    """
    if backbone not in BACKBONES:
        raise ValueError(f"unknown backbone {backbone!r}; choose one of {sorted(BACKBONES)}")
    body = BACKBONES[backbone](scale=scale, depth=depth)
    neck = PPYOLONeck(
        body.out_channels, neck_channels, pan=pan, spp=spp, drop_block=drop_block, coord_conv=coord_conv
    )
    anchor_set = coco_anchor_set(input_size)
    # Objectness prior: about one object per level at init, p = 1 / (anchors x cells at input_size).
    obj_priors = [
        1.0 / (len(m) * (input_size // s) ** 2)
        for m, s in zip(anchor_set.masks, anchor_set.strides, strict=True)
    ]
    head = YOLOHead(neck.out_channels, num_classes, iou_aware=iou_aware, obj_priors=obj_priors)
    loss = YOLOv3Loss(
        anchor_set,
        num_classes,
        iou_aware=iou_aware,
        scale_x_y=SCALE_X_Y,
        ignore_thresh=IGNORE_THRESH,
        label_smooth=label_smooth,
        iou_weight=IOU_LOSS_WEIGHT,
    )
    nms = NMSConfig(score_threshold, nms_threshold, keep_top_k, method=nms_method)
    return PPYOLO(
        body,
        neck,
        head,
        anchor_set=anchor_set,
        loss=loss,
        nms=nms,
        scale_x_y=SCALE_X_Y,
        iou_aware_factor=IOU_AWARE_FACTOR,
    )


def build_preset(name: str, **overrides: Any) -> PPYOLO:
    """build_ppyolo(**PRESETS[name], **overrides); `num_classes` must be given. KeyError if unknown."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}")
    return build_ppyolo(**{**PRESETS[name], **overrides})
