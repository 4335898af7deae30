"""A tiny CRNN learns to read six fixed digit strings drawn with OpenCV, judged by greedy CTC decoding.

One model is trained once per module (Adam, lr 3e-3, a fixed 6-image batch of 32 x 100, a few seconds on CPU).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import paddle
import pytest

from ppwarm.models.rec import build_crnn, ctc_greedy_decode

pytestmark = pytest.mark.slow  # trains a model or starts processes

TEXTS = ("0123", "4567", "890", "31415", "2718", "66099")
STEPS = 150
BN_REFRESH = 20


def _digit_batch(texts: tuple[str, ...]) -> dict[str, paddle.Tensor]:
    """Black-on-white digits scaled to [-1, 1]; digit d is class d + 1 (0 is the blank)."""
    images = np.full((len(texts), 32, 100), 255, dtype=np.uint8)
    for image, text in zip(images, texts, strict=True):
        cv2.putText(image, text, (4, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    image = np.repeat(images[:, None].astype(np.float32) / 127.5 - 1.0, 3, axis=1)
    longest = max(len(t) for t in texts)
    label = np.zeros((len(texts), longest), dtype=np.int64)
    for row, text in zip(label, texts, strict=True):
        row[: len(text)] = [int(c) + 1 for c in text]
    length = np.array([len(t) for t in texts], dtype=np.int64)
    return {
        "image": paddle.to_tensor(image),
        "label": paddle.to_tensor(label),
        "length": paddle.to_tensor(length),
    }


@pytest.fixture(scope="module")
def trained() -> dict[str, Any]:
    paddle.seed(0)
    batch = _digit_batch(TEXTS)
    model = build_crnn(num_classes=11, scale=0.35, hidden_size=32)
    opt = paddle.optimizer.Adam(learning_rate=3e-3, parameters=model.parameters())
    history = []
    for _ in range(STEPS):
        loss = model(batch)["total"]
        loss.backward()
        opt.step()
        opt.clear_grad()
        history.append(float(loss))
    # Let BatchNorm's running statistics (momentum 0.9) catch up with the final weights before eval.
    with paddle.no_grad():
        for _ in range(BN_REFRESH):
            model(batch)
    model.eval()
    ids, probs = model.predict(batch["image"])
    return {"history": history, "decoded": ctc_greedy_decode(ids.numpy(), probs.numpy())}


def test_loss_falls(trained: dict[str, Any]) -> None:
    history = trained["history"]
    assert np.isfinite(history).all()
    assert np.mean(history[-10:]) < 0.1 * np.mean(history[:5])


def test_greedy_decode_reads_every_image(trained: dict[str, Any]) -> None:
    readings = ["".join(str(i - 1) for i in ids) for ids, _ in trained["decoded"]]
    assert readings == list(TEXTS)
    assert min(conf for _, conf in trained["decoded"]) > 0.5
