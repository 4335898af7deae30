"""Which role each trainable parameter of a Paddle model plays: `weight`, `norm` or `bias`.

Roles come from the layer that owns the parameter, never from its position in the parameter list:
every parameter a layer holds under a name ending in `bias` is a bias (norm layers' shifts included);
the scale of a normalisation layer is `norm`; everything else is `weight`. Buffers such as BatchNorm's
running mean and variance, and frozen parameters, are not trainable and get no role.
"""

from __future__ import annotations

import paddle
from paddle import nn

NORM_LAYERS: tuple[type[nn.Layer], ...] = (
    nn.BatchNorm,
    nn.BatchNorm1D,
    nn.BatchNorm2D,
    nn.BatchNorm3D,
    nn.SyncBatchNorm,
    nn.LayerNorm,
    nn.GroupNorm,
    nn.InstanceNorm1D,
    nn.InstanceNorm2D,
    nn.InstanceNorm3D,
)


def _role(layer: nn.Layer, local_name: str) -> str:
    if local_name.endswith("bias"):
        return "bias"
    if isinstance(layer, NORM_LAYERS):
        return "norm"
    return "weight"


def parameter_roles(model: nn.Layer) -> dict[str, tuple[str, paddle.Tensor]]:
    """Structured name -> (role, parameter) for every trainable parameter, in model order."""
    out: dict[str, tuple[str, paddle.Tensor]] = {}
    for prefix, layer in model.named_sublayers(include_self=True):
        for local, param in layer.named_parameters(include_sublayers=False):
            name = f"{prefix}.{local}" if prefix else local
            if not param.stop_gradient and name not in out:
                out[name] = (_role(layer, local), param)
    return out


def declared_parts(model: nn.Layer) -> dict[str, str]:
    """The model's parts as {part: structured-name prefix}, from its optional `parts` attribute."""
    return dict(getattr(model, "parts", {}) or {})
