"""What a loader hands to the datasets: one `DetRecord` per image and a `DataReport` of what it skipped.

Loaders never raise on bad annotations: they fix what they can (clip boxes to the image), drop what they
cannot (missing files, degenerate boxes, unknown classes) and count each case in the report, which the
caller logs once before training starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ppwarm.data.det.boxes import MIN_BOX_SIZE

# Report kinds, in the order `DataReport.summary` prints them.
MISSING_IMAGE = "missing image"
UNREADABLE_IMAGE = "unreadable image"
MISSING_ANNOTATION = "missing annotation"
EMPTY = "empty annotations"
CLIPPED = "boxes clipped to the image"
DEGENERATE = "degenerate boxes dropped"
UNKNOWN_CATEGORY = "unknown category"
KINDS = (MISSING_IMAGE, UNREADABLE_IMAGE, MISSING_ANNOTATION, EMPTY, CLIPPED, DEGENERATE, UNKNOWN_CATEGORY)
MAX_EXAMPLES = 3


@dataclass
class DetRecord:
    """One image and its usable boxes: xyxy float32 in original pixels, clipped, each side >= 1 px."""

    image_path: str
    boxes: np.ndarray  # [N, 4] float32, x1 y1 x2 y2
    labels: np.ndarray  # [N] int64, contiguous 0..C-1
    image_id: int
    width: int
    height: int


@dataclass
class DataReport:
    """Counts of data problems per kind (see `KINDS`), with up to `MAX_EXAMPLES` example strings each."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str, count: int = 1) -> None:
        """Count `count` problems of `kind`; keep `example` while fewer than MAX_EXAMPLES are stored."""
        if kind not in KINDS:
            raise ValueError(f"unknown report kind {kind!r}; expected one of {KINDS}")
        self.counts[kind] = self.counts.get(kind, 0) + count
        stored = self.examples.setdefault(kind, [])
        if len(stored) < MAX_EXAMPLES:
            stored.append(example)

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """One line per kind that occurred, e.g. ``missing image: 2 (e.g. a.jpg; b.jpg)``; '' when clean."""
        lines = []
        for kind in KINDS:
            if self.count(kind):
                lines.append(f"{kind}: {self.count(kind)} (e.g. {'; '.join(self.examples[kind])})")
        return "\n".join(lines)


def image_is_usable(path: Path, report: DataReport) -> bool:
    """True when `path` exists and its header names a format cv2 decodes; counts the failure otherwise.

    Only the file signature is read (no decoding), so this stays cheap for large datasets. A truncated
    file with a valid header passes here and fails later, with the file named, in `transforms.load_image`.
    """
    if not path.is_file():
        report.add(MISSING_IMAGE, str(path))
        return False
    if not cv2.haveImageReader(str(path)):
        report.add(UNREADABLE_IMAGE, str(path))
        return False
    return True


def clean_boxes(
    boxes: np.ndarray, labels: np.ndarray, width: int, height: int, report: DataReport, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Clip annotation boxes to the image and drop those with a side < MIN_BOX_SIZE, counting both."""
    boxes = boxes.astype(np.float32).reshape(-1, 4)
    clipped = boxes.copy()
    np.clip(clipped[:, 0::2], 0, width, out=clipped[:, 0::2])
    np.clip(clipped[:, 1::2], 0, height, out=clipped[:, 1::2])
    changed = np.any(clipped != boxes, axis=1)
    keep = np.all(clipped[:, 2:] - clipped[:, :2] >= MIN_BOX_SIZE, axis=1)
    for row in np.flatnonzero(changed & keep):
        report.add(CLIPPED, f"{where}: {boxes[row].tolist()} -> {clipped[row].tolist()}")
    for row in np.flatnonzero(~keep):
        report.add(DEGENERATE, f"{where}: {boxes[row].tolist()}")
    return clipped[keep], labels.astype(np.int64)[keep]
