"""Neck and head output shapes, and the PP-YOLO tricks' behaviour (SPP, DropBlock, CoordConv)."""

from __future__ import annotations

import paddle
import pytest

from ppwarm.models.det.head import YOLOHead
from ppwarm.models.det.layers import SPP, DropBlock, add_coords
from ppwarm.models.det.neck import PPYOLONeck

IN_CHANNELS = (24, 56, 80)
CHANNELS = (16, 32, 48)


def _backbone_maps(batch: int = 2) -> list[paddle.Tensor]:
    return [paddle.randn([batch, c, g, g]) for c, g in zip(IN_CHANNELS, (40, 20, 10), strict=True)]


@pytest.mark.parametrize("pan", [False, True])
@pytest.mark.parametrize("tricks", [False, True])
def test_neck_keeps_grids_and_sets_widths(pan: bool, tricks: bool) -> None:
    neck = PPYOLONeck(IN_CHANNELS, CHANNELS, pan=pan, spp=tricks, drop_block=tricks, coord_conv=tricks)
    outs = neck(_backbone_maps())
    assert [list(o.shape) for o in outs] == [[2, 16, 40, 40], [2, 32, 20, 20], [2, 48, 10, 10]]
    assert neck.out_channels == CHANNELS


def test_head_predicts_a_times_5_plus_iou_plus_classes_channels() -> None:
    feats = [paddle.randn([2, c, g, g]) for c, g in zip(CHANNELS, (40, 20, 10), strict=True)]
    for iou_aware, per_anchor in [(True, 5 + 1 + 7), (False, 5 + 7)]:
        head = YOLOHead(CHANNELS, num_classes=7, iou_aware=iou_aware)
        outs = head(feats)
        assert [list(o.shape) for o in outs] == [[2, 3 * per_anchor, g, g] for g in (40, 20, 10)]


def test_head_biases_start_at_the_priors() -> None:
    head = YOLOHead(CHANNELS, num_classes=3, obj_priors=(0.001, 0.01, 0.1), cls_prior=0.25)
    for level, p_obj in enumerate((0.001, 0.01, 0.1)):
        bias = paddle.nn.functional.sigmoid(head.preds[level].bias).reshape([3, 9]).numpy()
        assert bias[:, 4] == pytest.approx([p_obj] * 3, rel=1e-4)
        assert bias[:, 6:] == pytest.approx(0.25, rel=1e-4)
        assert bias[:, :4] == pytest.approx(0.5)


def test_spp_concatenates_pools_and_keeps_size() -> None:
    spp = SPP(8, 5)
    assert spp.fuse.conv.weight.shape[1] == 32  # x + three pools
    assert list(spp(paddle.randn([1, 8, 10, 10])).shape) == [1, 5, 10, 10]


def test_drop_block_is_identity_in_eval_and_drops_blocks_in_training() -> None:
    paddle.seed(0)
    drop = DropBlock(block_size=3, keep_prob=0.9)
    x = paddle.ones([4, 8, 20, 20])
    drop.eval()
    assert bool(paddle.equal_all(drop(x), x))
    drop.train()
    y = drop(x)
    dropped = float((y == 0).astype("float32").mean())
    assert 0.05 < dropped < 0.2  # about 1 - keep_prob
    assert float(y.mean()) == pytest.approx(1.0, rel=1e-4)  # rescaled to keep the expectation


def test_add_coords_appends_normalised_x_then_y() -> None:
    out = add_coords(paddle.zeros([2, 3, 4, 5]))
    assert list(out.shape) == [2, 5, 4, 5]
    assert out[0, 3, 0].numpy().tolist() == pytest.approx([-1, -0.5, 0, 0.5, 1])
    assert out[1, 4, :, 0].numpy().tolist() == pytest.approx([-1, -1 / 3, 1 / 3, 1])
