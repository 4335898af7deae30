"""The runner's announcement: the plan and each of its warnings, once."""

from __future__ import annotations

from pathlib import Path

from ppwarm.lr.plan import resolve_plan
from ppwarm.runner import run_training
from tests.engine.conftest import TOY


def test_a_plan_warning_is_printed_once(make_config, tmp_path, capsys):
    cfg = make_config({**TOY, "output_dir": str(tmp_path / "run")})
    (warning,) = resolve_plan(cfg, devices=1, batches_per_epoch=8).warnings  # warmup 1 of 4 epochs: 25%
    run_training(cfg)
    printed = capsys.readouterr()
    assert (printed.out + printed.err).count(warning) == 1
    assert (Path(cfg.output_dir) / "train.log").read_text(encoding="utf-8").count(warning) == 1
