"""The text-line backbone reduces 32 x W to one row of W/4 columns, for both tables and any scale."""

from __future__ import annotations

import paddle
import pytest

from ppwarm.models.det.mobilenet_v3 import LARGE_BLOCKS
from ppwarm.models.rec.backbone import SMALL_BLOCKS, RecMobileNetV3, text_line_strides


@pytest.mark.parametrize("arch, scale, channels", [("small", 0.5, 288), ("large", 0.35, 336)])
@pytest.mark.parametrize("width", [100, 320])
def test_output_is_one_row_of_quarter_width(arch: str, scale: float, channels: int, width: int) -> None:
    net = RecMobileNetV3(arch, scale=scale)
    net.eval()
    out = net(paddle.randn([2, 3, 32, width]))
    assert list(out.shape) == [2, channels, 1, width // 4]
    assert net.out_channels == channels


def test_strides_halve_height_five_times_and_width_twice() -> None:
    for table in (SMALL_BLOCKS, LARGE_BLOCKS):
        strides = text_line_strides(table)
        # The stem adds one more (2, 2): 2 * 2**4 = 32 in height, 2 * 2 = 4 in width.
        assert sum(s == (2, 2) for s in strides) == 1
        assert sum(s == (2, 1) for s in strides) == 3


def test_unknown_arch_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown MobileNetV3 arch"):
        RecMobileNetV3("tiny")
