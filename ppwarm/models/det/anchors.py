"""Anchor boxes: the YOLOv3 COCO set, its rescaling to other input sizes, and the per-level split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# YOLOv3's nine k-means anchors on COCO at a 608 input (Redmon & Farhadi 2018), (w, h) in pixels.
COCO_ANCHORS: tuple[tuple[float, float], ...] = (
    (10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326),
)  # fmt: skip
ANCHOR_BASE_SIZE = 608
# Anchor indices per level, for strides 8, 16, 32 (YOLOv3's masks [[6,7,8],[3,4,5],[0,1,2]] for 32/16/8).
ANCHOR_MASKS: tuple[tuple[int, ...], ...] = ((0, 1, 2), (3, 4, 5), (6, 7, 8))
STRIDES: tuple[int, ...] = (8, 16, 32)


def scale_anchors(
    anchors: Sequence[Sequence[float]], input_size: int, base_size: int = ANCHOR_BASE_SIZE
) -> tuple[tuple[float, float], ...]:
    """Anchors made for `base_size` inputs, rescaled by input_size / base_size (same relative size)."""
    ratio = input_size / base_size
    return tuple((float(w) * ratio, float(h) * ratio) for w, h in anchors)


@dataclass(frozen=True)
class AnchorSet:
    """All anchors in input pixels, with which ones each level (stride) predicts.

    Invariant: `masks` partitions range(len(anchors)) and len(masks) == len(strides).
    """

    anchors: tuple[tuple[float, float], ...]
    masks: tuple[tuple[int, ...], ...] = ANCHOR_MASKS
    strides: tuple[int, ...] = STRIDES

    def __post_init__(self) -> None:
        flat = sorted(i for mask in self.masks for i in mask)
        if flat != list(range(len(self.anchors))) or len(self.masks) != len(self.strides):
            raise ValueError("anchor masks must partition the anchors, one mask per stride")

    @property
    def num_levels(self) -> int:
        return len(self.strides)

    def level_anchors(self, level: int) -> list[list[float]]:
        """The (w, h) anchors predicted at `level`, in mask order."""
        return [list(self.anchors[i]) for i in self.masks[level]]

    def anchor_level(self) -> list[int]:
        """Level of each anchor index."""
        out = [0] * len(self.anchors)
        for level, mask in enumerate(self.masks):
            for i in mask:
                out[i] = level
        return out

    def anchor_slot(self) -> list[int]:
        """Position of each anchor index inside its level's mask."""
        out = [0] * len(self.anchors)
        for mask in self.masks:
            for slot, i in enumerate(mask):
                out[i] = slot
        return out


def coco_anchor_set(input_size: int) -> AnchorSet:
    """The YOLOv3 COCO anchors rescaled to `input_size`, with YOLOv3's masks and strides."""
    return AnchorSet(scale_anchors(COCO_ANCHORS, input_size))
