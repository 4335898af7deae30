"""Helpers the benchmark scripts share (imported as `_common`: the scripts run from this folder).

Every benchmark prints one JSON object on its last stdout line; `run_all.py` reads that line.
"""

from __future__ import annotations

import json
import resource
import threading
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


def timed_batches(
    loader: Iterable[dict[str, Any]],
    count: int,
    step: Callable | None = None,
    warmup: int = 2,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Samples per second over `count` batches after `warmup` warm-up batches (not timed).

    Runs as many epochs of `loader` as it takes (small demo sets hold only a few batches), so epoch
    starts are timed as in training. `step(batch)`, when given, runs on every batch (warm-up included):
    the figure is then that of full steps with the loader; without it, of the loader alone. `clock` is
    read before the first batch, when the timed window starts and when it ends (before the loader's
    workers are stopped).
    """
    seen, start = 0, clock()
    batches = epochs(loader)
    for i, batch in enumerate(batches):
        if i == warmup:
            start, seen = clock(), 0
        if step is not None:
            step(batch)
        seen += int(batch["image"].shape[0])
        if i >= count + warmup - 1:
            break
    elapsed = clock() - start
    batches.close()  # ends the loader's iterator now, so its workers exit (and count in RUSAGE_CHILDREN)
    return seen / elapsed


def training_rate(
    model: Any,
    loader: Iterable[dict[str, Any]],
    count: int,
    warmup: int = 2,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Samples per second of full training steps (forward, backward, AdamW update) over `count` batches
    after `warmup` untimed ones, loading included (see `timed_batches`, which reads `clock`). The model
    returns a dict holding its loss as ``"total"``."""
    import paddle

    opt = paddle.optimizer.AdamW(learning_rate=1e-3, parameters=model.parameters())

    def step(batch: dict[str, Any]) -> None:
        model(batch)["total"].backward()
        opt.step()
        opt.clear_grad()

    return timed_batches(loader, count, step, warmup, clock)


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


def tree_cpu_seconds() -> float:
    """User + system CPU seconds used so far by this process and all its descendants, live (loader
    workers of this epoch) or ended and waited for (those of past epochs)."""
    import psutil

    me = psutil.Process()
    own = me.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class TreeMemory:
    """Peak memory of a running process together with all its descendants (its DataLoader workers),
    sampled every `interval` seconds from a thread of the calling process; use as a context manager.

    Two figures, in MB = MiB as `peak_rss_mb`: `rss_mb`, the largest sum of the resident sets of the tree
    at one instant (pages the forked workers share with the main process are counted once per process,
    so this over-counts), and `pss_mb`, the largest sum of proportional set sizes (each shared page split
    among its sharers: the RAM the tree occupies together).
    """

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.rss_mb = self.pss_mb = 0.0

    def _sample(self) -> None:
        import psutil

        rss = pss = 0
        for proc in [self._root, *self._root.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # a worker that exited between the listing and the read
            rss, pss = rss + info.rss, pss + info.pss
        self.rss_mb = max(self.rss_mb, rss / 2**20)
        self.pss_mb = max(self.pss_mb, pss / 2**20)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self._interval):
            try:
                self._sample()
            except psutil.NoSuchProcess:
                return

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
