"""The metrics hook: update ratios against an independent computation, losses against the micro-batches."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import paddle
import pytest

from ppwarm.engine.hooks import Hook
from ppwarm.engine.hooks.metrics import RATIO_MIN_STEPS, MetricsHook
from ppwarm.models.toy import ToyRegressor
from ppwarm.runner import run_training
from ppwarm.tasks.toy import build_toy_task
from tests.engine.conftest import logged


class WeightRecorder(Hook):
    """||w_after - w_before|| / ||w_before|| of every group at every step, in float64 NumPy."""

    def __init__(self) -> None:
        self.ratios: dict[int, dict[str, float]] = {}
        self._before: dict[str, np.ndarray] = {}

    def before_step(self, trainer) -> None:
        self._before = {n: p.numpy().astype(np.float64) for n, p in trainer.grouped.params.items()}

    def after_step(self, trainer, result) -> None:
        after = {n: p.numpy().astype(np.float64) for n, p in trainer.grouped.params.items()}
        out = {}
        for group, names in trainer.grouped.members.items():
            delta = sum(np.sum((after[n] - self._before[n]) ** 2) for n in names)
            norm = sum(np.sum(self._before[n] ** 2) for n in names)
            out[group] = np.sqrt(delta / norm) if norm > 0 else None
        self.ratios[result.step] = out


class LossRecorder(ToyRegressor):
    """The toy model, keeping the float value of every loss term of every forward call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, float]] = []

    def forward(self, batch):
        out = super().forward(batch)
        self.calls.append({k: float(v) for k, v in out.items()})
        return out


@pytest.mark.parametrize(("log_interval", "steps"), [(1, [9, 19]), (4, [11, 23]), (10, [9, 19])])
def test_update_ratios_are_delta_over_weight_on_their_steps(toy_config, log_interval, steps):
    cfg = toy_config({"epochs": 3, "log_interval": log_interval})
    recorder = WeightRecorder()
    task = build_toy_task(cfg)
    task.hooks.append(recorder)
    run_training(cfg, task=task)
    log = logged(cfg)
    ratio_tags = [tag for tag in log if tag.startswith("train/update_ratio/")]
    assert {tag.removeprefix("train/update_ratio/") for tag in ratio_tags} == {"weight", "bias", "norm"}
    for tag in ratio_tags:
        group = tag.removeprefix("train/update_ratio/")
        assert sorted(log[tag]) == steps, "on logged steps, at least RATIO_MIN_STEPS apart"
        for step in steps:
            assert log[tag][step] == pytest.approx(recorder.ratios[step][group], rel=1e-5)


def test_ratio_interval_is_the_first_log_multiple_from_the_minimum():
    assert RATIO_MIN_STEPS == 10
    assert [MetricsHook(li).ratio_interval for li in (1, 3, 4, 10, 25)] == [10, 12, 12, 10, 25]


def test_logged_losses_are_the_mean_of_the_micro_batches(toy_config):
    cfg = toy_config({"epochs": 1, "batch_size": 8, "accumulate": 2, "lr": {"warmup": {"epochs": 0.5}}})
    model = LossRecorder()
    run_training(cfg, task=replace(build_toy_task(cfg), model=model))
    log = logged(cfg)
    assert len(model.calls) == 16, "8 updates of 2 micro-batches"
    for step in range(8):
        window = model.calls[2 * step : 2 * step + 2]
        for term, tag in (("total", "train/loss"), ("mse", "train/loss_mse")):
            assert log[tag][step] == pytest.approx(np.mean([c[term] for c in window]), rel=1e-12)


class NanInSecondMicroBatch(ToyRegressor):
    """A NaN total loss in the second micro-batch of the first update only; its gradient stays finite,
    so only the loss check can skip the update."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def forward(self, batch):
        out = super().forward(batch)
        self.calls += 1
        if self.calls == 2:
            out = {**out, "total": out["total"] + paddle.to_tensor(float("nan"))}
        return out


def test_a_non_finite_micro_batch_skips_the_update(toy_config):
    cfg = toy_config({"epochs": 1, "batch_size": 8, "accumulate": 2, "lr": {"warmup": {"epochs": 0.5}}})
    state = run_training(cfg, task=replace(build_toy_task(cfg), model=NanInSecondMicroBatch()))
    assert state.skipped_updates == 1
    log = logged(cfg)
    assert np.isnan(log["train/loss"][0]) and np.isfinite(log["train/loss"][1])


def test_every_step_reaches_the_writers_by_the_end(toy_config, monkeypatch):
    monkeypatch.setattr("ppwarm.engine.hooks.metrics.WRITE_SECONDS", 1e9)  # only the last step writes
    cfg = toy_config({"epochs": 2})
    run_training(cfg)
    log = logged(cfg)
    assert sorted(log["train/loss"]) == list(range(16))
    assert sorted(log["train/ips"]) == list(range(16)), "log_interval 1: an ips per step"
