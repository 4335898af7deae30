"""PaddleOCR recognition labels: label files (``relative/path<TAB>label`` per line) with per-file sampling
ratios, and the rules every label source (label files, LMDB) shares.

Bad labels are never silently fixed: labels with characters outside the dictionary or longer than
``max_text_length`` are dropped and counted (with a few examples), as are missing images and malformed
lines, in one `LabelReport` the caller logs once. `judge_text` is the one judge of a label text and
`sample_subset` the one sampling rule, whatever the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from ppwarm.data.rec.dictionary import CharDict

T = TypeVar("T")
MAX_EXAMPLES = 3


@dataclass
class LabelReport:
    """Counts of kept and dropped labels (lines or LMDB records); each drop reason keeps up to
    MAX_EXAMPLES example strings."""

    kept: int = 0
    unknown_chars: int = 0
    too_long: int = 0
    missing_images: int = 0
    malformed: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, example: str) -> None:
        """Count one dropped label under `reason` (a count attribute), keeping `example` if few are kept."""
        setattr(self, reason, getattr(self, reason) + 1)
        shown = self.examples.setdefault(reason, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(example)

    def admit(self, text: str, char_dict: CharDict, max_text_length: int) -> bool:
        """True if the recognizer can train on `text`; otherwise count its drop (see `judge_text`)."""
        problem = judge_text(text, char_dict, max_text_length)
        if problem is not None:
            self.drop(*problem)
        return problem is None

    @property
    def dropped(self) -> int:
        return self.unknown_chars + self.too_long + self.missing_images + self.malformed

    def summary(self) -> str:
        """One line per drop reason with its examples; "" when nothing was dropped."""
        lines = []
        for reason in ("unknown_chars", "too_long", "missing_images", "malformed"):
            count = getattr(self, reason)
            if count:
                lines.append(f"{reason}: {count} (e.g. {'; '.join(self.examples[reason])})")
        if not lines:
            return ""
        return f"labels: kept {self.kept}, dropped {self.dropped}\n  " + "\n  ".join(lines)


def judge_text(text: str, char_dict: CharDict, max_text_length: int) -> tuple[str, str] | None:
    """``(drop reason, example)`` when `text` has characters outside `char_dict` or more than
    `max_text_length` of them (checked in that order), else None. Empty texts are the caller's
    `malformed` case: each source says what an empty label looks like."""
    unknown = char_dict.unknown_chars(text)
    if unknown:
        return "unknown_chars", f"{text!r} has {''.join(sorted(unknown))!r}"
    if len(text) > max_text_length:
        return "too_long", f"{text!r} ({len(text)} > {max_text_length})"
    return None


def sample_subset(items: Sequence[T], ratio: float, rng: np.random.Generator) -> Sequence[T]:
    """All `items` for ratio >= 1, else round(len * ratio) of them chosen by `rng`, in their order."""
    if not ratio > 0:
        raise ValueError(f"sampling ratio must be > 0, got {ratio}")
    if ratio >= 1:
        return items
    count = round(len(items) * ratio)
    chosen = np.sort(rng.choice(len(items), size=count, replace=False))
    return [items[i] for i in chosen]


def read_label_lines(path: Path) -> list[str]:
    """The non-empty lines of a label file (the items that ratios sample)."""
    return [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]


def parse_label_line(line: str, report: LabelReport) -> tuple[str, str] | None:
    """``(relative_path, text)`` of a ``path<TAB>text`` line; None, counted as malformed, when a part is
    missing (CTC needs at least one target character)."""
    rel, sep, text = line.partition("\t")
    if not sep or not rel or not text:
        report.drop("malformed", repr(line[:60]))
        return None
    return rel, text


def existing_image(image_root: Path, rel: str, report: LabelReport) -> Path | None:
    """``image_root / rel`` if it is a file, else None, counted as a missing image."""
    image_path = Path(image_root) / rel
    if not image_path.is_file():
        report.drop("missing_images", str(image_path))
        return None
    return image_path


def load_label_files(
    files: list[tuple[Path, float]],
    image_root: Path,
    char_dict: CharDict,
    max_text_length: int,
    seed: int,
) -> tuple[list[tuple[str, str]], LabelReport]:
    """Read every ``(label_file, ratio)`` and return ``([(image_path, text), ...], report)``.

    Image paths are ``image_root / relative_path`` as strings. The subset chosen for file k with ratio < 1
    depends only on ``(seed, k)`` and the file's non-empty lines, so it is the same on every rank and run.
    """
    samples: list[tuple[str, str]] = []
    report = LabelReport()
    for k, (path, ratio) in enumerate(files):
        for line in sample_subset(read_label_lines(path), ratio, np.random.default_rng([seed, k])):
            pair = parse_label_line(line, report)
            if pair is None or not report.admit(pair[1], char_dict, max_text_length):
                continue
            image_path = existing_image(image_root, pair[0], report)
            if image_path is None:
                continue
            samples.append((str(image_path), pair[1]))
            report.kept += 1
    return samples, report
