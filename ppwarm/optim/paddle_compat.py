"""The Paddle internals ppwarm changes between optimizer updates, in one place.

Checked against paddlepaddle 3.3: a parameter's `optimize_attr['learning_rate']` multiplies the global LR
at every update; the optimizer re-reads `momentum` (Momentum) or `beta1` (Adam, AdamW) from each parameter
group dict, falling back to `_default_dict`, on every update, so both must be written. The tests in
tests/optim prove the applied updates; if a Paddle release moves these, those tests fail.

Measured (and modelled in the tests): Adam's beta1 power accumulator starts at the beta1 of the first
update and is multiplied by the beta1 of each update, so under a beta1 warmup the bias correction of
update k uses b1_0 * b1_0 * ... * b1_(k-1) instead of b1_0 * ... * b1_k; the two differ by well under 1%.
"""

from __future__ import annotations

import paddle


def set_lr_scale(param: paddle.Tensor, scale: float) -> None:
    """Make `param` update with global LR x `scale` from the next `optimizer.step()` on."""
    param.optimize_attr["learning_rate"] = scale


def momentum_key(optimizer: paddle.optimizer.Optimizer) -> str | None:
    """'momentum', 'beta1', or None for an optimizer without one (plain SGD)."""
    for key in ("momentum", "beta1"):
        if key in optimizer._default_dict:
            return key
    return None


def set_momentum(optimizer: paddle.optimizer.Optimizer, value: float) -> None:
    """Use momentum (or beta1) `value` from the next `optimizer.step()` on, in every group."""
    key = momentum_key(optimizer)
    if key is None:
        raise ValueError(f"{type(optimizer).__name__} has no momentum to set")
    optimizer._default_dict[key] = value
    for group in optimizer._param_groups:
        if isinstance(group, dict):
            group[key] = value


def group_momentum(optimizer: paddle.optimizer.Optimizer) -> list[float]:
    """The momentum (or beta1) each group will use at the next update."""
    key = momentum_key(optimizer)
    return [group.get(key, optimizer._default_dict[key]) for group in optimizer._param_groups]
