"""The `det` section: the detection task (PP-YOLO-style model, COCO or VOC data)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ppwarm.config.fields import Boolean, Choice, Integer, ListOf, Number, String
from ppwarm.config.typed import Section


@dataclass(frozen=True)
class DetDataConfig(Section):
    """`det.data`: where the detection dataset is and in which layout."""

    format: str = Choice("Dataset layout.", default="coco", choices=("coco", "voc")).as_field()
    root: str = String(
        "Dataset folder; relative paths are relative to the working directory.", default="data/demo_coco"
    ).as_field()
    demo: bool = Boolean(
        "Generate the synthetic demo set at root when it is missing (coco only).", default=True
    ).as_field()
    train_ann: str = String(
        "coco: training annotations, relative to root.", default="annotations/instances_train.json"
    ).as_field()
    train_images: str = String(
        "coco: training image folder, relative to root.", default="images/train"
    ).as_field()
    val_ann: str = String(
        "coco: validation annotations, relative to root.", default="annotations/instances_val.json"
    ).as_field()
    val_images: str = String(
        "coco: validation image folder, relative to root.", default="images/val"
    ).as_field()
    train_split: str = String(
        "voc: ImageSets/Main split file name of training images.", default="trainval"
    ).as_field()
    val_split: str = String(
        "voc: ImageSets/Main split file name of validation images.", default="test"
    ).as_field()
    class_names: tuple[str, ...] = ListOf(
        "voc: the class names, in label order.", default=(), item=String(required=True)
    ).as_field()


@dataclass(frozen=True)
class DetAugmentConfig(Section):
    """`det.augment`: training augmentation and progressive resizing."""

    mosaic: float = Number(
        "Probability of a 4-image Mosaic per sample.", default=1.0, minimum=0, maximum=1
    ).as_field()
    mixup: float = Number(
        "Probability of MixUp with a second sample.", default=0.0, minimum=0, maximum=1
    ).as_field()
    hsv: bool = Boolean("HSV colour jitter.", default=True).as_field()
    flip: float = Number("Probability of a horizontal flip.", default=0.5, minimum=0, maximum=1).as_field()
    scale: tuple[float, float] = ListOf(
        "Random rescale range [low, high] applied to every training image.",
        default=(0.5, 1.5),
        item=Number(minimum=0, exclusive_minimum=True, required=True),
        length=2,
    ).as_field()
    translate: float = Number(
        "Random shift, as a fraction of the input side.", default=0.1, minimum=0, maximum=0.5
    ).as_field()
    close_mosaic_epochs: int = Integer(
        "Switch Mosaic and MixUp off for the last N epochs.", default=0, minimum=0
    ).as_field()
    size_schedule: tuple[tuple[int, int], ...] = ListOf(
        "Progressive resizing: [[from_epoch, size], ...]; empty = det.input_size throughout.",
        default=(),
        item=ListOf(item=Integer(minimum=0, required=True), length=2, required=True),
    ).as_field()


@dataclass(frozen=True)
class DetNmsConfig(Section):
    """`det.nms`: post-processing of the detector's boxes."""

    score_threshold: float = Number(
        "Drop detections below this score.", default=0.01, minimum=0, maximum=1
    ).as_field()
    nms_threshold: float = Number(
        "IoU above which NMS suppresses a box of the same class.", default=0.45, minimum=0, maximum=1
    ).as_field()
    keep_top_k: int = Integer("Detections kept per image.", default=100, minimum=1).as_field()


@dataclass(frozen=True)
class DetConfig(Section):
    """`det`: the detection task's model, input sizes and dataset."""

    model: str = Choice(
        "Model preset.", default="ppyolo_tiny", choices=("ppyolo_tiny", "ppyolo_s", "ppyolo_r50")
    ).as_field()
    input_size: int = Integer("Training input side (a multiple of 32).", default=320, minimum=32).as_field()
    eval_size: int = Integer(
        "Evaluation and inference input side (a multiple of 32).", default=320, minimum=32
    ).as_field()
    spp: bool = Boolean("Spatial pyramid pooling on the deepest level.", default=True).as_field()
    drop_block: bool = Boolean("DropBlock in the neck.", default=False).as_field()
    coord_conv: bool = Boolean("CoordConv in the neck.", default=False).as_field()
    iou_aware: bool = Boolean("IoU-aware objectness branch.", default=True).as_field()
    label_smooth: float = Number(
        "Label smoothing of class targets.", default=0.0, minimum=0, maximum=0.5
    ).as_field()
    max_boxes: int = Integer(
        "Boxes per training image (extra ones are dropped).", default=50, minimum=1
    ).as_field()
    freeze_backbone_last_epochs: int = Integer(
        "Train only neck and head in the last N epochs.", default=0, minimum=0
    ).as_field()
    data: DetDataConfig = field(default_factory=DetDataConfig)
    augment: DetAugmentConfig = field(default_factory=DetAugmentConfig)
    nms: DetNmsConfig = field(default_factory=DetNmsConfig)
