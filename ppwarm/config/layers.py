"""Config trees with provenance, and the one merge rule used for bases and overrides alike."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

KeyPath = tuple[Any, ...]


@dataclass(frozen=True)
class Layer:
    """A config tree plus, for every key path in it, the file or `-o` text that set it last.

    Invariant: every path of `tree` (sections and leaves) has an entry in `sources`.
    """

    tree: dict = field(default_factory=dict)
    sources: dict[KeyPath, str] = field(default_factory=dict)

    @classmethod
    def from_tree(cls, tree: dict, source: str) -> Layer:
        """Wrap a tree read from one place: every path in it comes from `source`."""
        sources: dict[KeyPath, str] = {}
        _record_paths(tree, (), source, sources)
        return cls(copy.deepcopy(tree), sources)

    def source_of(self, path: KeyPath) -> str:
        """Where the value at `path` (or the closest enclosing section that exists) was set."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.sources:
                return self.sources[path[:end]]
        return "built-in defaults"


def _record_paths(tree: dict, prefix: KeyPath, source: str, sources: dict[KeyPath, str]) -> None:
    for key, value in tree.items():
        path = (*prefix, key)
        sources[path] = source
        if isinstance(value, dict):
            _record_paths(value, path, source, sources)


def merge(base: Layer, top: Layer) -> Layer:
    """Put `top` over `base`: mappings merge key by key, anything else in `top` replaces whole.

    Lists are replaced, never concatenated; a None in `top` replaces too (that is how a child clears a
    value). Neither input is modified; the result keeps the Layer invariant.
    """
    sources = dict(base.sources)
    tree = _merge_dicts(base.tree, top.tree, (), top.sources, sources)
    return Layer(tree, sources)


def _merge_dicts(
    base: dict, top: dict, prefix: KeyPath, top_sources: dict[KeyPath, str], sources: dict[KeyPath, str]
) -> dict:
    out = dict(base)
    for key, value in top.items():
        path = (*prefix, key)
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = _merge_dicts(out[key], value, path, top_sources, sources)
        else:
            _replace_below(path, top_sources, sources)
            out[key] = copy.deepcopy(value)
        sources[path] = top_sources[path]
    return out


def _is_below(sub: KeyPath, path: KeyPath) -> bool:
    return len(sub) > len(path) and sub[: len(path)] == path


def _replace_below(path: KeyPath, top_sources: dict[KeyPath, str], sources: dict[KeyPath, str]) -> None:
    """The value at `path` is replaced whole: provenance below it now comes from the top layer only."""
    for sub in [sub for sub in sources if _is_below(sub, path)]:
        del sources[sub]
    sources.update((sub, origin) for sub, origin in top_sources.items() if _is_below(sub, path))
