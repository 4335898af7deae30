"""batch_size: auto picks a batch from measured memory and feeds the LR and warmup rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.cli.plan import main as plan_main
from ppwarm.cli.train import main as train_main
from ppwarm.config import read_resolved_config

pytestmark = pytest.mark.slow  # trains a model or starts processes

REPO = Path(__file__).resolve().parents[2]
TOY = str(REPO / "configs" / "toy.yml")


def test_plan_shows_the_chain_from_budget_to_warmup(capsys):
    args = ["-c", TOY, "-o", "batch_size=auto", "memory.budget=1GB", "optimizer.nominal_batch=512"]
    assert plan_main(args) == 0
    out = capsys.readouterr().out
    chain = next(line for line in out.splitlines() if "batch_size auto (memory.budget)" in line)
    assert "budget 1000.0 MB x margin 0.8 -> batch 256" in chain and "-> global batch 512" in chain
    assert "accumulate auto = max(round(nominal_batch 512 / (batch_size 256 x devices 1)), 1) = 2" in out
    assert "peak LR 1.6 = lr.base 0.05 x 512/16" in out


def test_a_budget_below_the_framework_is_a_clear_error(capsys):
    assert plan_main(["-c", TOY, "-o", "batch_size=auto", "memory.budget=100MB"]) == 2
    assert "batch_size = 'auto':" in capsys.readouterr().err


def test_training_records_the_chosen_batch(tmp_path):
    out = tmp_path / "run"
    args = ["-c", TOY, "-o", "batch_size=auto", "memory.budget=1GB", "epochs=2", f"output_dir={out}"]
    assert train_main(args) == 0
    cfg, derived = read_resolved_config(out / "resolved_config.yml")
    assert cfg.batch_size == 256 and derived["global_batch"] == 256


def test_progressive_resizing_plans_for_its_largest_side(make_config):
    from ppwarm.memory.auto_batch import planning_side

    cfg = make_config(
        {"task": "det", "det": {"input_size": 320, "augment": {"size_schedule": [[0, 320], [5, 416]]}}}
    )
    assert planning_side(cfg) == 416
    assert planning_side(make_config({"task": "det"})) == 320
    assert planning_side(make_config({})) is None


def test_estimate_memory_tool_prints_the_table_and_a_choice(capsys):
    from ppwarm.cli.estimate_memory import main as estimate_main

    assert estimate_main(["-c", TOY, "--budget", "1GB"]) == 0
    out = capsys.readouterr().out
    assert "parameters" in out and "activations" in out and "fits" in out
    assert "AMP has no effect on CPU" in out
    assert "batch choice: budget 1000.0 MB x margin 0.8 -> batch 256" in out
