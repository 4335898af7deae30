"""The batch order of a training run: reproducible, resumable mid-epoch, sharded across data-parallel ranks.

An epoch's global order is a pure function of ``(seed, epoch, num_samples)``: a permutation drawn from
``np.random.default_rng([seed, epoch])`` (the identity when not shuffling). Global RNG state never enters,
so a resumed run replays exactly the order the interrupted run would have seen.

Sharding: the order is padded by repeating its beginning until its length is a multiple of
``world_size`` (or, with ``drop_last``, cut down to one), rank r keeps ``order[r::world_size]`` and cuts
that into batches. With batch b per rank on W ranks, the union over ranks of batch k is batch k of a
single-rank sampler with batch ``W * b``: a W-process run sees the same global batches as a 1-process
run with the same global batch size.

Paddle's `DataLoader` only iterates a batch sampler and asks its ``len()``; it never needs a dataset from
it, so `EpochBatchSampler` does not run `BatchSampler.__init__` (which insists on a dataset or sampler).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from paddle.io import BatchSampler

from ppwarm.data.counts import batches_per_epoch, shard_length


def _check_int(name: str, value: int, low: int, high: int | None = None) -> None:
    """Raise ValueError naming `name` unless ``low <= value`` (and ``value <= high`` when given)."""
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bound}, got {name}={value!r}")


def _epoch_order(num_samples: int, seed: int, epoch: int, shuffle: bool) -> np.ndarray:
    """The global index order of `epoch`: depends on nothing but the arguments."""
    if not shuffle:
        return np.arange(num_samples, dtype=np.int64)
    return np.random.default_rng([seed, epoch]).permutation(num_samples)


def _shard(order: np.ndarray, rank: int, world_size: int, drop_last: bool) -> np.ndarray:
    """This rank's slice of `order`, after padding (cyclically repeating the start) or truncating."""
    total = shard_length(len(order), world_size, drop_last) * world_size
    fitted = np.resize(order, total)  # np.resize repeats the array from its start to fill `total`
    return fitted[rank::world_size]


class EpochBatchSampler(BatchSampler):
    """Per-rank lists of dataset indices for one epoch, starting from any batch of that epoch.

    The trainer calls `set_epoch` before every epoch (and with ``start_batch`` when resuming); the sampler
    never advances the epoch or resets ``start_batch`` on its own, so iterating twice without a new
    `set_epoch` yields the same batches. The batches are fixed when ``iter()`` is called.
    """

    def __init__(
        self,
        num_samples: int,
        batch_size: int,
        *,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: int = 0,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        _check_int("num_samples", num_samples, 1)
        _check_int("batch_size", batch_size, 1)
        _check_int("seed", seed, 0)
        _check_int("world_size", world_size, 1)
        _check_int("rank", rank, 0, world_size - 1)
        self.num_samples = num_samples
        # batch_size, shuffle and drop_last are the attributes Paddle's own code reads off a batch sampler.
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self._epoch = 0
        self._start_batch = 0

    @property
    def epoch(self) -> int:
        """The epoch whose order the next iteration yields (0 until `set_epoch` is called)."""
        return self._epoch

    @property
    def start_batch(self) -> int:
        """The first batch the next iteration yields; 0 means the whole epoch."""
        return self._start_batch

    def set_epoch(self, epoch: int, start_batch: int = 0) -> None:
        """Make the next iterations yield batches ``start_batch, start_batch + 1, ...`` of `epoch`.

        ``0 <= start_batch <= len(self)``; ``start_batch == len(self)`` yields nothing (epoch done).
        """
        _check_int("epoch", epoch, 0)
        _check_int("start_batch", start_batch, 0, len(self))
        self._epoch = epoch
        self._start_batch = start_batch

    def __len__(self) -> int:
        """Batches this rank gets over the whole epoch, regardless of ``start_batch``."""
        return batches_per_epoch(self.num_samples, self.batch_size, self.world_size, self.drop_last)

    def __iter__(self) -> Iterator[list[int]]:
        """This rank's batches of the current epoch from ``start_batch`` on, as lists of Python ints."""
        order = _epoch_order(self.num_samples, self.seed, self._epoch, self.shuffle)
        shard = _shard(order, self.rank, self.world_size, self.drop_last)
        begin = self._start_batch * self.batch_size
        return _batches(shard[begin:], self.batch_size, len(self) - self._start_batch)


def _batches(indices: np.ndarray, batch_size: int, count: int) -> Iterator[list[int]]:
    """The first `count` consecutive chunks of `batch_size` indices (the last one may be shorter)."""
    for k in range(count):
        yield indices[k * batch_size : (k + 1) * batch_size].tolist()
