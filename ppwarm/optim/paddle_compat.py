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


PORTABLE_SEP = "::"


def _owner(key: str, names: list[str]) -> str | None:
    """The parameter name a state key belongs to (`<param.name>_<accumulator>`), longest match first."""
    for name in names:
        if key.startswith(name + "_"):
            return name
    return None


def portable_optimizer_state(optimizer: paddle.optimizer.Optimizer, params: dict[str, paddle.Tensor]) -> dict:
    """`optimizer.state_dict()` keyed by structured parameter names instead of Paddle's generated ones.

    Paddle names accumulators after `param.name` (`linear_0.w_0_velocity_0`), which depends on how many
    layers the process created before; checkpoints store `head.weight::velocity_0` so that they load into a
    model built in any process.
    """
    structured = {p.name: s for s, p in params.items()}
    names = sorted(structured, key=len, reverse=True)
    out: dict = {}
    for key, value in optimizer.state_dict().items():
        if key == "master_weights":
            out[key] = {structured.get(k, k): v for k, v in value.items()}
            continue
        owner = _owner(key, names)
        out[f"{structured[owner]}{PORTABLE_SEP}{key[len(owner) + 1 :]}" if owner else key] = value
    return out


def load_portable_optimizer_state(
    optimizer: paddle.optimizer.Optimizer, state: dict, params: dict[str, paddle.Tensor]
) -> None:
    """Load a state written by `portable_optimizer_state` into `optimizer` over the same structured params."""
    native: dict = {}
    for key, value in state.items():
        if key == "master_weights":
            native[key] = {params[k].name if k in params else k: v for k, v in value.items()}
        elif PORTABLE_SEP in key:
            structured, suffix = key.split(PORTABLE_SEP, 1)
            native[f"{params[structured].name}_{suffix}"] = value
        else:
            native[key] = value
    optimizer.set_state_dict(native)
