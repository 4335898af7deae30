"""Loading trained weights for evaluation, inference and export."""

from __future__ import annotations

import logging
from pathlib import Path

import paddle

from ppwarm.errors import ConfigError
from ppwarm.weights.safe import load_paddle_file

log = logging.getLogger("ppwarm")


def load_weights(model: paddle.nn.Layer, path: str | None) -> str:
    """Put the weights at `path` into `model`; returns which ones ("ema", "model" or "state dict").

    A ppwarm checkpoint (`*.pdckpt`) gives its EMA weights when it has them, else its model weights; any
    other file is read as a plain state dict (`*.pdparams`). Shapes must match the model exactly.
    """
    if not path:
        raise ConfigError("weights: not set; pass -o weights=PATH (a checkpoint or .pdparams file)")
    if not Path(path).is_file():
        raise ConfigError(f"weights = {path!r}: no such file")
    loaded = load_paddle_file(path)
    if isinstance(loaded, dict) and "model" in loaded and "state" in loaded:
        which = "ema" if loaded.get("ema") else "model"
        state = loaded["ema"]["shadow"] if which == "ema" else loaded["model"]
    else:
        which, state = "state dict", loaded
    own = model.state_dict()
    wrong = [k for k, v in state.items() if k in own and list(v.shape) != list(own[k].shape)]
    missing = [k for k in own if k not in state]
    if wrong or missing:
        raise ConfigError(
            f"weights = {path!r} do not fit this model: {len(missing)} missing, {len(wrong)} with "
            f"other shapes (e.g. {(missing + wrong)[:3]}); check det.model / rec.model and the dataset's "
            "classes or dictionary"
        )
    model.set_state_dict(state)
    log.info("loaded %s weights from %s", which, path)
    return which
