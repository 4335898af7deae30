"""The plan's derived numbers go into resolved_config.yml and read back unchanged."""

from __future__ import annotations

from ppwarm.config import read_resolved_config, write_resolved_config
from ppwarm.lr.plan import resolve_plan


def test_derived_values_round_trip(make_config, tmp_path):
    cfg = make_config(
        {
            "epochs": 12,
            "batch_size": 4,
            "accumulate": 2,
            "reference_batch": 64,
            "lr": {"decay": {"type": "piecewise", "milestones": [6, 9]}},
        }
    )
    plan = resolve_plan(cfg, devices=2, batches_per_epoch=100)
    path = write_resolved_config(cfg, tmp_path, plan.derived())
    config, derived = read_resolved_config(path)
    assert config == cfg
    assert derived["global_batch"] == 16
    assert derived["peak_lr"] == 0.01 * 16 / 64
    assert derived["steps_per_epoch"] == 50
    assert derived["warmup_steps"] == 60  # auto: 3 epochs = 150 steps, capped at 10% of 600
    assert derived["milestone_steps"] == [300, 450]
    assert derived["final_lr"] == plan.lr(599)
    assert derived["reasons"] == list(plan.reasons)
