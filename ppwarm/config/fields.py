"""Schema fields: small frozen descriptions of one config value each.

A field knows its default, whether null is allowed, its bounds and a one-line doc. `check` is the only
way a value gets into a resolved config: it returns the normalized value (ints become floats for
number fields, tuples become lists) or raises ConfigError naming the source, the key and the value.
`as_field` declares a field as an attribute of a config section (ppwarm.config.sections).
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ppwarm.config.messages import value_error

# A schema maps each key to a Field or to a nested schema (a section).
Schema = Mapping[str, Any]

_DEFAULT_SOURCE = "schema default"
SPEC = "ppwarm.spec"  # key of a section attribute's metadata holding its Field (or container)


def freeze(value: Any) -> Any:
    """A checked value as a section holds it: lists (nested too) become tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    return value


def _join_options(options: list[str]) -> str:
    if len(options) == 1:
        return options[0]
    return ", ".join(options[:-1]) + " or " + options[-1]


@dataclass(frozen=True)
class Field:
    """Base of all fields; subclasses implement `_check_value` and `_kind`."""

    doc: str = ""
    default: Any = None
    nullable: bool = False
    required: bool = False  # the key must be given; there is no default

    def __post_init__(self) -> None:
        if "\n" in self.doc:
            raise ValueError(f"field docs are one line: {self.doc!r}")
        if not self.required:
            self.default_value("default")  # a schema whose default breaks its own rules fails at import

    def check(self, path: str, value: Any, source: str) -> Any:
        """Return `value` normalized, or raise ConfigError `<source>: <path> = <value>: <problem>`."""
        if value is None:
            if self.nullable:
                return None
            raise value_error(source, path, value, f"must be {self.describe()}")
        return self._check_value(path, value, source)

    def default_value(self, path: str) -> Any:
        """The default, normalized like a user value (a fresh object each call)."""
        return self.check(path, self.default, _DEFAULT_SOURCE)

    def as_field(self) -> Any:
        """A dataclass field for a section attribute: this spec in its metadata, its default (frozen)."""
        if self.required:
            return dataclasses.field(metadata={SPEC: self})
        return dataclasses.field(default=freeze(self.default_value("default")), metadata={SPEC: self})

    def describe(self) -> str:
        """What values are accepted, as a phrase: `a number > 0`, `true or false`, ..."""
        options = self._options()
        if self.nullable:
            options.append("null")
        return _join_options(options)

    def _options(self) -> list[str]:
        raise NotImplementedError

    def _check_value(self, path: str, value: Any, source: str) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class _Bounded(Field):
    """A field with optional lower and upper bounds, each inclusive unless marked exclusive."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    above_maximum_hint: str = ""

    def range_text(self) -> str:
        """`> 0`, `>= 0 and <= 1`, or "" without bounds."""
        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive_minimum else '>='} {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"{'<' if self.exclusive_maximum else '<='} {self.maximum:g}")
        return " and ".join(parts)

    def _check_bounds(self, path: str, value: Any, number: float, source: str) -> None:
        low = self.minimum
        high = self.maximum
        below = low is not None and (number < low or (self.exclusive_minimum and number == low))
        above = high is not None and (number > high or (self.exclusive_maximum and number == high))
        if below or above:
            hint = f": {self.above_maximum_hint}" if above and self.above_maximum_hint else ""
            raise value_error(source, path, value, f"must be {self.range_text()}{hint}")

    def _with_range(self, noun: str) -> str:
        text = self.range_text()
        return f"{noun} {text}" if text else noun


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite_float(path: str, value: Any, source: str) -> float:
    try:
        number = float(value)
    except OverflowError:
        raise value_error(source, path, value, "is too large") from None
    if not math.isfinite(number):
        raise value_error(source, path, value, "must be a finite number")
    return number


@dataclass(frozen=True)
class Number(_Bounded):
    """A real number (ints are accepted and become floats; booleans are not numbers).

    `literals` are extra strings accepted as they are, such as "auto".
    """

    literals: tuple[str, ...] = ()

    def _options(self) -> list[str]:
        return [self._with_range("a number"), *(repr(text) for text in self.literals)]

    def _check_value(self, path: str, value: Any, source: str) -> Any:
        if isinstance(value, str) and value in self.literals:
            return value
        if not _is_number(value):
            raise value_error(source, path, value, f"must be {self.describe()}")
        number = _finite_float(path, value, source)
        self._check_bounds(path, value, number, source)
        return number


@dataclass(frozen=True)
class Integer(_Bounded):
    """A whole number written without a dot: `8.0` and `true` are rejected.

    `literals` are extra strings accepted as they are, such as "auto".
    """

    literals: tuple[str, ...] = ()

    def _options(self) -> list[str]:
        return [self._with_range("an integer"), *(repr(text) for text in self.literals)]

    def _check_value(self, path: str, value: Any, source: str) -> Any:
        if isinstance(value, str) and value in self.literals:
            return value
        if not isinstance(value, int) or isinstance(value, bool):
            raise value_error(source, path, value, f"must be {self.describe()}")
        self._check_bounds(path, value, value, source)
        return value


@dataclass(frozen=True)
class Boolean(Field):
    """A real YAML boolean: only true or false; `yes`, `on`, 1 and "False" are rejected."""

    def _options(self) -> list[str]:
        return ["true", "false"]

    def _check_value(self, path: str, value: Any, source: str) -> bool:
        if not isinstance(value, bool):
            raise value_error(source, path, value, f"must be {self.describe()}")
        return value


@dataclass(frozen=True)
class Choice(Field):
    """One string out of a fixed set; a near miss is answered with the closest choice."""

    choices: tuple[str, ...] = ()

    def _options(self) -> list[str]:
        return ["one of " + ", ".join(self.choices)]

    def _check_value(self, path: str, value: Any, source: str) -> str:
        if isinstance(value, str) and value in self.choices:
            return value
        problem = f"must be {self.describe()}"
        if isinstance(value, str):
            close = difflib.get_close_matches(value, self.choices, n=1)
            if close:
                problem += f" (did you mean {close[0]!r}?)"
        raise value_error(source, path, value, problem)


@dataclass(frozen=True)
class NumberList(_Bounded):
    """A list of real numbers; the bounds apply to every item, `increasing` asks for strict order."""

    increasing: bool = False

    def _options(self) -> list[str]:
        order = " in increasing order" if self.increasing else ""
        return [self._with_range("a list of numbers") + order]

    def _check_value(self, path: str, value: Any, source: str) -> list[float]:
        if not isinstance(value, (list, tuple)):
            raise value_error(source, path, value, f"must be {self.describe()}")
        numbers = [self._check_item(f"{path}[{index}]", item, source) for index, item in enumerate(value)]
        if self.increasing and any(b <= a for a, b in itertools.pairwise(numbers)):
            raise value_error(source, path, value, "must be in strictly increasing order")
        return numbers

    def _check_item(self, path: str, item: Any, source: str) -> float:
        if not _is_number(item):
            raise value_error(source, path, item, "must be a number")
        number = _finite_float(path, item, source)
        self._check_bounds(path, item, number, source)
        return number


@dataclass(frozen=True)
class String(Field):
    """A non-empty string (set `nullable` for an optional one)."""

    def _options(self) -> list[str]:
        return ["a non-empty string"]

    def _check_value(self, path: str, value: Any, source: str) -> str:
        if not isinstance(value, str) or not value:
            raise value_error(source, path, value, f"must be {self.describe()}")
        return value


@dataclass(frozen=True)
class ListOf(Field):
    """A list whose items are each checked by `item` (e.g. class names, or [epoch, size] pairs)."""

    item: Field = String(required=True)  # item fields have no default: build them with required=True
    length: int | None = None  # exact number of items, when set

    def _options(self) -> list[str]:
        count = f"{self.length} " if self.length is not None else ""
        return [f"a list of {count}items, each {self.item.describe()}"]

    def _check_value(self, path: str, value: Any, source: str) -> list[Any]:
        if not isinstance(value, (list, tuple)) or (self.length is not None and len(value) != self.length):
            raise value_error(source, path, value, f"must be {self.describe()}")
        return [self.item.check(f"{path}[{index}]", item, source) for index, item in enumerate(value)]
