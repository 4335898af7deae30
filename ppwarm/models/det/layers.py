"""Building blocks shared by the detector's backbones, neck and head.

ConvBN is the unit everything else is made of; SPP, DropBlock and the CoordConv helper are PP-YOLO's
"tricks" (Long et al. 2020, sec. 3.2), each a plain layer or function the neck composes explicitly.
"""

from __future__ import annotations

from collections.abc import Callable

import paddle
import paddle.nn.functional as F
from paddle import nn

ACTIVATIONS: dict[str, Callable[[], nn.Layer]] = {
    "relu": nn.ReLU,
    "hardswish": nn.Hardswish,
    # YOLOv3 (Redmon & Farhadi 2018) uses leaky ReLU with slope 0.1 throughout its neck and head.
    "leaky": lambda: nn.LeakyReLU(0.1),
    "none": nn.Identity,
}


class ConvBN(nn.Layer):
    """Conv2D without bias -> BatchNorm2D -> activation; odd kernels keep the size at stride 1."""

    def __init__(
        self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1, act: str = "leaky"
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2D(
            in_ch, out_ch, kernel, stride=stride, padding=kernel // 2, groups=groups, bias_attr=False
        )
        self.bn = nn.BatchNorm2D(out_ch)
        self.act = ACTIVATIONS[act]()

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.act(self.bn(self.conv(x)))


class SPP(nn.Layer):
    """Spatial pyramid pooling: concat(x, maxpool 5/9/13 at stride 1), fused to `out_ch` by a 1x1 ConvBN.

    Sizes 5/9/13 as in YOLOv3-SPP and PP-YOLO (applied on the deepest level only); H and W are kept.
    """

    def __init__(self, in_ch: int, out_ch: int, sizes: tuple[int, ...] = (5, 9, 13)) -> None:
        super().__init__()
        self.sizes = sizes
        self.fuse = ConvBN(in_ch * (len(sizes) + 1), out_ch, 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        pools = [F.max_pool2d(x, k, stride=1, padding=k // 2) for k in self.sizes]
        return self.fuse(paddle.concat([x, *pools], axis=1))


class DropBlock(nn.Layer):
    """DropBlock (Ghiasi et al. 2018): zero random block_size x block_size squares, rescale the rest.

    Identity in eval mode. PP-YOLO uses block_size 3 and keep_prob 0.9 in the FPN only.
    """

    def __init__(self, block_size: int = 3, keep_prob: float = 0.9) -> None:
        super().__init__()
        self.block_size = block_size
        self.keep_prob = keep_prob

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if not self.training or self.keep_prob >= 1.0:
            return x
        h, w = x.shape[2], x.shape[3]
        bs = self.block_size
        # Eq. (1) of the DropBlock paper: seed rate so that about (1 - keep_prob) of the units are dropped.
        valid = max(h - bs + 1, 1) * max(w - bs + 1, 1)
        gamma = (1.0 - self.keep_prob) / (bs * bs) * (h * w) / valid
        seeds = (paddle.rand(x.shape, dtype=x.dtype) < gamma).astype(x.dtype)
        blocks = F.max_pool2d(seeds, bs, stride=1, padding=bs // 2)
        keep = 1.0 - blocks
        return x * keep * (keep.numel().astype(x.dtype) / keep.sum().clip(min=1.0))


def add_coords(x: paddle.Tensor) -> paddle.Tensor:
    """CoordConv input (Liu et al. 2018): append x then y coordinate channels, each spanning [-1, 1].

    [B, C, H, W] -> [B, C + 2, H, W]; works with a dynamic batch size (export).
    """
    h, w = x.shape[2], x.shape[3]
    like = x[:, :1]
    xs = paddle.linspace(-1.0, 1.0, w, dtype="float32").reshape([1, 1, 1, w])
    ys = paddle.linspace(-1.0, 1.0, h, dtype="float32").reshape([1, 1, h, 1])
    return paddle.concat([x, paddle.expand_as(xs, like), paddle.expand_as(ys, like)], axis=1)
