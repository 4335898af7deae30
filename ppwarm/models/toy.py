"""A tiny model the package ships for tests and examples: three declared parts, every parameter role.

backbone: Linear + BatchNorm1D, neck: Linear + LayerNorm, head: Linear. `forward(batch)` returns a dict of
losses with a `total`, the contract every ppwarm model follows.
"""

from __future__ import annotations

from typing import ClassVar

import paddle
from paddle import nn


class ToyRegressor(nn.Layer):
    """Regress `batch['y']` from `batch['x']`; parts are declared by structured-name prefix."""

    parts: ClassVar[dict[str, str]] = {"backbone": "backbone.", "neck": "neck.", "head": "head."}

    def __init__(
        self, in_features: int = 4, hidden: int = 8, out_features: int = 2, batch_norm: bool = True
    ) -> None:
        super().__init__()
        # Without batch norm, a micro-batch's result does not depend on the other samples in it, so split
        # batches (accumulation, several ranks) give the same gradients as one large batch.
        norm = nn.BatchNorm1D(hidden) if batch_norm else nn.Identity()
        self.backbone = nn.Sequential(nn.Linear(in_features, hidden), norm, nn.ReLU())
        self.neck = nn.Sequential(nn.Linear(hidden, hidden), nn.LayerNorm(hidden))
        self.head = nn.Linear(hidden, out_features)

    def forward(self, batch: dict[str, paddle.Tensor]) -> dict[str, paddle.Tensor]:
        pred = self.head(self.neck(self.backbone(batch["x"])))
        mse = ((pred - batch["y"]) ** 2).mean()
        return {"mse": mse, "total": mse}
