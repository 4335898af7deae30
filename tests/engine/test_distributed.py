"""Two CPU processes through Paddle's launcher train like one process with the same global batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from ppwarm.config import read_resolved_config
from ppwarm.engine.events import read_jsonl
from tests.engine.conftest import TOY, merge

pytestmark = pytest.mark.slow  # trains a model or starts processes

REPO = Path(__file__).resolve().parents[2]
# no batch norm: per-rank statistics would differ from the full batch's (sync_bn needs GPUs)
SETTINGS = {"epochs": 2, "toy": {"batch_norm": False}, "ema": {"enable": False}}


def write(tmp_path: Path, name: str, batch_size: int) -> Path:
    data = merge(TOY, {**SETTINGS, "batch_size": batch_size, "output_dir": str(tmp_path / name)})
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_two_processes_equal_one_with_the_same_global_batch(tmp_path):
    single = write(tmp_path, "single", batch_size=16)
    double = write(tmp_path, "double", batch_size=8)
    train = str(REPO / "tools" / "train.py")
    subprocess.run(
        [sys.executable, train, "-c", str(single)], check=True, capture_output=True, cwd=REPO, timeout=300
    )
    launch = [sys.executable, "-m", "paddle.distributed.launch", "--nproc_per_node", "2",
              "--log_dir", str(tmp_path / "launch"), train, "-c", str(double)]  # fmt: skip
    done = subprocess.run(launch, capture_output=True, text=True, cwd=REPO, timeout=300)
    worker = (tmp_path / "launch" / "workerlog.0").read_text()
    assert done.returncode == 0, worker[-3000:]
    _, one = read_resolved_config(tmp_path / "single" / "resolved_config.yml")
    _, two = read_resolved_config(tmp_path / "double" / "resolved_config.yml")
    assert (one["devices"], one["global_batch"]) == (1, 16)
    assert (two["devices"], two["global_batch"]) == (2, 16)
    assert two["peak_lr"] == one["peak_lr"] and two["total_steps"] == one["total_steps"] == 16
    a, b = (
        read_jsonl(tmp_path / "single" / "metrics.jsonl"),
        read_jsonl(tmp_path / "double" / "metrics.jsonl"),
    )
    steps = range(16)
    assert [b["train/lr/weight"][t] for t in steps] == [a["train/lr/weight"][t] for t in steps]
    assert [b["train/momentum"][t] for t in steps] == [a["train/momentum"][t] for t in steps]
    for tag in ("train/loss", "train/grad_norm"):
        np.testing.assert_allclose([b[tag][t] for t in steps], [a[tag][t] for t in steps], rtol=1e-5)
    assert not (tmp_path / "launch" / "workerlog.1").read_text().count("saved "), "only rank 0 writes"
