"""The package's rooms stand on floors and every import points down (or stays in its room).

The engine sees a `Task` and built objects only: nothing under ppwarm/engine may import ppwarm.tasks,
ppwarm.models or ppwarm.data, not even inside a function. The walk reads every import statement of every
module, so a lazy import inside a function counts too. One exception: an import under
`if TYPE_CHECKING:` never runs, so it may reach a room on the SAME floor (lr and data annotate with
ppwarm.config's section types); it still may not reach a higher floor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ppwarm"

# Lowest floor first. A module may import its own room and any room on a LOWER floor.
FLOORS: list[set[str]] = [
    {"errors", "fileio"},
    {"metrics", "models", "weights"},
    {"lr", "config", "data"},
    {"optim"},
    {"engine"},
    {"tasks", "deploy"},
    {"memory", "runner"},
    {"cli"},
]
FLOOR = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute `ppwarm.*` import in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "relative"))
    return [(line, name) for line, name in found if name.startswith("ppwarm") or name == "relative"]


def _type_only_lines(path: Path) -> set[int]:
    """Lines of the statements inside `if TYPE_CHECKING:` blocks (never run)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            lines |= {line for stmt in node.body for line in range(stmt.lineno, stmt.end_lineno + 1)}
    return lines


def _points_down(here: str, there: str, type_only: bool) -> bool:
    """Whether room `here` may import room `there`: a lower floor, or the same floor for types only."""
    if not here or not there or there == here:
        return True
    return FLOOR[there] < FLOOR[here] or (type_only and FLOOR[there] == FLOOR[here])


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_room_has_a_floor():
    rooms = {_room(_module_name(p)) for p in _modules()} - {""}
    assert rooms <= set(FLOOR), f"rooms without a floor in FLOORS: {sorted(rooms - set(FLOOR))}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path: Path):
    here = _room(_module_name(path))
    type_only = _type_only_lines(path)
    wrong = []
    for line, name in _imports(path):
        if name == "relative":
            wrong.append(f"line {line}: relative import (use absolute ppwarm.* imports)")
            continue
        there = _room(name)
        if not _points_down(here, there, line in type_only):
            wrong.append(f"line {line}: {here} (floor {FLOOR[here]}) imports {name} (floor {FLOOR[there]})")
    assert not wrong, "\n".join(wrong)


def test_engine_knows_no_task_model_or_data():
    back_edges = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted((PACKAGE / "engine").rglob("*.py"))
        for line, name in _imports(path)
        if _room(name) in {"tasks", "models", "data"}
    ]
    assert not back_edges, "\n".join(back_edges)


def test_the_walk_sees_lazy_imports(tmp_path: Path):
    """The check must catch an import inside a function, the way the old engine reached the tasks."""
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from ppwarm.tasks.build import build_task\n    return build_task\n")
    assert _imports(module) == [(2, "ppwarm.tasks.build")]


def test_type_only_imports_may_reach_the_same_floor_only(tmp_path: Path):
    module = tmp_path / "typed.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ppwarm.config import Config\n"
        "    from ppwarm.optim.build import GroupedOptimizer\nfrom ppwarm.data import sampler\n"
    )
    type_only = _type_only_lines(module)
    assert [(line, name, line in type_only) for line, name in sorted(_imports(module))] == [
        (3, "ppwarm.config", True),
        (4, "ppwarm.optim.build", True),
        (5, "ppwarm.data", False),
    ]
    assert _points_down("lr", "config", type_only=True)
    assert not _points_down("lr", "config", type_only=False)
    assert not _points_down("lr", "optim", type_only=True)
