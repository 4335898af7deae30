"""CRNN contract: loss values, prediction shapes, parameter prefixes and presets."""

from __future__ import annotations

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from ppwarm.models.rec import PRESETS, build_crnn, build_rec_preset, ctc_loss

NUM_CLASSES = 11


def _batch(width: int = 100) -> dict[str, paddle.Tensor]:
    return {
        "image": paddle.uniform([3, 3, 32, width], min=-1.0, max=1.0),
        "label": paddle.to_tensor([[1, 2, 3, 0, 0], [4, 4, 0, 0, 0], [5, 6, 7, 8, 9]], dtype="int64"),
        "length": paddle.to_tensor([3, 2, 5], dtype="int64"),
    }


@pytest.fixture(scope="module")
def model() -> paddle.nn.Layer:
    paddle.seed(0)
    return build_crnn(num_classes=NUM_CLASSES, scale=0.35, hidden_size=16)


def test_forward_loss_is_finite_positive_and_matches_paddle_mean(model: paddle.nn.Layer) -> None:
    batch = _batch()
    out = model(batch)
    assert set(out) == {"loss_ctc", "total"}
    loss = float(out["total"])
    assert np.isfinite(loss) and loss > 0
    assert float(out["loss_ctc"]) == loss
    logits = model.logits(batch["image"])
    ref = F.ctc_loss(
        F.log_softmax(logits, axis=-1).transpose([1, 0, 2]),
        batch["label"].astype("int32"),
        paddle.full([3], logits.shape[1], dtype="int64"),
        batch["length"],
        blank=0,
        reduction="mean",
    )
    assert loss == pytest.approx(float(ref), rel=1e-5)


def test_loss_and_gradient_stay_finite_for_empty_and_unreachable_labels() -> None:
    logits = paddle.randn([2, 6, NUM_CLASSES])
    logits.stop_gradient = False
    # Row 0 is empty; row 1 needs 7 steps (four equal symbols need blanks between them) but T = 6.
    label = paddle.to_tensor([[0, 0, 0, 0], [5, 5, 5, 5]], dtype="int64")
    loss = ctc_loss(logits, label, paddle.to_tensor([0, 4], dtype="int64"))
    loss.backward()
    # Empty target: -sum_t log p_t(blank) / 1, halved by the batch mean; the unreachable row counts 0.
    log_blank = F.log_softmax(logits, axis=-1)[0, :, 0].sum()
    assert float(loss) == pytest.approx(-float(log_blank) / 2, rel=1e-5)
    assert np.isfinite(logits.grad.numpy()).all()


def test_label_as_long_as_sequence_is_finite(model: paddle.nn.Layer) -> None:
    batch = _batch(width=16)  # T = 4
    batch["label"] = paddle.to_tensor([[1, 2, 3, 4]] * 3, dtype="int64")
    batch["length"] = paddle.to_tensor([4, 4, 4], dtype="int64")
    assert np.isfinite(float(model(batch)["total"]))


def test_predict_shapes_and_probabilities(model: paddle.nn.Layer) -> None:
    model.eval()
    ids, probs = model.predict(paddle.uniform([2, 3, 32, 320], min=-1.0, max=1.0))
    model.train()
    assert list(ids.shape) == [2, 80] and ids.dtype == paddle.int64
    assert list(probs.shape) == [2, 80] and probs.dtype == paddle.float32
    assert ids.numpy().min() >= 0 and ids.numpy().max() < NUM_CLASSES
    assert (probs.numpy() >= 1.0 / NUM_CLASSES - 1e-6).all() and (probs.numpy() <= 1.0).all()


def test_parts_cover_every_trainable_parameter(model: paddle.nn.Layer) -> None:
    names = [name for name, p in model.named_parameters() if not p.stop_gradient]
    assert names
    for name in names:
        assert sum(name.startswith(prefix) for prefix in model.parts.values()) == 1, name
    assert {n for n in names if n.startswith("head.")} == {"head.fc.weight", "head.fc.bias"}
    assert any(n.startswith("neck.lstm.") for n in names)


@pytest.mark.parametrize("name, params", [("crnn_mv3_small", 445_741), ("crnn_mv3_large", 1_459_501)])
def test_presets_build_with_known_sizes(name: str, params: int) -> None:
    model = build_rec_preset(name, num_classes=37)
    assert sum(int(np.prod(p.shape)) for p in model.parameters() if not p.stop_gradient) == params
    assert set(PRESETS) == {"crnn_mv3_small", "crnn_mv3_large"}


def test_preset_overrides_and_unknown_name() -> None:
    model = build_rec_preset("crnn_mv3_small", num_classes=5, hidden_size=8)
    assert model.neck.out_channels == 16 and model.head.num_classes == 5
    with pytest.raises(KeyError, match="unknown recognition preset"):
        build_rec_preset("crnn_resnet", num_classes=5)
