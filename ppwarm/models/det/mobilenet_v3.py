"""A MobileNetV3-like backbone returning the feature maps at strides 8, 16 and 32.

Block table: MobileNetV3-Large, Table 1 of Howard et al. 2019 ("Searching for MobileNetV3"); channels are
multiplied by `scale` and rounded to multiples of 8 as in that paper. The final 1x1 expansion and the
classifier are dropped: the detector taps the last block of each stride.
"""

from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ppwarm.models.det.layers import ConvBN

# (kernel, expanded channels, output channels, squeeze-excite, activation, stride); Howard et al. 2019.
LARGE_BLOCKS: tuple[tuple[int, int, int, bool, str, int], ...] = (
    (3, 16, 16, False, "relu", 1),
    (3, 64, 24, False, "relu", 2),
    (3, 72, 24, False, "relu", 1),
    (5, 72, 40, True, "relu", 2),
    (5, 120, 40, True, "relu", 1),
    (5, 120, 40, True, "relu", 1),
    (3, 240, 80, False, "hardswish", 2),
    (3, 200, 80, False, "hardswish", 1),
    (3, 184, 80, False, "hardswish", 1),
    (3, 184, 80, False, "hardswish", 1),
    (3, 480, 112, True, "hardswish", 1),
    (3, 672, 112, True, "hardswish", 1),
    (5, 672, 160, True, "hardswish", 2),
    (5, 960, 160, True, "hardswish", 1),
    (5, 960, 160, True, "hardswish", 1),
)
OUT_STRIDES = (8, 16, 32)


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round to the nearest multiple of `divisor`, never below 90% of `value` (MobileNet convention)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class SqueezeExcite(nn.Layer):
    """Channel attention: x * hardsigmoid(W2 relu(W1 avgpool(x))), bottleneck of channels / 4."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        mid = make_divisible(channels / 4)
        self.reduce = nn.Conv2D(channels, mid, 1)
        self.expand = nn.Conv2D(mid, channels, 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        s = F.relu(self.reduce(F.adaptive_avg_pool2d(x, 1)))
        return x * F.hardsigmoid(self.expand(s))


class InvertedResidual(nn.Layer):
    """1x1 expand -> depthwise kxk (stride) -> [SE] -> linear 1x1 project; identity shortcut if same shape."""

    def __init__(
        self, in_ch: int, mid: int, out_ch: int, kernel: int, se: bool, act: str, stride: int
    ) -> None:
        super().__init__()
        self.expand = ConvBN(in_ch, mid, 1, act=act) if mid != in_ch else nn.Identity()
        self.depthwise = ConvBN(mid, mid, kernel, stride=stride, groups=mid, act=act)
        self.se = SqueezeExcite(mid) if se else nn.Identity()
        self.project = ConvBN(mid, out_ch, 1, act="none")
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class MobileNetV3(nn.Layer):
    """MobileNetV3-Large-like feature extractor; `forward(x)` -> [C3, C4, C5] at strides 8/16/32.

    `out_channels` lists their channel counts (40, 112, 160 x scale, rounded to 8). `se=False` drops the
    squeeze-excite modules (cheaper on some CPUs).
    """

    def __init__(self, scale: float = 1.0, se: bool = True) -> None:
        super().__init__()
        stem_ch = make_divisible(16 * scale)
        self.stem = ConvBN(3, stem_ch, 3, stride=2, act="hardswish")
        blocks, taps, channels = [], [], []
        in_ch, stride = stem_ch, 2
        for i, (k, exp, out, use_se, act, s) in enumerate(LARGE_BLOCKS):
            out_ch = make_divisible(out * scale)
            blocks.append(
                InvertedResidual(in_ch, make_divisible(exp * scale), out_ch, k, use_se and se, act, s)
            )
            in_ch, stride = out_ch, stride * s
            next_stride = stride * LARGE_BLOCKS[i + 1][5] if i + 1 < len(LARGE_BLOCKS) else 0
            if stride in OUT_STRIDES and next_stride != stride:
                taps.append(i)
                channels.append(out_ch)
        self.blocks = nn.LayerList(blocks)
        self.taps = tuple(taps)
        self.out_channels: tuple[int, ...] = tuple(channels)

    def forward(self, x: paddle.Tensor) -> list[paddle.Tensor]:
        x = self.stem(x)
        feats = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in self.taps:
                feats.append(x)
        return feats
