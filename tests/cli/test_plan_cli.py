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


def test_without_steps_per_epoch_the_training_set_is_counted(capsys):
    """The demo's toy set: 256 samples / (8 per device x 2 devices) = 16 batches per device."""
    assert plan_main(["-c", str(DEMO), "--devices", "2"]) == 0
    assert "16 batches per epoch / accumulate 1 = 16 steps per epoch" in capsys.readouterr().out


def test_plan_tool_does_not_import_paddle():
    code = "import sys, ppwarm.cli; ppwarm.cli.main(['plan', '-c', 'configs/schedule_demo.yml']); "
    code += "print('paddle' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False"


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


def test_group_columns_are_what_the_optimizer_applies(tmp_path, write_config):
    """Plan CSV and trainer read one function: the applied group LRs and momentum equal the CSV exactly."""
    from ppwarm.models.toy import ToyRegressor
    from ppwarm.optim.build import build_optimizer

    cfg_path = write_config(
        {
            "_BASE_": str(REPO / "configs" / "_base_" / "yolov5_hyp.yml"),
            "epochs": 5,
            "batch_size": 16,
            "lr": {"warmup": {"epochs": 1}},
            "optimizer": {"parts": {"backbone": {"lr_mult": 0.1, "warmup_epochs": 2}}},
        }
    )
    csv = tmp_path / "groups.csv"
    assert plan_main(["-c", str(cfg_path), "--steps-per-epoch", "24", "--csv", str(csv)]) == 0
    table = read_csv(csv)
    assert {"lr/weight", "lr/bias", "lr/norm", "lr/backbone.weight", "lr/backbone.bias", "momentum"} <= set(
        table
    )
    cfg = load_config(cfg_path)
    grouped = build_optimizer(ToyRegressor(), cfg, resolve_plan(cfg, 1, 24))
    params = list(grouped.params.values())
    for t in range(len(table["step"])):
        sum(p.sum() for p in params).backward()
        used = grouped.step()
        grouped.optimizer.clear_grad()
        for group, lr in used.items():
            assert lr == table[f"lr/{group}"][t], (group, t)
        assert grouped.optimizer._default_dict["momentum"] == table["momentum"][t]
    assert table["lr/bias"][0] == 0.1 and table["momentum"][0] == 0.8


def test_plan_prints_groups_momentum_and_their_warnings(capsys):
    y5 = str(REPO / "configs" / "yolov5_schedule.yml")
    assert plan_main(["-c", y5, "--steps-per-epoch", "500"]) == 0
    out = capsys.readouterr().out
    assert "accumulate auto = max(round(nominal_batch 64 / (batch_size 16 x devices 1)), 1) = 4" in out
    assert "weight decay 0.0005 = 0.0005 x global batch 64 / nominal_batch 64" in out
    assert "lr 1.0000e-01 at step 0 -> 1.0000e-02 at step 375" in out, "bias LR falls from 0.1"
    assert "momentum: 0.8 -> 0.937 linearly over the 375 warmup steps, then 0.937" in out
    assert "!" not in out
    assert plan_main(["-c", y5, "--steps-per-epoch", "500", "-o", "lr.warmup.type=none"]) == 0
    assert "! optimizer.warmup_bias_lr is set but the run has no warmup" in capsys.readouterr().out


def test_r50_recipe_reproduces_the_paper_on_8_gpus_and_scales_to_one(capsys):
    """8 x 24 images: ~250K steps and ~4000 warmup steps; 1 x 24: LR / 8, warmup over the same images."""
    r50 = str(REPO / "configs" / "ppyolo_r50_coco.yml")
    plans = {}
    for devices, batches in ((8, 611), (1, 4886)):
        assert plan_main(["-c", r50, "--devices", str(devices), "--steps-per-epoch", str(batches)]) == 0
        plans[devices] = resolve_plan(load_config(r50), devices, batches)
    eight, one = plans[8], plans[1]
    assert (eight.global_batch, eight.peak_lr, eight.total_steps, eight.warmup_steps) == (
        192,
        0.01,
        247455,
        3972,
    )
    assert (one.global_batch, one.peak_lr) == (24, 0.00125)
    images_one, images_eight = one.warmup_steps * 24, eight.warmup_steps * 192
    assert abs(images_one - images_eight) / images_eight < 1e-3, "the same warmup in images (up to rounding)"
    assert one.milestone_steps == (243 * 4886, 324 * 4886)
