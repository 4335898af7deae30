"""How many samples and batches each rank gets per epoch: arithmetic only, no Paddle, no data access.

The sampler (`ppwarm.data.sampler`) and the plan tool both use these, so the plan counts exactly the
batches training will see.
"""

from __future__ import annotations


def shard_length(num_samples: int, world_size: int, drop_last: bool) -> int:
    """Indices each rank receives per epoch: ceil(N / W) when padding, floor(N / W) with drop_last."""
    if drop_last:
        return num_samples // world_size
    return -(-num_samples // world_size)


def batches_per_epoch(num_samples: int, batch_size: int, world_size: int = 1, drop_last: bool = False) -> int:
    """Batches each rank gets per epoch; a last partial batch counts unless drop_last."""
    shard = shard_length(num_samples, world_size, drop_last)
    return shard // batch_size if drop_last else -(-shard // batch_size)
