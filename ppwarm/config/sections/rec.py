"""The `rec` section: the text-recognition task (CRNN, PaddleOCR label files or LMDB)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ppwarm.config.fields import Boolean, Choice, Integer, ListOf, NumberList, String
from ppwarm.config.typed import Section


@dataclass(frozen=True)
class RecDataConfig(Section):
    """`rec.data`: where the text-line dataset is and in which format."""

    root: str = String(
        "Dataset folder (label files and dictionary are relative to it).", default="data/demo_rec/digits"
    ).as_field()
    format: str = Choice(
        "labels: train_files/val_file are PaddleOCR label files; lmdb: they are folders, each searched "
        "for PaddleOCR LMDB environments (subfolders holding data.mdb).",
        default="labels",
        choices=("labels", "lmdb"),
    ).as_field()
    demo: str = Choice(
        "Generate this synthetic demo set (label files) at root when it is missing; none = never; "
        "ignored with format: lmdb.",
        default="digits",
        choices=("none", "digits", "hex", "alnum"),
    ).as_field()
    train_files: tuple[str, ...] = ListOf(
        "Training label files (path<TAB>label per line), or LMDB folders with format: lmdb; "
        "relative to root.",
        default=("train.txt",),
        item=String(required=True),
    ).as_field()
    train_ratios: tuple[float, ...] = NumberList(
        "Sampling ratio of each train_files entry (1 = all its lines or LMDB records).",
        default=(1.0,),
        minimum=0,
        maximum=1,
    ).as_field()
    val_file: str = String(
        "Validation label file, or LMDB folder with format: lmdb; relative to root.", default="val.txt"
    ).as_field()
    dict: str = String(
        "Character dictionary, one character per line, relative to root.", default="dict.txt"
    ).as_field()
    use_space: bool = Boolean("Add the space character to the dictionary.", default=False).as_field()


@dataclass(frozen=True)
class RecConfig(Section):
    """`rec`: the text-recognition task's model, input shape and dataset."""

    model: str = Choice(
        "Recognizer preset.", default="crnn_mv3_small", choices=("crnn_mv3_small", "crnn_mv3_large")
    ).as_field()
    shape: tuple[int, int, int] = ListOf(
        "Input [channels, height, width].",
        default=(3, 32, 100),
        item=Integer(minimum=1, required=True),
        length=3,
    ).as_field()
    max_text_length: int = Integer(
        "Longest label; longer ones are counted and skipped.", default=25, minimum=1
    ).as_field()
    augment: bool = Boolean("Blur, noise, perspective and colour augmentation.", default=True).as_field()
    freeze_backbone_epochs: int = Integer(
        "Train only neck and head for the first N epochs (fine-tuning).", default=0, minimum=0
    ).as_field()
    data: RecDataConfig = field(default_factory=RecDataConfig)
