"""Grid-sensitive decoding, IoU-aware scores and anchor rescaling, checked against hand computations."""

from __future__ import annotations

import math

import paddle
import pytest

from ppwarm.models.det.anchors import COCO_ANCHORS, AnchorSet, coco_anchor_set, scale_anchors
from ppwarm.models.det.boxes import aligned_iou_giou, pairwise_iou, wh_iou
from ppwarm.models.det.decode import decode_level, decode_outputs, iou_aware_objectness, level_view

ANCHORS = [[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]]


def _level(k: int = 8, h: int = 4, w: int = 5) -> paddle.Tensor:
    return paddle.zeros([1, 3 * k, h, w])


def test_zero_logits_decode_to_the_cell_centre_with_the_anchor_size() -> None:
    boxes, _ = decode_level(level_view(_level(), 3), ANCHORS, 16, scale_x_y=1.05, iou_aware=True)
    boxes = boxes.reshape([3, 4, 5, 4]).numpy()
    # Anchor 1, cell row i=2, column j=3: centre ((3 + 0.5) * 16, (2 + 0.5) * 16) = (56, 40), size 30 x 40.
    assert boxes[1, 2, 3].tolist() == pytest.approx([56 - 15, 40 - 20, 56 + 15, 40 + 20])


def test_grid_sensitive_formula_by_hand() -> None:
    raw = level_view(_level(), 3)  # [1, 3, 4, 5, 8]
    t = [1.5, -0.5, 0.2, -0.3]
    raw[0, 2, 1, 4, 0:4] = paddle.to_tensor(t)
    boxes, _ = decode_level(raw, ANCHORS, 8, scale_x_y=1.2, iou_aware=False)
    x1, y1, x2, y2 = boxes.reshape([3, 4, 5, 4])[2, 1, 4].numpy().tolist()

    def sig(v: float) -> float:
        return 1 / (1 + math.exp(-v))

    cx = (sig(t[0]) * 1.2 - 0.1 + 4) * 8
    cy = (sig(t[1]) * 1.2 - 0.1 + 1) * 8
    w, h = 50 * math.exp(t[2]), 60 * math.exp(t[3])
    assert [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1] == pytest.approx([cx, cy, w, h], rel=1e-5)


def test_scores_are_iou_aware_objectness_times_class_probability() -> None:
    raw = level_view(_level(k=8), 3)  # 5 + iou + 2 classes
    raw[0, 0, 0, 0, 4:8] = paddle.to_tensor([2.0, -1.0, 0.5, -3.0])
    _, scores = decode_level(raw, ANCHORS, 8, scale_x_y=1.05, iou_aware=True, iou_aware_factor=0.5)

    def sig(v: float) -> float:
        return 1 / (1 + math.exp(-v))

    obj = sig(2.0) ** 0.5 * sig(-1.0) ** 0.5
    assert scores[0, 0].numpy().tolist() == pytest.approx([obj * sig(0.5), obj * sig(-3.0)], rel=1e-5)
    value = iou_aware_objectness(paddle.to_tensor([2.0]), paddle.to_tensor([-1.0]), 0.5)
    assert float(value[0]) == pytest.approx(obj, rel=1e-6)


def test_decode_outputs_concatenates_levels_and_clips_to_the_image() -> None:
    outs = [paddle.full([2, 3 * 7, g, g], 5.0) for g in (8, 4, 2)]  # large t: boxes spill over the edge
    sets = coco_anchor_set(64)
    boxes, scores = decode_outputs(
        outs, [sets.level_anchors(i) for i in range(3)], sets.strides, scale_x_y=1.05, iou_aware=False
    )
    assert list(boxes.shape) == [2, 3 * (64 + 16 + 4), 4]
    assert list(scores.shape) == [2, 3 * (64 + 16 + 4), 2]
    assert float(boxes.min()) >= 0.0
    assert float(boxes.max()) == pytest.approx(64.0)


def test_scale_anchors_and_masks() -> None:
    assert scale_anchors(COCO_ANCHORS, 304)[0] == (5.0, 6.5)
    sets = coco_anchor_set(608)
    assert sets.level_anchors(2) == [[116, 90], [156, 198], [373, 326]]  # stride 32 gets the largest
    assert sets.anchor_level() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    with pytest.raises(ValueError, match="partition"):
        AnchorSet(anchors=((1.0, 1.0),) * 9, masks=((0, 1), (2, 3), (4, 5)))


def test_iou_helpers_by_hand() -> None:
    a = paddle.to_tensor([[0.0, 0.0, 10.0, 10.0]])
    b = paddle.to_tensor([[5.0, 0.0, 15.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
    assert pairwise_iou(a, b).numpy().tolist()[0] == pytest.approx([50 / 150, 0.0])
    iou, giou = aligned_iou_giou(a.expand([2, 4]), b)
    assert iou.numpy().tolist() == pytest.approx([1 / 3, 0.0], abs=1e-6)
    assert giou.numpy().tolist() == pytest.approx([1 / 3, 0 - (900 - 200) / 900], abs=1e-6)
    anchors = paddle.to_tensor([[10.0, 10.0], [20.0, 5.0]])
    assert wh_iou(paddle.to_tensor([[10.0, 10.0]]), anchors).numpy().tolist()[0] == pytest.approx(
        [1.0, 50 / 150]
    )
