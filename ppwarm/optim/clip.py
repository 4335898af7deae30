"""Gradient norm and clipping over ALL trainable parameters.

Paddle's `ClipGradByGlobalNorm`, given to an optimizer with parameter groups, clips each group by that
group's own norm (measured with paddlepaddle 3.3: groups of 4 and 9 unit gradients clipped to 1.0 were
scaled by 1/2 and 1/3, not by the global 1/sqrt(13)). ppwarm groups parameters by part and role, so it
measures and clips the norm itself, before `optimizer.step()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import paddle


def global_grad_norm(params: Iterable[paddle.Tensor]) -> float:
    """L2 norm of all gradients together (parameters without a gradient count as zero).

    The squares are summed on the device in float64 and read back once: one host transfer per update,
    not one per parameter.
    """
    with paddle.no_grad():
        squares = [
            paddle.sum(paddle.square(param.grad.astype("float32"))).astype("float64")
            for param in params
            if param.grad is not None
        ]
        total = float(paddle.add_n(squares)) if squares else 0.0
    return math.sqrt(total)


def clip_grad_norm_(params: Iterable[paddle.Tensor], max_norm: float) -> float:
    """Scale every gradient in place by ``max_norm / max(norm, max_norm)``; return the norm before.

    A non-finite norm is returned as it is and nothing is scaled (the caller decides to skip the step).
    """
    params = list(params)
    norm = global_grad_norm(params)
    if max_norm > 0 and math.isfinite(norm) and norm > max_norm:
        scale = max_norm / norm
        with paddle.no_grad():
            for param in params:
                if param.grad is not None:
                    param.grad.scale_(scale)
    return norm
