"""best.pdckpt holds the weights that scored the best metric, whatever the save and eval intervals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.engine.checkpoint import load_checkpoint
from ppwarm.runner import run_training
from ppwarm.tasks.toy import build_toy_task
from ppwarm.weights.load import load_weights

# Evaluation every epoch, saves every 2 or 3 epochs; each run's best comes between two saves and a
# later evaluation is worse, so a best read only at save time would be lost or given later weights.
HIGH_LR = {"epochs": 6, "lr": {"base": 0.2, "decay": {"type": "constant"}}, "ema": {"enable": False}}
EMA = {"epochs": 6, "ema": {"enable": True, "decay": 0.9}}
RUNS = {
    "save every 2, no EMA": {**HIGH_LR, "checkpoint": {"save_interval": 2}},
    "save every 3, no EMA": {**HIGH_LR, "checkpoint": {"save_interval": 3}},
    "save every 3, EMA": {**EMA, "checkpoint": {"save_interval": 3}},
}


@pytest.mark.parametrize("extra", RUNS.values(), ids=RUNS.keys())
def test_best_checkpoint_scores_the_logged_best(toy_config, extra):
    cfg = toy_config({**extra, "eval_interval": 1})
    state = run_training(cfg, evaluate=True)
    assert state.best_step != state.step, "the scenario needs a best before the last evaluation"
    best = Path(cfg.output_dir) / "checkpoints" / "best.pdckpt"
    assert load_checkpoint(best)["state"]["step"] == state.best_step
    task = build_toy_task(cfg)
    which = load_weights(task.model, str(best))
    assert which == ("ema" if cfg.ema.enable else "model")
    assert task.evaluate(task.model)["mse"] == state.best_metric
