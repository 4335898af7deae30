"""The package's rooms stand on floors and every import points down (or stays in its room).

The engine sees a `Task` and built objects only: nothing under ppwarm/engine may import ppwarm.tasks,
ppwarm.models or ppwarm.data, not even inside a function. The walk reads every import statement of every
module, so a lazy import inside a function counts too.
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


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_room_has_a_floor():
    rooms = {_room(_module_name(p)) for p in _modules()} - {""}
    assert rooms <= set(FLOOR), f"rooms without a floor in FLOORS: {sorted(rooms - set(FLOOR))}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path: Path):
    here = _room(_module_name(path))
    wrong = []
    for line, name in _imports(path):
        if name == "relative":
            wrong.append(f"line {line}: relative import (use absolute ppwarm.* imports)")
            continue
        there = _room(name)
        if here and there and there != here and FLOOR[there] >= FLOOR[here]:
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
