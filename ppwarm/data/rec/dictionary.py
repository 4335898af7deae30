"""Character dictionaries for CTC recognition: index 0 is the blank, characters are 1..C."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class CharDict:
    """Maps characters to 1-based class indices (0 is reserved for the CTC blank).

    With `use_space` a space character is appended after `chars` (unless already present), as PaddleOCR
    does for ``use_space_char``.
    """

    def __init__(self, chars: list[str], use_space: bool = False) -> None:
        chars = list(chars)
        if use_space and " " not in chars:
            chars.append(" ")
        bad = [c for c in chars if len(c) != 1]
        if bad:
            raise ValueError(f"dictionary entries must be single characters, got {bad[:3]}")
        if len(set(chars)) != len(chars):
            dupes = sorted({c for c in chars if chars.count(c) > 1})
            raise ValueError(f"dictionary has duplicate characters: {dupes[:5]}")
        self.chars = chars
        self.use_space = use_space
        self._index = {c: i + 1 for i, c in enumerate(chars)}

    @property
    def num_classes(self) -> int:
        """Output classes of a CTC head: every character plus the blank."""
        return len(self.chars) + 1

    def unknown_chars(self, text: str) -> set[str]:
        return {c for c in text if c not in self._index}

    def encode(self, text: str) -> list[int] | None:
        """1-based indices of `text`'s characters, or None if any character is not in the dictionary."""
        try:
            return [self._index[c] for c in text]
        except KeyError:
            return None

    def decode(self, indices: Iterable[int]) -> str:
        """Characters of the given 1-based indices; 0 (blank/padding) is skipped. No CTC collapsing."""
        return "".join(self.chars[i - 1] for i in (int(i) for i in indices) if i > 0)

    def __len__(self) -> int:
        return len(self.chars)


def load_dict(path: Path, use_space: bool = False) -> CharDict:
    """Read a PaddleOCR-style dictionary: one character per line (blank lines skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return CharDict([line.rstrip("\r\n") for line in lines if line.rstrip("\r\n")], use_space=use_space)
