"""Data parallel through Paddle's own launcher: `python -m paddle.distributed.launch --nproc_per_node N`.

The launcher sets PADDLE_TRAINERS_NUM / PADDLE_TRAINER_ID for every process; with more than one, the
parallel environment is initialised (gloo on CPU, NCCL on GPU), the model is wrapped in
`paddle.DataParallel` (which averages gradients over ranks), and the device count feeds the LR rule.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import paddle

log = logging.getLogger("ppwarm")


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def world_size() -> int:
    """Processes of this run as the launcher set them (1 without the launcher); no initialisation."""
    return max(int(os.environ.get("PADDLE_TRAINERS_NUM", "1")), 1)


def init_world() -> World:
    """The rank and number of processes of this run; initialises the parallel environment when > 1."""
    size = world_size()
    if size <= 1:
        return World()
    paddle.distributed.init_parallel_env()
    return World(paddle.distributed.get_rank(), paddle.distributed.get_world_size())


def convert_sync_bn(model: paddle.nn.Layer, world: World, sync_bn: bool) -> paddle.nn.Layer:
    """SyncBatchNorm when asked, on GPU with several ranks. Call before building the optimizer: the
    conversion makes new parameters."""
    if not sync_bn or world.size <= 1:
        return model
    if paddle.device.get_device() == "cpu":
        log.info("sync_bn: SyncBatchNorm needs GPUs; CPU ranks keep their own batch statistics")
        return model
    return paddle.nn.SyncBatchNorm.convert_sync_batchnorm(model)


def wrap_model(model: paddle.nn.Layer, world: World) -> paddle.nn.Layer:
    """`paddle.DataParallel(model)` (it averages gradients over ranks) with several ranks, else the model."""
    return paddle.DataParallel(model) if world.size > 1 else model
