"""The plan as a per-step table (one row per optimizer update) and its CSV form."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ppwarm.lr.plan import SchedulePlan


def plan_table(plan: SchedulePlan) -> dict[str, np.ndarray]:
    """Columns `step`, `epoch` (0-based epoch the step belongs to) and `lr`, one entry per step."""
    steps = np.arange(plan.total_steps, dtype=np.int64)
    return {"step": steps, "epoch": steps // plan.steps_per_epoch, "lr": plan.lr(steps)}


def _column_text(values: np.ndarray) -> np.ndarray:
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(str)
    # 17 significant digits round-trip a float64 exactly.
    return np.char.mod("%.17g", values)


def write_csv(table: dict[str, np.ndarray], path: str | Path) -> Path:
    """Write `table` as CSV with a header row; the file appears whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [_column_text(v) for v in table.values()]
    rows = columns[0]
    for col in columns[1:]:
        rows = np.char.add(np.char.add(rows, ","), col)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(",".join(table) + "\n")
        f.write("\n".join(rows.tolist()))
        f.write("\n")
    os.replace(tmp, path)
    return path


def read_csv(path: str | Path) -> dict[str, np.ndarray]:
    """Read a CSV written by `write_csv` back into float columns (for tests and tools)."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)}
