"""Schema nodes that hold several sections of one shape: a named map and a list.

Each item is validated like any section (unknown keys, types, defaults), with its key path extended by
the item's name or index, e.g. `optimizer.parts.backbone.lr_mult` or `optimizer.custom.0.pattern`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppwarm.config.fields import Schema


@dataclass(frozen=True)
class SectionMap:
    """A mapping from names to sections of schema `item`; names limited to `keys` when given. Default {}."""

    item: Schema
    keys: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class SectionList:
    """A list of sections of schema `item`, in the user's order. Default []."""

    item: Schema
    doc: str = ""
