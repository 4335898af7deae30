"""The loop on the toy task: logged LRs are the plan, runs repeat, accumulation equals a large batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ppwarm.config import config_from_dict, read_resolved_config
from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint
from ppwarm.lr.plan import resolve_plan
from ppwarm.optim.groups import composite_schedule
from ppwarm.runner import run_training
from tests.engine.conftest import logged

PARTS = {"optimizer": {"parts": {"backbone": {"lr_mult": 0.2, "warmup_epochs": 2}, "head": {"lr_mult": 2.0}}}}


def test_logged_lr_and_momentum_are_the_plan_exactly(toy_config):
    cfg = toy_config(PARTS)
    state = run_training(cfg)
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=8)
    assert state.step == plan.total_steps == 32 and state.samples_seen == 32 * 16
    log = logged(cfg)
    groups = [tag.removeprefix("train/lr/") for tag in log if tag.startswith("train/lr/")]
    assert set(groups) == {
        "backbone.weight",
        "backbone.norm",
        "backbone.bias",
        "weight",
        "norm",
        "bias",
        "head.weight",
        "head.bias",
    }
    schedule = composite_schedule(cfg, plan)
    steps = np.arange(plan.total_steps)
    for group in groups:
        assert [log[f"train/lr/{group}"][t] for t in steps] == list(schedule.lr(group, steps)), group
    assert [log["train/momentum"][t] for t in steps] == list(schedule.momentum_at(steps))
    assert log["train/lr/bias"][0] == 0.1, "the logged LR is the one the step used: the bias warmup's"


def test_loss_falls_and_same_seed_repeats(toy_config):
    first, second = toy_config(name="a"), toy_config(name="b")
    run_training(first)
    run_training(second)
    a, b = logged(first)["train/loss"], logged(second)["train/loss"]
    assert a == b, "same seed, same loss at every step"
    losses = [a[t] for t in sorted(a)]
    assert np.mean(losses[-8:]) < 0.5 * np.mean(losses[:8])
    other = toy_config({"seed": 1}, name="c")
    run_training(other)
    assert logged(other)["train/loss"] != a


def test_accumulation_equals_one_large_batch(toy_config):
    """batch 8 x accumulate 2 takes the same samples and gradients as batch 16 (no batch norm)."""
    big = toy_config({"toy": {"batch_norm": False}}, name="big")
    small = toy_config({"toy": {"batch_norm": False}, "batch_size": 8, "accumulate": 2}, name="small")
    run_training(big)
    run_training(small)
    a, b = logged(big), logged(small)
    for tag in ("train/loss", "train/grad_norm"):
        np.testing.assert_allclose([b[tag][t] for t in range(32)], [a[tag][t] for t in range(32)], rtol=1e-5)
    assert a["train/lr/weight"] == b["train/lr/weight"]


def test_resolved_config_is_written_with_derived_values(toy_config):
    cfg = toy_config({"accumulate": 2, "batch_size": 8})
    run_training(cfg)
    saved, derived = read_resolved_config(Path(cfg.output_dir) / "resolved_config.yml")
    assert saved == cfg
    assert derived["global_batch"] == 16 and derived["steps_per_epoch"] == 8 and derived["warmup_steps"] == 8
    assert derived["groups"]["bias"] == [
        "backbone.0.bias",
        "backbone.1.bias",
        "neck.0.bias",
        "neck.1.bias",
        "head.bias",
    ]
    stored = load_checkpoint(CheckpointManager(Path(cfg.output_dir) / "checkpoints").latest())["config"]
    assert type(stored) is dict and stored == cfg.to_dict() and config_from_dict(stored) == cfg


def test_dashboard_has_the_documented_tags(toy_config):
    from visualdl import LogReader

    cfg = toy_config({"epochs": 2})
    run_training(cfg, evaluate=True)
    files = list((Path(cfg.output_dir) / "vdl").glob("vdlrecords.*.log"))
    assert len(files) == 1
    reader = LogReader(file_path=str(files[0]))
    tags = set(reader.get_tags()["scalar"])
    expected = {"train/lr/weight", "train/lr/bias", "train/momentum", "train/loss", "train/loss_mse"}
    expected |= {"train/grad_norm", "train/loss_scale", "train/ips", "train/update_ratio/weight", "eval/mse"}
    assert expected <= tags
    lr = reader.get_data("scalar", "train/lr/bias")
    assert [r.id for r in lr] == list(range(16)), "dashboard step = global optimizer step"
    assert lr[0].value == pytest.approx(0.1)


def test_update_ratio_is_delta_over_weight(toy_config):
    """log_interval 10 (a ratio at every logged step); exact values: tests/engine/hooks/test_metrics.py."""
    cfg = toy_config(
        {"epochs": 3, "log_interval": 10, "lr": {"warmup": {"epochs": 2}}, "optimizer": {"type": "sgd"}}
    )
    run_training(cfg)
    log = logged(cfg)
    bias, weight = log["train/update_ratio/bias"], log["train/update_ratio/weight"]
    assert sorted(bias) == sorted(weight) == [9, 19]
    assert all(0 < r < 10 for r in [*bias.values(), *weight.values()])


def test_no_update_ratio_of_all_zero_weights(toy_config, monkeypatch):
    monkeypatch.setattr("ppwarm.engine.hooks.metrics.RATIO_MIN_STEPS", 1)  # a ratio at every step
    cfg = toy_config({"epochs": 2, "lr": {"warmup": {"epochs": 0.5}}, "optimizer": {"type": "sgd"}})
    run_training(cfg)
    log = logged(cfg)
    bias, weight = log["train/update_ratio/bias"], log["train/update_ratio/weight"]
    assert sorted(bias) == list(range(1, 16)), "biases start at zero: no ratio at step 0"
    assert weight[0] == 0.0, "the LR of step 0 is 0: the weights do not move"


def test_amp_on_cpu_says_so_and_trains_in_float32(toy_config, capsys):
    cfg = toy_config({"epochs": 1, "lr": {"warmup": {"epochs": 0.5}}, "amp": {"enable": True, "level": "O2"}})
    run_training(cfg)
    err = capsys.readouterr().err
    assert "amp: enabled in the config but this is a CPU run" in err
    assert set(logged(cfg)["train/loss_scale"].values()) == {1.0}
