"""PaddleOCR recognition label files (``relative/path<TAB>label`` per line), with per-file sampling ratios.

Bad lines are never silently fixed: labels with characters outside the dictionary or longer than
``max_text_length`` are dropped and counted (with a few examples), as are missing images and malformed
lines, in one `LabelReport` the caller logs once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ppwarm.data.rec.dictionary import CharDict

MAX_EXAMPLES = 3


@dataclass
class LabelReport:
    """Counts of kept and dropped lines; each drop reason keeps up to MAX_EXAMPLES example strings."""

    kept: int = 0
    unknown_chars: int = 0
    too_long: int = 0
    missing_images: int = 0
    malformed: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def _drop(self, reason: str, example: str) -> None:
        setattr(self, reason, getattr(self, reason) + 1)
        shown = self.examples.setdefault(reason, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(example)

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
        return f"label files: kept {self.kept}, dropped {self.dropped}\n  " + "\n  ".join(lines)


def _sample_lines(lines: list[str], ratio: float, rng: np.random.Generator) -> list[str]:
    """All lines for ratio >= 1, else round(len * ratio) of them chosen by `rng`, in file order."""
    if not ratio > 0:
        raise ValueError(f"sampling ratio must be > 0, got {ratio}")
    if ratio >= 1:
        return lines
    count = round(len(lines) * ratio)
    chosen = np.sort(rng.choice(len(lines), size=count, replace=False))
    return [lines[i] for i in chosen]


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
        lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
        for line in _sample_lines(lines, ratio, np.random.default_rng([seed, k])):
            rel, sep, text = line.partition("\t")
            if not sep or not rel or not text:  # CTC needs at least one target character
                report._drop("malformed", repr(line[:60]))
                continue
            unknown = char_dict.unknown_chars(text)
            if unknown:
                report._drop("unknown_chars", f"{text!r} has {''.join(sorted(unknown))!r}")
                continue
            if len(text) > max_text_length:
                report._drop("too_long", f"{text!r} ({len(text)} > {max_text_length})")
                continue
            image_path = Path(image_root) / rel
            if not image_path.is_file():
                report._drop("missing_images", str(image_path))
                continue
            samples.append((str(image_path), text))
            report.kept += 1
    return samples, report
