"""`tools/plan.py` / `ppwarm plan`: printout, CSV equal to the stepped scheduler, PNG, clean config errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppwarm.cli import main as ppwarm_main
from ppwarm.cli.plan import main as plan_main
from ppwarm.config import load_config
from ppwarm.lr.build import build_scheduler
from ppwarm.lr.plan import resolve_plan
from ppwarm.lr.table import read_csv

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "configs" / "schedule_demo.yml"


def test_plan_prints_the_chain_of_decisions(capsys):
    assert plan_main(["-c", str(DEMO), "--steps-per-epoch", "500", "--devices", "2"]) == 0
    out = capsys.readouterr().out
    assert "global batch 16 = batch_size 8 x devices 2 x accumulate 1" in out
    assert "peak LR 0.0025 = lr.base 0.01 x 16/64 (linear scaling" in out
    assert "500 batches per epoch / accumulate 1 = 500 steps per epoch; 36 epochs = 18000 steps" in out
    assert "warmup auto: W = 1500 steps" in out
    assert "first step after warmup (peak)" in out


def test_csv_is_what_the_scheduler_does_step_by_step(tmp_path, capsys):
    csv = tmp_path / "plan.csv"
    args = ["-c", str(DEMO), "--steps-per-epoch", "40", "-o", "accumulate=2", "lr.warmup.type=exponential"]
    assert plan_main([*args, "--csv", str(csv)]) == 0
    table = read_csv(csv)
    plan = resolve_plan(load_config(DEMO, ["accumulate=2", "lr.warmup.type=exponential"]), 1, 40)
    sched = build_scheduler(plan)
    used = []
    for _ in range(plan.total_steps):
        used.append(sched())
        sched.step()
    assert len(table["lr"]) == plan.total_steps == 36 * 20
    assert np.array_equal(table["step"], np.arange(plan.total_steps))
    assert np.array_equal(table["epoch"], np.arange(plan.total_steps) // 20)
    assert np.array_equal(table["lr"], np.array(used)), "CSV holds the exact values the scheduler uses"
    assert f"({plan.total_steps} rows)" in capsys.readouterr().out


def test_png_is_an_image(tmp_path):
    import matplotlib.image

    png = tmp_path / "plan.png"
    assert plan_main(["-c", str(DEMO), "--steps-per-epoch", "50", "--png", str(png)]) == 0
    image = matplotlib.image.imread(png)
    assert image.shape[0] > 300 and image.shape[1] > 600


def test_config_mistake_is_one_line_and_exit_2(capsys):
    code = plan_main(["-c", str(DEMO), "--steps-per-epoch", "50", "-o", "lr.warmpu.type=cosine"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "lr.warmpu" in err and "lr.warmup" in err
    assert "Traceback" not in err


def test_missing_steps_per_epoch_is_explained(capsys):
    assert plan_main(["-c", str(DEMO)]) == 2
    assert "pass --steps-per-epoch N" in capsys.readouterr().err


def test_ppwarm_command_dispatches_to_the_same_tool(capsys):
    assert ppwarm_main(["plan", "-c", str(DEMO), "--steps-per-epoch", "500"]) == 0
    via_entry = capsys.readouterr().out
    plan_main(["-c", str(DEMO), "--steps-per-epoch", "500"])
    assert capsys.readouterr().out == via_entry
    assert ppwarm_main(["plna"]) == 2
    assert "unknown tool 'plna'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", [[sys.executable, "tools/plan.py"], ["ppwarm", "plan"]], ids=["tools-script", "console-entry"]
)
def test_installed_commands_run(command):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [*command, "-c", "configs/schedule_demo.yml", "--steps-per-epoch", "500"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "warmup auto: W = 1500 steps" in done.stdout
