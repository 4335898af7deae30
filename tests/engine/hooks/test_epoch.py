"""Task hooks: freezing a model part for the last epochs; telling the dataset the epoch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ppwarm.engine.hooks.base import Hook
from ppwarm.engine.hooks.epoch import DatasetEpochHook, FreezePartHook
from ppwarm.runner import run_training
from ppwarm.tasks.toy import build_toy_task


class Snapshots(Hook):
    """Records the backbone and head weights at the start of every epoch."""

    def __init__(self) -> None:
        self.seen: list[tuple[np.ndarray, np.ndarray]] = []

    def before_epoch(self, trainer) -> None:
        model = trainer.inner_model
        self.seen.append((model.backbone[0].weight.numpy().copy(), model.head.weight.numpy().copy()))


def test_backbone_frozen_for_the_last_epochs(toy_config):
    cfg = toy_config({"epochs": 4, "ema": {"enable": False}})
    task = build_toy_task(cfg)
    snapshots = Snapshots()
    task = replace(task, hooks=[FreezePartHook("backbone.", from_epoch=2), snapshots])
    run_training(cfg, task=task)
    final = (task.model.backbone[0].weight.numpy(), task.model.head.weight.numpy())
    starts = [*snapshots.seen, final]  # weights at the start of epochs 0..3 and at the end
    assert not np.array_equal(starts[1][0], starts[2][0]), "the backbone trains in epoch 1"
    assert np.array_equal(starts[2][0], starts[4][0]), "and is frozen from epoch 2 on"
    assert not np.array_equal(starts[3][1], starts[4][1]), "while the head still trains"


def test_dataset_hears_every_epoch(toy_config):
    class Dataset:
        def __init__(self) -> None:
            self.epochs: list[int] = []

        def set_epoch(self, epoch: int) -> None:
            self.epochs.append(epoch)

    cfg = toy_config({"epochs": 3})
    task = build_toy_task(cfg)
    dataset = Dataset()
    task = replace(task, hooks=[DatasetEpochHook(dataset)])
    run_training(cfg, task=task)
    assert dataset.epochs == [0, 1, 2]


def test_backbone_frozen_only_for_the_first_epochs(toy_config):
    cfg = toy_config({"epochs": 3, "lr": {"warmup": {"epochs": 0.5}}, "ema": {"enable": False}})
    task = build_toy_task(cfg)
    snapshots = Snapshots()
    task = replace(task, hooks=[FreezePartHook("backbone.", from_epoch=0, until_epoch=1), snapshots])
    run_training(cfg, task=task)
    final = task.model.backbone[0].weight.numpy()
    starts = [s[0] for s in snapshots.seen] + [final]
    assert np.array_equal(starts[0], starts[1]), "frozen in epoch 0"
    assert not np.array_equal(starts[1], starts[3]), "training from epoch 1 on"
