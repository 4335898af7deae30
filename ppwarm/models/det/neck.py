"""PP-YOLO's neck: a YOLOv3 FPN (top-down) with an optional PAN bottom-up path (PP-YOLOv2 style).

Every level is a DetBlock, YOLOv3's five alternating 1x1/3x3 ConvBNs; PP-YOLO's options enter there:
SPP replaces the middle 1x1 of the deepest top-down block, DropBlock follows it in every block, and
CoordConv adds coordinate channels before each block's first conv (Long et al. 2020, sec. 3.2).
"""

from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ppwarm.models.det.layers import SPP, ConvBN, DropBlock, add_coords


class DetBlock(nn.Layer):
    """[coords] 1x1 c, 3x3 2c, (SPP | 1x1) c, [DropBlock], 3x3 2c, 1x1 c: `in_ch` -> `ch` channels."""

    def __init__(self, in_ch: int, ch: int, *, spp: bool, drop_block: bool, coord_conv: bool) -> None:
        super().__init__()
        self.coord_conv = coord_conv
        self.conv1 = ConvBN(in_ch + (2 if coord_conv else 0), ch, 1)
        self.conv2 = ConvBN(ch, ch * 2, 3)
        self.conv3 = SPP(ch * 2, ch) if spp else ConvBN(ch * 2, ch, 1)
        self.drop = DropBlock(block_size=3, keep_prob=0.9) if drop_block else nn.Identity()
        self.conv4 = ConvBN(ch, ch * 2, 3)
        self.conv5 = ConvBN(ch * 2, ch, 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.coord_conv:
            x = add_coords(x)
        x = self.drop(self.conv3(self.conv2(self.conv1(x))))
        return self.conv5(self.conv4(x))


class PPYOLONeck(nn.Layer):
    """Fuse backbone features [C3, C4, C5] (strides 8/16/32) into [P3, P4, P5] with `channels` widths.

    Top-down: P5 = block(C5); P4 = block(C4 ++ up(1x1(P5))); P3 = block(C3 ++ up(1x1(P4))).
    With `pan`, bottom-up: N4 = block(P4 ++ down(P3)); N5 = block(P5 ++ down(N4)), down = 3x3 stride 2.
    Output i has `channels[i]` channels and the spatial size of input i.
    """

    def __init__(
        self,
        in_channels: tuple[int, ...],
        channels: tuple[int, int, int] = (64, 128, 256),
        *,
        pan: bool = False,
        spp: bool = True,
        drop_block: bool = False,
        coord_conv: bool = False,
    ) -> None:
        super().__init__()
        c3, c4, c5 = channels
        opts = {"drop_block": drop_block, "coord_conv": coord_conv}
        self.top5 = DetBlock(in_channels[2], c5, spp=spp, **opts)
        self.lateral5 = ConvBN(c5, c4, 1)
        self.top4 = DetBlock(in_channels[1] + c4, c4, spp=False, **opts)
        self.lateral4 = ConvBN(c4, c3, 1)
        self.top3 = DetBlock(in_channels[0] + c3, c3, spp=False, **opts)
        self.pan = pan
        if pan:
            self.down3 = ConvBN(c3, c3, 3, stride=2)
            self.bottom4 = DetBlock(c4 + c3, c4, spp=False, **opts)
            self.down4 = ConvBN(c4, c4, 3, stride=2)
            self.bottom5 = DetBlock(c5 + c4, c5, spp=False, **opts)
        self.out_channels: tuple[int, int, int] = (c3, c4, c5)

    def forward(self, feats: list[paddle.Tensor]) -> list[paddle.Tensor]:
        c3, c4, c5 = feats
        p5 = self.top5(c5)
        p4 = self.top4(paddle.concat([c4, _up(self.lateral5(p5))], axis=1))
        p3 = self.top3(paddle.concat([c3, _up(self.lateral4(p4))], axis=1))
        if not self.pan:
            return [p3, p4, p5]
        n4 = self.bottom4(paddle.concat([p4, self.down3(p3)], axis=1))
        n5 = self.bottom5(paddle.concat([p5, self.down4(n4)], axis=1))
        return [p3, n4, n5]


def _up(x: paddle.Tensor) -> paddle.Tensor:
    return F.interpolate(x, scale_factor=2, mode="nearest")
