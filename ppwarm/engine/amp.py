"""Mixed precision: autocast and the dynamic GradScaler on GPU; on CPU AMP is off and the log says so.

GPU path (Paddle's documented API): `paddle.amp.auto_cast(enable, level, dtype)` around the forward,
`GradScaler.scale(loss).backward()`, then `unscale_` before clipping, `step`, `update`. Level O2 decorates
model and optimizer with fp32 master weights (`paddle.amp.decorate(..., master_weight=True)`). bfloat16
needs no loss scaling, so it runs without a scaler.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import paddle

from ppwarm.config import Config

log = logging.getLogger("ppwarm")


@dataclass
class Amp:
    """The AMP settings in force and the scaler (None when off or for bfloat16)."""

    enabled: bool
    level: str = "O1"
    dtype: str = "float16"
    scaler: paddle.amp.GradScaler | None = None

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        with paddle.amp.auto_cast(enable=True, level=self.level, dtype=self.dtype):
            yield

    def backward(self, loss: paddle.Tensor) -> None:
        (self.scaler.scale(loss) if self.scaler is not None else loss).backward()

    def loss_scale(self) -> float:
        """The current loss scale (1 when there is no scaler)."""
        return float(self.scaler._scale) if self.scaler is not None else 1.0

    def state_dict(self) -> dict[str, Any]:
        return self.scaler.state_dict() if self.scaler is not None else {}

    def set_state_dict(self, state: dict[str, Any]) -> None:
        if self.scaler is not None and state:
            self.scaler.load_state_dict(state)


def accelerator_available() -> bool:
    """True when Paddle runs on a GPU (or another accelerator AMP supports)."""
    return paddle.device.get_device() != "cpu"


def build_amp(cfg: Config, model: paddle.nn.Layer, optimizer: Any) -> tuple[Amp, paddle.nn.Layer]:
    """AMP for `cfg.amp` and the model (decorated for O2). Logs once when AMP is asked for on CPU."""
    amp_cfg = cfg.amp
    if not amp_cfg.enable:
        return Amp(enabled=False), model
    if not accelerator_available():
        log.info(
            "amp: enabled in the config but this is a CPU run; Paddle's AMP has no effect on CPU, "
            "so training runs in float32"
        )
        return Amp(enabled=False), model
    if amp_cfg.level == "O2":
        model = paddle.amp.decorate(
            models=model, optimizers=optimizer, level="O2", master_weight=True, dtype=amp_cfg.dtype
        )[0]
    scaler = None
    if amp_cfg.dtype == "float16":
        scaler = paddle.amp.GradScaler(init_loss_scaling=amp_cfg.init_loss_scaling)
    return Amp(True, amp_cfg.level, amp_cfg.dtype, scaler), model
