"""Target assignment and the training loss: picks, finiteness, normalisation, smoothing, ignore."""

from __future__ import annotations

import math

import paddle
import pytest

from ppwarm.models.det.anchors import coco_anchor_set
from ppwarm.models.det.loss import YOLOv3Loss
from ppwarm.models.det.targets import assign_anchors, level_targets

S = 128
C = 3


def _outputs(batch: int, seed: int = 0, scale: float = 0.5) -> list[paddle.Tensor]:
    paddle.seed(seed)
    per_anchor = 5 + 1 + C
    return [paddle.randn([batch, 3 * per_anchor, S // s, S // s]) * scale for s in (8, 16, 32)]


def _loss(**kwargs: float) -> YOLOv3Loss:
    return YOLOv3Loss(coco_anchor_set(S), C, **kwargs)


def test_assignment_picks_best_anchor_level_and_centre_cell() -> None:
    anchors = coco_anchor_set(S)  # anchors scaled by 128 / 608
    boxes = paddle.to_tensor([[[10.0, 20.0, 90.0, 110.0], [0.0, 0.0, 0.0, 0.0]]])  # 80 x 90, centre (50, 65)
    labels = paddle.to_tensor([[2, -1]])
    assign = assign_anchors(boxes, labels, anchors)
    assert assign.valid.numpy().tolist() == [1.0, 0.0]
    # 80 x 90 is closest in shape to the largest COCO anchor 373 x 326 scaled (78.5 x 68.6): level 2, slot 2.
    assert (int(assign.level[0]), int(assign.slot[0])) == (2, 2)
    tgt = level_targets(assign, 2, anchors, 4, 4)
    assert tgt.grid[0].numpy().tolist() == [1.0, 2.0]  # 50 // 32, 65 // 32
    assert int(tgt.index[0]) == ((0 * 3 + 2) * 4 + 2) * 4 + 1
    assert tgt.pos.numpy().tolist() == [1.0, 0.0]
    assert level_targets(assign, 0, anchors, 16, 16).pos.numpy().tolist() == [0.0, 0.0]


def test_loss_is_finite_and_positive_with_random_boxes() -> None:
    paddle.seed(1)
    xy = paddle.rand([2, 5, 2]) * 80
    wh = paddle.rand([2, 5, 2]) * 40 + 4
    boxes = paddle.concat([xy, xy + wh], axis=-1)
    labels = paddle.to_tensor([[0, 1, 2, -1, -1], [2, 2, -1, -1, -1]])
    losses = _loss(label_smooth=0.1)(_outputs(2), boxes, labels)
    assert set(losses) == {"loss_box", "loss_iou", "loss_iou_aware", "loss_obj", "loss_cls", "total"}
    for name, value in losses.items():
        assert value.shape == [] and math.isfinite(float(value)) and float(value) > 0, name
    assert float(losses["total"]) == pytest.approx(sum(float(v) for k, v in losses.items() if k != "total"))


def test_loss_without_boxes_is_finite_objectness_only_and_has_gradients() -> None:
    outputs = [o.detach() for o in _outputs(2)]
    for o in outputs:
        o.stop_gradient = False
    losses = _loss()(outputs, paddle.zeros([2, 3, 4]), paddle.full([2, 3], -1, dtype="int64"))
    assert float(losses["loss_obj"]) > 0
    for name in ("loss_box", "loss_iou", "loss_iou_aware", "loss_cls"):
        assert float(losses[name]) == 0.0
    losses["total"].backward()
    assert all(bool(paddle.isfinite(o.grad).all()) for o in outputs)
    empty = _loss()(outputs, paddle.zeros([2, 0, 4]), paddle.zeros([2, 0], dtype="int64"))
    assert math.isfinite(float(empty["total"]))


def test_objectness_is_normalised_per_image_without_boxes() -> None:
    one = _loss()(_outputs(1), paddle.zeros([1, 1, 4]), paddle.full([1, 1], -1, dtype="int64"))
    outs = [paddle.concat([o, o]) for o in _outputs(1)]
    two = _loss()(outs, paddle.zeros([2, 1, 4]), paddle.full([2, 1], -1, dtype="int64"))
    assert float(two["loss_obj"]) == pytest.approx(float(one["loss_obj"]), rel=1e-5)


def test_label_smoothing_raises_the_class_loss_of_a_confident_prediction() -> None:
    outputs = _outputs(1, scale=0.0)
    boxes = paddle.to_tensor([[[10.0, 20.0, 90.0, 110.0]]])
    labels = paddle.to_tensor([[1]])
    plain = float(_loss()(outputs, boxes, labels)["loss_cls"])
    smooth = float(_loss(label_smooth=0.3)(outputs, boxes, labels)["loss_cls"])
    # Zero logits: per class BCE = log 2 whatever the target, so smoothing changes nothing...
    assert plain == pytest.approx(smooth) == pytest.approx(C * math.log(2), rel=1e-5)
    # ...but with the right class confidently on, smoothed targets cost more.
    level = outputs[2].reshape([1, 3, 9, 4, 4])
    level[0, 2, 6:9, 2, 1] = paddle.to_tensor([-8.0, 8.0, -8.0])
    outputs[2] = level.reshape([1, 27, 4, 4])
    assert float(_loss(label_smooth=0.3)(outputs, boxes, labels)["loss_cls"]) > float(
        _loss()(outputs, boxes, labels)["loss_cls"]
    )


def test_negatives_overlapping_a_gt_are_ignored() -> None:
    anchors = coco_anchor_set(S)
    w, h = anchors.level_anchors(1)[0]  # the gt has exactly this anchor's shape: its positive is on level 1
    cx = cy = 28.0  # centre of level-0 cell (3, 3)
    gt = paddle.to_tensor([[[cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]]])
    labels = paddle.to_tensor([[0]])
    outputs = _outputs(1, scale=0.0)
    # Make level 0, anchor 0, cell (3, 3) (a negative) decode exactly onto the gt: zero xy logits put its
    # centre at the cell centre, log-ratio wh logits give the gt size.
    aw, ah = anchors.level_anchors(0)[0]
    level = outputs[0].reshape([1, 3, 9, 16, 16])
    level[0, 0, 2:4, 3, 3] = paddle.to_tensor([math.log(w / aw), math.log(h / ah)])
    outputs[0] = level.reshape([1, 27, 16, 16])
    strict = float(_loss(ignore_thresh=1.01)(outputs, gt, labels)["loss_obj"])
    ignoring = float(_loss(ignore_thresh=0.7)(outputs, gt, labels)["loss_obj"])
    assert strict - ignoring == pytest.approx(math.log(2), rel=1e-4)  # exactly that cell's BCE(0, 0) left out
