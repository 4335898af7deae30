"""Scalars of a run: hooks put them into an EventStore, writers drain it into files and dashboards.

Every scalar is (tag, value, step) with step = the global optimizer step it belongs to. Writers:
`JsonlWriter` (`<output_dir>/metrics.jsonl`, one record per line, easy to read back in tests and tools) and
`VisualDLWriter` (`<output_dir>/vdl`, for `visualdl --logdir`). Only rank 0 writes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Protocol

Record = tuple[str, float, int]


class EventStore:
    """A queue of scalar records, filled by hooks and drained by writers."""

    def __init__(self) -> None:
        self._records: list[Record] = []

    def put(self, tag: str, value: float, step: int) -> None:
        self._records.append((tag, float(value), int(step)))

    def put_many(self, values: dict[str, float], step: int, prefix: str = "") -> None:
        for tag, value in values.items():
            self.put(prefix + tag, value, step)

    def drain(self) -> list[Record]:
        """The records put since the last drain, in order; the store is empty afterwards."""
        records, self._records = self._records, []
        return records


class Writer(Protocol):
    def write(self, records: list[Record]) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    """Appends records to a JSON-lines file (non-finite values are written as strings: "nan", "inf")."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, records: list[Record]) -> None:
        for tag, value, step in records:
            shown = value if math.isfinite(value) else str(value)
            self._file.write(json.dumps({"tag": tag, "value": shown, "step": step}) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class VisualDLWriter:
    """VisualDL scalars under `logdir`; a resumed run adds a new log file whose steps continue."""

    def __init__(self, logdir: Path) -> None:
        from visualdl import LogWriter

        self._writer = LogWriter(logdir=str(logdir))

    def write(self, records: list[Record]) -> None:
        for tag, value, step in records:
            if math.isfinite(value):
                self._writer.add_scalar(tag=tag, value=value, step=step)
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


def read_jsonl(path: Path) -> dict[str, dict[int, float]]:
    """tag -> {step: value} from a metrics.jsonl; a step written twice (after a resume) keeps the last."""
    out: dict[str, dict[int, float]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            out.setdefault(record["tag"], {})[record["step"]] = float(record["value"])
    return out
