"""A MobileNetV3-like backbone for text lines: stride 32 in height (down to one row), 4 in width.

Block tables: MobileNetV3-Small and -Large, Tables 2 and 1 of Howard et al. 2019 ("Searching for
MobileNetV3"). As in CRNN-style recognisers (Shi et al. 2015 pool by 1x2 windows in their later stages), only
the stem and the first stride-2 block halve the width; every later stride-2 block halves the height only, so
a 32 x W line becomes a sequence of W/4 column features.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppwarm.models.det.layers import ConvBN
from ppwarm.models.det.mobilenet_v3 import LARGE_BLOCKS, InvertedResidual, make_divisible

Block = tuple[int, int, int, bool, str, int]

# (kernel, expanded ch, output ch, squeeze-excite, activation, stride); Howard et al. 2019, Table 2.
SMALL_BLOCKS: tuple[Block, ...] = (
    (3, 16, 16, True, "relu", 2),
    (3, 72, 24, False, "relu", 2),
    (3, 88, 24, False, "relu", 1),
    (5, 96, 40, True, "hardswish", 2),
    (5, 240, 40, True, "hardswish", 1),
    (5, 240, 40, True, "hardswish", 1),
    (5, 120, 48, True, "hardswish", 1),
    (5, 144, 48, True, "hardswish", 1),
    (5, 288, 96, True, "hardswish", 2),
    (5, 576, 96, True, "hardswish", 1),
    (5, 576, 96, True, "hardswish", 1),
)
BLOCK_TABLES: dict[str, tuple[Block, ...]] = {"small": SMALL_BLOCKS, "large": LARGE_BLOCKS}
# Width of the final 1x1 expansion ("conv2d 1x1, NBN" row before the pooling in both tables).
LAST_CHANNELS: dict[str, int] = {"small": 576, "large": 960}


def text_line_strides(blocks: tuple[Block, ...]) -> list[tuple[int, int]]:
    """(height, width) stride of each block: the first stride-2 block keeps (2, 2), later ones use (2, 1)."""
    strides, halved_width = [], False
    for block in blocks:
        if block[5] == 1:
            strides.append((1, 1))
        elif not halved_width:
            strides.append((2, 2))
            halved_width = True
        else:
            strides.append((2, 1))
    return strides


class RecMobileNetV3(nn.Layer):
    """[B, in_channels, 32, W] -> [B, out_channels, 1, ceil(W / 4)].

    `arch` is "small" or "large"; channels are multiplied by `scale` and rounded to multiples of 8.
    `out_channels` is the width of the final 1x1 expansion (576 or 960 times `scale`).
    """

    def __init__(self, arch: str = "small", scale: float = 0.5, in_channels: int = 3) -> None:
        super().__init__()
        if arch not in BLOCK_TABLES:
            raise ValueError(f"unknown MobileNetV3 arch {arch!r}; expected one of {sorted(BLOCK_TABLES)}")
        table = BLOCK_TABLES[arch]
        stem_ch = make_divisible(16 * scale)
        self.stem = ConvBN(in_channels, stem_ch, 3, stride=2, act="hardswish")
        blocks, in_ch = [], stem_ch
        for (k, exp, out, se, act, _), stride in zip(table, text_line_strides(table), strict=True):
            out_ch = make_divisible(out * scale)
            blocks.append(InvertedResidual(in_ch, make_divisible(exp * scale), out_ch, k, se, act, stride))
            in_ch = out_ch
        self.blocks = nn.Sequential(*blocks)
        self.out_channels = make_divisible(LAST_CHANNELS[arch] * scale)
        self.last = ConvBN(in_ch, self.out_channels, 1, act="hardswish")

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.last(self.blocks(self.stem(x)))
