"""The tiny detector can fit a fixed toy batch, and then `predict` finds the boxes it was shown.

One model is trained once per module (40 Adam steps on 4 images of 128 px, about 5 s on CPU).
"""

from __future__ import annotations

from typing import Any

import paddle
import pytest

from ppwarm.models.det import build_ppyolo
from ppwarm.models.det.boxes import pairwise_iou
from ppwarm.models.det.toy_data import toy_detection_batch

pytestmark = pytest.mark.slow  # trains a model or starts processes

SIZE = 128
STEPS = 40
BN_REFRESH = 50


def _refresh_batch_norm(model: paddle.nn.Layer, batch: dict[str, paddle.Tensor]) -> None:
    """Let BatchNorm's running statistics catch up with the fast-moving weights ("precise BN").

    After a few high-LR steps the running averages (momentum 0.9) still lag the current batch
    statistics, and eval-mode outputs of a freshly overfitted net are very sensitive to that lag.
    """
    model.train()
    with paddle.no_grad():
        for _ in range(BN_REFRESH):
            model(batch)


@pytest.fixture(scope="module")
def trained() -> dict[str, Any]:
    paddle.seed(0)
    batch = toy_detection_batch(4, SIZE, num_classes=2, max_boxes=2, seed=0)
    model = build_ppyolo(num_classes=2, neck_channels=(32, 64, 64), input_size=SIZE)
    opt = paddle.optimizer.Adam(learning_rate=3e-3, parameters=model.parameters())
    history = []
    for _ in range(STEPS):
        losses = model(batch)
        losses["total"].backward()
        opt.step()
        opt.clear_grad()
        history.append({k: float(v) for k, v in losses.items()})
    _refresh_batch_norm(model, batch)
    return {"model": model, "batch": batch, "history": history}


def test_training_loss_halves(trained: dict[str, Any]) -> None:
    first, last = trained["history"][0], trained["history"][-1]
    assert last["total"] < 0.5 * first["total"]
    assert last["loss_iou"] < first["loss_iou"] and last["loss_obj"] < first["loss_obj"]


def test_predict_finds_every_box_with_its_class(trained: dict[str, Any]) -> None:
    model, batch = trained["model"], trained["batch"]
    model.eval()
    with paddle.no_grad():
        dets, counts = model.predict(batch["image"])
    assert dets.shape[1] == 6 and counts.shape == [4]
    assert int(counts.sum()) == dets.shape[0]
    start = 0
    for b in range(4):
        rows = dets[start : start + int(counts[b])]
        start += int(counts[b])
        assert bool((rows[:-1, 1] >= rows[1:, 1]).all())  # best first within an image
        for box, label in zip(batch["gt_boxes"][b], batch["gt_labels"][b].numpy().tolist(), strict=True):
            if label < 0:
                continue
            confident = rows[(rows[:, 0] == float(label)) & (rows[:, 1] > 0.3)]
            assert confident.shape[0] > 0, f"image {b}: no confident detection of class {label}"
            assert float(pairwise_iou(confident[:, 2:], box[None]).max()) > 0.5
        # The image's top detection is a true one: right class, IoU > 0.5 with some gt of that class.
        top = rows[0]
        real = batch["gt_labels"][b] == top[0].astype("int64")
        assert bool(real.any())
        assert float(pairwise_iou(top[None, 2:], batch["gt_boxes"][b][real]).max()) > 0.5
