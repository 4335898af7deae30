"""Composite warmup formulas: bias LR falling into the schedule, layer-wise warmup, momentum ramp."""

from __future__ import annotations

import numpy as np
import pytest

from ppwarm.lr.plan import resolve_plan
from ppwarm.optim.groups import composite_schedule

YOLO = {
    "epochs": 10,
    "lr": {
        "base": 0.01,
        "warmup": {"type": "linear", "epochs": 2, "start_lr": 0.0},
        "decay": {"type": "linear", "min_lr_ratio": 0.01},
    },
    "optimizer": {"type": "momentum", "momentum": 0.937, "warmup_momentum": 0.8, "warmup_bias_lr": 0.1},
}


def schedule_for(make_config, data, batches=10):
    cfg = make_config(data)
    plan = resolve_plan(cfg, batches_per_epoch=batches)
    return plan, composite_schedule(cfg, plan)


def test_groups_without_parts_are_the_three_roles(make_config):
    _, sched = schedule_for(make_config, YOLO)
    assert [g.name for g in sched.groups] == ["weight", "norm", "bias"]


def test_bias_lr_falls_from_b0_to_the_schedule(make_config):
    plan, sched = schedule_for(make_config, YOLO)
    t = np.arange(plan.total_steps)
    bias, weight = sched.lr("bias", t), sched.lr("weight", t)
    w, p = plan.warmup_steps, plan.peak_lr
    assert w == 20
    np.testing.assert_allclose(bias[:w], 0.1 + (p - 0.1) * t[:w] / w, rtol=1e-14)
    assert bias[0] == 0.1 and np.all(np.diff(bias[: w + 1]) < 0), "falls all through the warmup"
    assert bias[w] == weight[w] == p, "joins the schedule exactly at W"
    np.testing.assert_array_equal(bias[w:], weight[w:])
    np.testing.assert_allclose(weight[:w], p * t[:w] / w, rtol=1e-14)


def test_no_bias_warmup_when_b0_is_zero(make_config):
    data = {**YOLO, "optimizer": {**YOLO["optimizer"], "warmup_bias_lr": 0.0}}
    plan, sched = schedule_for(make_config, data)
    t = np.arange(plan.total_steps)
    np.testing.assert_array_equal(sched.lr("bias", t), sched.lr("weight", t))


def test_momentum_ramps_from_m0_then_holds(make_config):
    plan, sched = schedule_for(make_config, YOLO)
    m = sched.momentum_at(np.arange(plan.total_steps))
    np.testing.assert_allclose(m[:20], 0.8 + (0.937 - 0.8) * np.arange(20) / 20, rtol=1e-14)
    assert np.all(m[20:] == 0.937)


def test_adam_family_ramps_beta1_and_sgd_has_no_momentum(make_config):
    adam = {**YOLO, "optimizer": {**YOLO["optimizer"], "type": "adamw", "beta1": 0.95}}
    _, sched = schedule_for(make_config, adam)
    m = sched.momentum_at(np.array([0, 10, 20, 50]))
    np.testing.assert_allclose(m, [0.8, 0.875, 0.95, 0.95], rtol=1e-14)
    _, sgd = schedule_for(make_config, {**YOLO, "optimizer": {"type": "sgd"}})
    assert sgd.momentum is None and sgd.momentum_at(3) == 0.0


PARTS = {
    **YOLO,
    "optimizer": {
        **YOLO["optimizer"],
        "parts": {
            "backbone": {"lr_mult": 0.1, "warmup_epochs": 3},
            "head": {"lr_mult": 2.0, "warmup_epochs": 1},
        },
    },
    "lr": {**YOLO["lr"], "warmup": {"type": "cosine", "epochs": 2, "start_lr": 0.001}},
}


def test_group_names_with_parts(make_config):
    _, sched = schedule_for(make_config, PARTS)
    names = [g.name for g in sched.groups]
    assert names == [
        "weight",
        "norm",
        "bias",
        "backbone.weight",
        "backbone.norm",
        "backbone.bias",
        "head.weight",
        "head.norm",
        "head.bias",
    ]


