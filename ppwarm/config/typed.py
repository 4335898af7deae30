"""Config sections as frozen dataclasses, and the dict schema derived from them.

A section class is THE schema of its keys: attribute order is key order, each attribute's metadata holds
its spec (a Field, SectionMap or SectionList), and a nested section is `field(default_factory=Cls)`.
`schema_of` turns a section class into the nested dict of specs that validate.py walks; `build` turns the
validated plain dict into section instances (lists as tuples, maps read-only); `Section.to_dict` goes back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar, cast

from ppwarm.config.containers import SectionList, SectionMap
from ppwarm.config.fields import SPEC, Schema, freeze

ITEM = "ppwarm.item"  # metadata key: the section class of a container's items

S = TypeVar("S", bound="Section")


class Section:
    """Base of every config section (all are `@dataclass(frozen=True)`): assignment raises."""

    __dataclass_fields__: ClassVar[dict[str, Any]]  # set by @dataclass on each section class

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dicts and lists in schema order: what YAML, checkpoints and config_from_dict take."""
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def __deepcopy__(self, memo: dict) -> Section:
        return self  # immutable all the way down, like a tuple


def plain(value: Any) -> Any:
    """`value` with sections, read-only maps and tuples turned into plain dicts and lists."""
    if isinstance(value, Section):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def section_map(cls: type[Section], keys: tuple[str, ...] = (), doc: str = "") -> Any:
    """A read-only mapping of names (limited to `keys` when given) to sections of `cls`; default empty."""
    spec = SectionMap(schema_of(cls), keys, doc)
    return dataclasses.field(default_factory=lambda: MappingProxyType({}), metadata={SPEC: spec, ITEM: cls})


def section_list(cls: type[Section], doc: str = "") -> Any:
    """A tuple of sections of `cls`, in the user's order; default empty."""
    return dataclasses.field(default=(), metadata={SPEC: SectionList(schema_of(cls), doc), ITEM: cls})


def schema_of(cls: type[Section]) -> Schema:
    """The dict schema of `cls`: attribute name -> its spec, or the schema of a nested section."""
    return {
        f.name: f.metadata[SPEC] if SPEC in f.metadata else schema_of(_nested(f))
        for f in dataclasses.fields(cls)
    }


def build(cls: type[S], tree: Mapping[str, Any]) -> S:
    """The `cls` instance of a tree that validate.py returned (every key present, values checked)."""
    values = {}
    for f in dataclasses.fields(cls):
        spec, value = f.metadata.get(SPEC), tree[f.name]
        if isinstance(spec, SectionMap):
            value = MappingProxyType({name: build(f.metadata[ITEM], entry) for name, entry in value.items()})
        elif isinstance(spec, SectionList):
            value = tuple(build(f.metadata[ITEM], entry) for entry in value)
        elif spec is None:
            value = build(_nested(f), value)
        values[f.name] = freeze(value)
    return cls(**values)


def _nested(f: dataclasses.Field) -> type[Section]:
    """The class of a nested-section attribute, declared as `field(default_factory=Cls)`."""
    return cast("type[Section]", f.default_factory)
