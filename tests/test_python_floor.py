"""The Python floor setup.py states is one the code runs on: no feature newer than the floor is used.

The features are found in the syntax tree, so the check runs on any interpreter: `zip(..., strict=)`,
`itertools.pairwise` and `match` (3.10), `X | Y` of types evaluated at run time (3.10; annotations are not
evaluated in modules with `from __future__ import annotations`), `except*` (3.11).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("ppwarm", "tools", "tests", "benchmarks")
BUILTIN_TYPES = {"int", "float", "str", "bytes", "bool", "list", "dict", "tuple", "set", "type", "object"}

Version = tuple[int, int]


def setup_floor() -> Version:
    found = re.search(r'python_requires=">=(\d+)\.(\d+)"', (REPO / "setup.py").read_text(encoding="utf-8"))
    assert found, "setup.py states python_requires='>=X.Y'"
    return int(found.group(1)), int(found.group(2))


def _is_type(node: ast.expr) -> bool:
    """Whether `node` reads as a type in `a | b`: None, a generic alias, a builtin type or such a union."""
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_type(node.left) or _is_type(node.right)
    return isinstance(node, ast.Subscript) or (isinstance(node, ast.Name) and node.id in BUILTIN_TYPES)


def _annotations(tree: ast.Module) -> set[int]:
    """ids of the annotation nodes of `tree` (those are never evaluated under the __future__ import)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            args += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
            roots = [a.annotation for a in args] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            roots = [node.annotation]
        else:
            continue
        out.update(id(sub) for root in roots if root is not None for sub in ast.walk(root))
    return out


def features(path: Path) -> Iterator[tuple[Version, str]]:
    """(version needed, "file:line what") for every use in `path` of a feature newer than 3.9."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    )
    skipped = _annotations(tree) if lazy else set()
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "zip":
            if any(k.arg == "strict" for k in node.keywords):
                yield (3, 10), f"{line} zip(strict=)"
        elif isinstance(node, ast.Attribute) and node.attr == "pairwise":
            yield (3, 10), f"{line} itertools.pairwise"
        elif isinstance(node, ast.Match):
            yield (3, 10), f"{line} match"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr) and id(node) not in skipped:
            if _is_type(node):
                yield (3, 10), f"{line} X | Y of types at run time"
        elif type(node).__name__ == "TryStar":
            yield (3, 11), f"{line} except*"


def test_setup_floor_covers_every_feature_the_code_uses():
    floor = setup_floor()
    paths = sorted(p for folder in SOURCES for p in (REPO / folder).rglob("*.py"))
    too_new = [what for p in paths for version, what in features(p) if version > floor]
    assert not too_new, f"setup.py says python_requires >= {floor}, but: {too_new[:5]}"


def test_detector_finds_the_features_it_names(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(
        "from collections.abc import Callable, Sequence\n"
        "Main = Callable[[Sequence[str] | None], int]\n"
        "def f(x: int | None) -> int | None:\n"
        "    return list(zip(x, x, strict=True))\n"
        "flags = 1 | 2\n",
        encoding="utf-8",
    )
    found = [what.split(" ", 1)[1] for _, what in features(path)]
    # without the __future__ import the annotations are evaluated too: three unions, one zip, no `1 | 2`
    assert sorted(found) == ["X | Y of types at run time"] * 3 + ["zip(strict=)"]