def test_layerwise_warmup_formula(make_config):
    plan, sched = schedule_for(make_config, PARTS)
    p, s, w = plan.peak_lr, plan.start_lr, plan.warmup_steps
    t = np.arange(plan.total_steps)
    decay = np.where(t < w, p, plan.decay_curve()(t - w))
    for part, mult, own in (("backbone", 0.1, 30), ("head", 2.0, 10)):
        ramp = s / p + (1 - s / p) * (1 - np.cos(np.pi * np.minimum(t / own, 1))) / 2
        np.testing.assert_allclose(sched.lr(f"{part}.weight", t), mult * decay * ramp, rtol=1e-13)
        lr = sched.lr(f"{part}.weight", t)
        assert lr[0] == pytest.approx(mult * s, rel=1e-14), "starts at lr_mult x start_lr"
        assert lr[own] == pytest.approx(mult * decay[own], rel=1e-14), "joins lr_mult x decay at its own W"
        assert np.max(np.abs(np.diff(lr))) < 0.2 * mult * p, "continuous, no jumps"
    head = sched.lr("head.weight", t)
    assert np.all(head[10:20] == 2.0 * p), "the head warms in 1 epoch and then holds the peak"


def test_bias_of_a_layerwise_part_warms_over_the_parts_length(make_config):
    plan, sched = schedule_for(make_config, PARTS)
    t = np.arange(plan.total_steps)
    bias = sched.lr("head.bias", t)
    target = 2.0 * plan.peak_lr
    np.testing.assert_allclose(bias[:10], 0.1 + (target - 0.1) * t[:10] / 10, rtol=1e-14)
    np.testing.assert_array_equal(bias[10:], sched.lr("head.weight", t)[10:])


def test_largest_is_the_max_over_groups(make_config):
    plan, sched = schedule_for(make_config, PARTS)
    t = np.arange(plan.total_steps)
    stacked = np.stack([sched.lr(g.name, t) for g in sched.groups])
    np.testing.assert_array_equal(sched.largest(t), stacked.max(axis=0))
    assert sched.largest(0) == 0.1, "the falling bias LR is the largest at step 0"


def test_weight_decay_roles_and_nominal_batch_scaling(make_config):
    data = {**PARTS, "batch_size": 16, "accumulate": 2}
    data["optimizer"] = {**PARTS["optimizer"], "weight_decay": 0.0005, "nominal_batch": 64}
    data["optimizer"]["parts"] = {"backbone": {"weight_decay": 0.001}}
    _, sched = schedule_for(make_config, data)
    decay = {g.name: g.weight_decay for g in sched.groups}
    factor = 32 / 64
    assert decay["weight"] == pytest.approx(0.0005 * factor)
    assert decay["backbone.weight"] == pytest.approx(0.001 * factor)
    assert decay["bias"] == decay["norm"] == decay["backbone.bias"] == decay["backbone.norm"] == 0.0
    data["optimizer"] = {**data["optimizer"], "bias_decay": True, "scale_weight_decay": False}
    _, sched = schedule_for(make_config, data)
    assert sched.group("bias").weight_decay == 0.0005 and sched.group("norm").weight_decay == 0.0


def test_warnings_for_warmups_that_cannot_act(make_config):
    from ppwarm.optim.report import group_warnings

    _, sched = schedule_for(make_config, YOLO)
    assert group_warnings(sched) == []
    no_warmup = {**YOLO, "lr": {**YOLO["lr"], "warmup": {"type": "none"}}}
    _, sched = schedule_for(make_config, no_warmup)
    found = group_warnings(sched)
    assert len(found) == 2 and "bias LR is never warmed" in found[0] and "momentum starts" in found[1]
    _, sched = schedule_for(make_config, {**YOLO, "optimizer": {"type": "sgd", "warmup_momentum": 0.8}})
    assert group_warnings(sched) == [
        "optimizer.warmup_momentum is set but sgd has no momentum; use type: momentum"
    ]
