"""Training-set sizes without building a model or reading samples, and the batches they make."""

from __future__ import annotations

from collections.abc import Callable

from ppwarm.config import Config
from ppwarm.data.counts import batches_per_epoch


def _det_size(cfg: Config) -> int:
    from ppwarm.tasks.det import train_set_size

    return train_set_size(cfg)


def _rec_size(cfg: Config) -> int:
    from ppwarm.tasks.rec import train_set_size

    return train_set_size(cfg)


TRAIN_SIZES: dict[str, Callable[[Config], int]] = {
    "toy": lambda cfg: cfg.toy.samples,
    "det": _det_size,
    "rec": _rec_size,
}


def count_batches(cfg: Config, devices: int = 1) -> int:
    """Loader batches per device per epoch of `cfg`'s training set, as training will see them."""
    size = TRAIN_SIZES[cfg.task](cfg)
    return batches_per_epoch(size, cfg.batch_size, devices, cfg.data.drop_last)
