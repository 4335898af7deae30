"""The toy task: regress a fixed linear map plus noise with `ToyRegressor`. Tiny, CPU, seconds.

The data is generated from the run's seed, so two runs see the same samples. Metric: validation MSE.
"""

from __future__ import annotations

import numpy as np
import paddle

from ppwarm.config import Config
from ppwarm.engine.task import Task
from ppwarm.models.toy import ToyRegressor

OUT_FEATURES = 2


class ToyDataset(paddle.io.Dataset):
    """`n` samples {x, y} with y = x @ W + noise; W is the same for every split of one seed."""

    def __init__(self, n: int, features: int, noise: float, seed: int, split: int) -> None:
        weights = np.random.default_rng([seed, 0]).normal(size=(features, OUT_FEATURES))
        rng = np.random.default_rng([seed, 1 + split])
        self.x = rng.normal(size=(n, features)).astype("float32")
        self.y = (self.x @ weights + noise * rng.normal(size=(n, OUT_FEATURES))).astype("float32")

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        return {"x": self.x[index], "y": self.y[index]}


def evaluate_mse(model: paddle.nn.Layer, dataset: ToyDataset) -> dict[str, float]:
    """Mean squared error over the whole validation set, in eval mode."""
    was_training = model.training
    model.eval()
    with paddle.no_grad():
        out = model({"x": paddle.to_tensor(dataset.x), "y": paddle.to_tensor(dataset.y)})
    if was_training:
        model.train()
    return {"mse": float(out["mse"])}


def build_toy_task(cfg: Config) -> Task:
    toy = cfg.toy
    model = ToyRegressor(toy.features, hidden=8, out_features=OUT_FEATURES, batch_norm=toy.batch_norm)
    train = ToyDataset(toy.samples, toy.features, toy.noise, cfg.seed, split=0)
    val = ToyDataset(toy.val_samples, toy.features, toy.noise, cfg.seed, split=1)
    return Task(model, train, val, lambda m: evaluate_mse(m, val), metric="mse", mode="min")
