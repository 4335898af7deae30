"""Backbones return three maps at strides 8/16/32 with the channels they declare."""

from __future__ import annotations

import paddle
import pytest

from ppwarm.models.det.mobilenet_v3 import MobileNetV3, make_divisible
from ppwarm.models.det.resnet_vd import ResNetVd

S = 320
GRIDS = [40, 20, 10]


def _check(backbone: paddle.nn.Layer, expected_channels: tuple[int, ...]) -> None:
    backbone.eval()
    with paddle.no_grad():
        feats = backbone(paddle.randn([1, 3, S, S]))
    assert backbone.out_channels == expected_channels
    assert [list(f.shape) for f in feats] == [
        [1, c, g, g] for c, g in zip(expected_channels, GRIDS, strict=True)
    ]


@pytest.mark.parametrize(("scale", "channels"), [(0.5, (24, 56, 80)), (1.0, (40, 112, 160))])
def test_mobilenet_v3_shapes(scale: float, channels: tuple[int, int, int]) -> None:
    _check(MobileNetV3(scale=scale), channels)


def test_mobilenet_v3_without_se_has_fewer_parameters() -> None:
    with_se = sum(p.size for p in MobileNetV3(scale=0.5).parameters())
    without = sum(p.size for p in MobileNetV3(scale=0.5, se=False).parameters())
    assert without < with_se


@pytest.mark.parametrize(("depth", "channels"), [(18, (128, 256, 512)), (50, (512, 1024, 2048))])
def test_resnet_vd_shapes(depth: int, channels: tuple[int, int, int]) -> None:
    _check(ResNetVd(depth=depth), channels)


def test_resnet_vd_has_the_vd_stem_and_avgpool_shortcut() -> None:
    net = ResNetVd(depth=18)
    stem_kernels = [list(layer.conv.weight.shape[2:]) for layer in list(net.stem)[:3]]
    assert stem_kernels == [[3, 3]] * 3
    first_block_of_stage2 = net.stages[1][0]
    assert isinstance(first_block_of_stage2.short[0], paddle.nn.AvgPool2D)


def test_resnet_vd_rejects_unknown_depth() -> None:
    with pytest.raises(ValueError, match="depth"):
        ResNetVd(depth=101)


def test_make_divisible_rounds_to_eight_without_losing_more_than_ten_percent() -> None:
    assert [make_divisible(v) for v in (8, 12, 20, 36, 60)] == [8, 16, 24, 40, 64]
    assert make_divisible(4) == 8
