"""Helpers the benchmark scripts share (imported as `_common`: the scripts run from this folder).

Every benchmark prints one JSON object on its last stdout line; `run_all.py` reads that line.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def epochs(loader: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The loader's batches, epoch after epoch, without end (a new iterator, so new workers, per epoch)."""
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            raise ValueError("the loader gave no batch")


def timed_batches(loader: Iterable[dict[str, Any]], count: int, step: Callable | None = None) -> float:
    """Samples per second over `count` batches after two warm-up batches (not timed).

    Runs as many epochs of `loader` as it takes (small demo sets hold only a few batches), so epoch
    starts are timed as in training. `step(batch)`, when given, runs on every batch (warm-up included):
    the figure is then that of full steps with the loader; without it, of the loader alone.
    """
    seen, start = 0, time.perf_counter()
    batches = epochs(loader)
    for i, batch in enumerate(batches):
        if i == 2:
            start, seen = time.perf_counter(), 0
        if step is not None:
            step(batch)
        seen += int(batch["image"].shape[0])
        if i >= count + 1:
            break
    batches.close()  # ends the loader's iterator now, so its workers exit (and count in RUSAGE_CHILDREN)
    return seen / (time.perf_counter() - start)


def training_rate(model: Any, loader: Iterable[dict[str, Any]], count: int) -> float:
    """Samples per second of full training steps (forward, backward, AdamW update) over `count` batches,
    loading included (see `timed_batches`). The model returns a dict holding its loss as ``"total"``."""
    import paddle

    opt = paddle.optimizer.AdamW(learning_rate=1e-3, parameters=model.parameters())

    def step(batch: dict[str, Any]) -> None:
        model(batch)["total"].backward()
        opt.step()
        opt.clear_grad()

    return timed_batches(loader, count, step)


def peak_rss_mb() -> tuple[float, float]:
    """(peak RSS of this process, largest peak RSS of its waited-for children, e.g. loader workers) in MB.

    `ru_maxrss` is in KiB on Linux; MB here is KiB / 1024 (MiB), as these benchmarks have always reported
    (the memory estimator's tables use 1e6 bytes).
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def print_result(result: dict[str, Any]) -> None:
    """The benchmark's figures as one JSON line, the last line of stdout."""
    print(json.dumps(result), flush=True)
