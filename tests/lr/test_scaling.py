"""Batch-scaled rules: global batch, LR scaling, step counts, automatic warmup."""

from __future__ import annotations

import math

import pytest

from ppwarm.lr import scaling
from ppwarm.lr.plan import resolve_plan


def test_global_batch_counts_devices_and_accumulation():
    assert scaling.global_batch(8, 4, 2) == 64


@pytest.mark.parametrize(
    ("rule", "batch", "want"),
    [
        ("linear", 16, 0.01 * 16 / 64),
        ("sqrt", 16, 0.01 * math.sqrt(16 / 64)),
        ("none", 16, 0.01),
        ("linear", 512, 0.08),
        ("sqrt", 256, 0.02),
    ],
)
def test_scale_lr(rule, batch, want):
    peak, reason = scaling.scale_lr(0.01, batch, 64, rule)
    assert peak == pytest.approx(want, rel=1e-15)
    assert rule in reason


def test_no_reference_batch_means_no_scaling():
    peak, reason = scaling.scale_lr(0.01, 512, None, "linear")
    assert peak == 0.01
    assert "reference_batch not set" in reason


@pytest.mark.parametrize(
    ("optimizer", "rule"), [("momentum", "linear"), ("sgd", "linear"), ("adam", "sqrt"), ("adamw", "sqrt")]
)
def test_auto_rule_follows_the_optimizer(optimizer, rule):
    assert scaling.resolve_scaling_rule("auto", optimizer)[0] == rule
    assert scaling.resolve_scaling_rule("none", optimizer)[0] == "none"


@pytest.mark.parametrize(
    ("batches", "accumulate", "want"), [(100, 1, 100), (100, 4, 25), (101, 4, 26), (3, 4, 1)]
)
def test_steps_per_epoch_rounds_up_partial_windows(batches, accumulate, want):
    assert scaling.steps_per_epoch(batches, accumulate) == want


@pytest.mark.parametrize(
    ("epochs", "per_epoch", "want"), [(3, 100, 300), (0.5, 101, 51), (0.1, 30, 3), (2.5, 4, 10), (0, 50, 0)]
)
def test_epochs_to_steps(epochs, per_epoch, want):
    assert scaling.epochs_to_steps(epochs, per_epoch) == want


def test_auto_warmup_small_batch_is_three_epochs():
    steps, reasons = scaling.auto_warmup_steps(per_epoch=200, batch=64, total=20000)
    assert steps == 600
    assert reasons[-1] == "warmup auto: W = 600 steps"


def test_auto_warmup_three_epochs_capped_at_3000():
    steps, reasons = scaling.auto_warmup_steps(per_epoch=5000, batch=16, total=500000)
    assert steps == 3000
    assert "capped at 3000" in reasons[0]


def test_auto_warmup_large_batch_uses_log2_rule():
    # 3 epochs of 50 steps = 150; batch 1024 asks for ceil(100 x 10) = 1000
    steps, reasons = scaling.auto_warmup_steps(per_epoch=50, batch=1024, total=50000)
    assert steps == 1000
    assert any("log2(1024)" in r for r in reasons)
    steps, _ = scaling.auto_warmup_steps(per_epoch=50, batch=300, total=50000)
    assert steps == math.ceil(100 * math.log2(300)) == 823


def test_auto_warmup_is_at_most_a_tenth_of_the_run():
    steps, reasons = scaling.auto_warmup_steps(per_epoch=100, batch=64, total=1234)
    assert steps == 123
    assert any("capped at 10%" in r for r in reasons)


def test_one_device_gets_the_eight_device_recipe_scaled(make_config):
    """An 8-GPU recipe (reference batch 64) on 1 device: LR / 8, warmup in epochs covers the same images."""
    cfg = make_config(
        {
            "epochs": 12,
            "batch_size": 8,
            "reference_batch": 64,
            "lr": {"base": 0.01, "warmup": {"epochs": 1}, "decay": {"type": "cosine"}},
        }
    )
    eight = resolve_plan(cfg, devices=8, batches_per_epoch=100)
    one = resolve_plan(cfg, devices=1, batches_per_epoch=800)
    assert eight.peak_lr == pytest.approx(0.01)
    assert one.peak_lr == pytest.approx(0.01 / 8)
    assert one.warmup_steps * one.global_batch == eight.warmup_steps * eight.global_batch


def test_accumulation_restores_the_global_batch(make_config):
    cfg = make_config({"batch_size": 8, "accumulate": 8, "reference_batch": 64, "lr": {"base": 0.01}})
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=800)
    assert plan.global_batch == 64
    assert plan.peak_lr == pytest.approx(0.01)
    assert plan.steps_per_epoch == 100
