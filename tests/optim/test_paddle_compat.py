"""Optimizer state keyed by structured names loads into a model whose Paddle names differ."""

from __future__ import annotations

import numpy as np
import paddle
import pytest

from ppwarm.models.toy import ToyRegressor
from ppwarm.optim.paddle_compat import (
    group_momentum,
    load_portable_optimizer_state,
    portable_optimizer_state,
    set_momentum,
)


def trained(kind):
    model = ToyRegressor()
    params = dict(model.named_parameters())
    params = {n: p for n, p in params.items() if not p.stop_gradient}
    opt = kind(learning_rate=0.1, parameters=list(params.values()))
    sum(p.sum() for p in params.values()).backward()
    opt.step()
    return model, params, opt


@pytest.mark.parametrize(
    "kind", [paddle.optimizer.Momentum, paddle.optimizer.AdamW], ids=["momentum", "adamw"]
)
def test_state_moves_between_models_with_other_generated_names(kind):
    _, params, opt = trained(kind)
    state = portable_optimizer_state(opt, params)
    assert any(key.startswith("head.weight::") for key in state)
    assert not any(key.startswith("linear_") for key in state), "no generated names left"
    other = ToyRegressor()  # built later in the same process: different generated names
    other_params = {n: p for n, p in other.named_parameters() if not p.stop_gradient}
    assert other_params["head.weight"].name != params["head.weight"].name
    fresh = kind(learning_rate=0.1, parameters=list(other_params.values()))
    load_portable_optimizer_state(fresh, state, other_params)
    again = portable_optimizer_state(fresh, other_params)
    assert set(again) == set(state)
    for key, value in state.items():
        if hasattr(value, "numpy"):
            np.testing.assert_array_equal(again[key].numpy(), value.numpy())


def test_momentum_is_written_to_every_group():
    model = ToyRegressor()
    params = [p for p in model.parameters() if not p.stop_gradient]
    opt = paddle.optimizer.Momentum(parameters=[{"params": params[:3]}, {"params": params[3:]}])
    set_momentum(opt, 0.85)
    assert group_momentum(opt) == [0.85, 0.85] and opt._default_dict["momentum"] == 0.85
    with pytest.raises(ValueError, match="SGD has no momentum"):
        set_momentum(paddle.optimizer.SGD(parameters=params), 0.9)
