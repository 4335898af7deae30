"""A ResNet-vd-like backbone (depth 18/34/50) returning the feature maps at strides 8, 16 and 32.

"vd" is ResNet-D of He et al. 2019 ("Bag of Tricks for Image Classification"): a stem of three 3x3 convs
instead of one 7x7, and downsampling shortcuts that average-pool 2x2 before their 1x1 conv so no input
pixel is skipped. Bottlenecks put the stride on the 3x3 conv (ResNet-B). PP-YOLO's deformable convs in
the last stage are not included.
"""

from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ppwarm.models.det.layers import ConvBN

STAGE_WIDTHS = (64, 128, 256, 512)


def shortcut(in_ch: int, out_ch: int, stride: int) -> nn.Layer:
    """Identity when shapes match; else [avgpool 2x2 if strided] + 1x1 ConvBN without activation."""
    if stride == 1 and in_ch == out_ch:
        return nn.Identity()
    proj = ConvBN(in_ch, out_ch, 1, act="none")
    if stride == 1:
        return proj
    return nn.Sequential(nn.AvgPool2D(2, 2, ceil_mode=True), proj)


class BasicBlock(nn.Layer):
    """Two 3x3 ConvBNs (the first strided) plus shortcut, then ReLU; output width = `width`."""

    expansion = 1

    def __init__(self, in_ch: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = ConvBN(in_ch, width, 3, stride=stride, act="relu")
        self.conv2 = ConvBN(width, width, 3, act="none")
        self.short = shortcut(in_ch, width, stride)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return F.relu(self.conv2(self.conv1(x)) + self.short(x))


class Bottleneck(nn.Layer):
    """1x1 -> 3x3 (strided) -> 1x1 (x4 width) ConvBNs plus shortcut, then ReLU."""

    expansion = 4

    def __init__(self, in_ch: int, width: int, stride: int) -> None:
        super().__init__()
        out_ch = width * self.expansion
        self.conv1 = ConvBN(in_ch, width, 1, act="relu")
        self.conv2 = ConvBN(width, width, 3, stride=stride, act="relu")
        self.conv3 = ConvBN(width, out_ch, 1, act="none")
        self.short = shortcut(in_ch, out_ch, stride)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return F.relu(self.conv3(self.conv2(self.conv1(x))) + self.short(x))


DEPTHS: dict[int, tuple[type[nn.Layer], tuple[int, int, int, int]]] = {
    18: (BasicBlock, (2, 2, 2, 2)),
    34: (BasicBlock, (3, 4, 6, 3)),
    50: (Bottleneck, (3, 4, 6, 3)),
}


class ResNetVd(nn.Layer):
    """ResNet-vd feature extractor; `forward(x)` -> [C3, C4, C5] at strides 8/16/32.

    `out_channels` is (128, 256, 512) for depth 18/34 and (512, 1024, 2048) for depth 50.
    """

    def __init__(self, depth: int = 50) -> None:
        super().__init__()
        if depth not in DEPTHS:
            raise ValueError(f"resnet_vd depth must be one of {sorted(DEPTHS)}, got {depth}")
        block, counts = DEPTHS[depth]
        self.stem = nn.Sequential(
            ConvBN(3, 32, 3, stride=2, act="relu"),
            ConvBN(32, 32, 3, act="relu"),
            ConvBN(32, 64, 3, act="relu"),
            nn.MaxPool2D(3, 2, padding=1),
        )
        stages, in_ch = [], 64
        for i, (width, count) in enumerate(zip(STAGE_WIDTHS, counts, strict=True)):
            layers = []
            for j in range(count):
                layers.append(block(in_ch, width, 2 if (j == 0 and i > 0) else 1))
                in_ch = width * block.expansion
            stages.append(nn.Sequential(*layers))
        self.stages = nn.LayerList(stages)
        self.out_channels: tuple[int, ...] = tuple(w * block.expansion for w in STAGE_WIDTHS[1:])

    def forward(self, x: paddle.Tensor) -> list[paddle.Tensor]:
        x = self.stem(x)
        feats = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i > 0:
                feats.append(x)
        return feats
