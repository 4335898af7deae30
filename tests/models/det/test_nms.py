"""Per-class NMS: duplicates go, other classes and separate boxes stay, counts and caps hold."""

from __future__ import annotations

import paddle
import pytest

from ppwarm.models.det.nms import NMSConfig, multiclass_nms

# Image 0: boxes 0 and 1 are near duplicates (IoU 0.9), box 2 is elsewhere. Image 1: one box.
BOXES = paddle.to_tensor(
    [
        [[10.0, 10.0, 50.0, 50.0], [10.0, 10.0, 50.0, 46.0], [60.0, 60.0, 90.0, 90.0]],
        [[5.0, 5.0, 20.0, 20.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]],
    ]
)


def _scores(rows: list[list[list[float]]]) -> paddle.Tensor:
    return paddle.to_tensor(rows, dtype="float32")  # [B, N, C]


@pytest.mark.parametrize("method", ["matrix", "hard"])
def test_nms_removes_a_duplicate_of_the_same_class(method: str) -> None:
    scores = _scores([[[0.9, 0.0], [0.8, 0.0], [0.0, 0.7]], [[0.0, 0.6], [0.0, 0.0], [0.0, 0.0]]])
    # Matrix NMS decays the duplicate to 0.8 * (1 - 0.9) = 0.08, below the 0.1 threshold; hard NMS drops it.
    dets, counts = multiclass_nms(BOXES, scores, NMSConfig(score_threshold=0.1, method=method))
    assert counts.dtype == paddle.int32
    assert counts.numpy().tolist() == [2, 1]
    rows = dets.numpy()
    assert rows[:2, :2].reshape(-1).tolist() == pytest.approx([0, 0.9, 1, 0.7])  # image 0, best first
    assert rows[0, 2:].tolist() == pytest.approx([10, 10, 50, 50])
    assert rows[2].tolist() == pytest.approx([1, 0.6, 5, 5, 20, 20])


def test_matrix_nms_decays_overlaps_linearly_instead_of_removing_them() -> None:
    scores = _scores([[[0.9, 0.0], [0.8, 0.0], [0.0, 0.0]], [[0.0, 0.0]] * 3])
    dets, counts = multiclass_nms(BOXES, scores, NMSConfig(score_threshold=0.05, method="matrix"))
    assert counts.numpy().tolist() == [2, 0]
    assert dets[:, 1].numpy().tolist() == pytest.approx([0.9, 0.8 * (1 - 0.9)], rel=1e-4)


@pytest.mark.parametrize("method", ["matrix", "hard"])
def test_overlapping_boxes_of_different_classes_both_stay(method: str) -> None:
    scores = _scores([[[0.9, 0.0], [0.0, 0.8], [0.0, 0.0]], [[0.0, 0.0]] * 3])
    dets, counts = multiclass_nms(BOXES, scores, NMSConfig(score_threshold=0.05, method=method))
    assert counts.numpy().tolist() == [2, 0]
    assert sorted(dets[:, 0].numpy().tolist()) == [0, 1]


@pytest.mark.parametrize("method", ["matrix", "hard"])
def test_keep_top_k_caps_each_image(method: str) -> None:
    scores = _scores([[[0.9, 0.0], [0.0, 0.8], [0.0, 0.7]], [[0.5, 0.0], [0.0, 0.0], [0.0, 0.0]]])
    dets, counts = multiclass_nms(BOXES, scores, NMSConfig(score_threshold=0.05, keep_top_k=1, method=method))
    assert counts.numpy().tolist() == [1, 1]
    assert dets[:, 1].numpy().tolist() == pytest.approx([0.9, 0.5])


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="matrix"):
        NMSConfig(method="soft")
