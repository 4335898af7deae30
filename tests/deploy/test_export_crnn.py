"""The exported inference graph (dynamic batch, configured height, dynamic or fixed width) equals dygraph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import paddle
import pytest

from ppwarm.deploy.export_rec import export_crnn
from ppwarm.models.rec import build_crnn

pytestmark = pytest.mark.slow  # trains a model or starts processes


def test_export_round_trip_equals_dygraph(tmp_path: Path) -> None:
    paddle.seed(0)
    model = build_crnn(num_classes=7, scale=0.35, hidden_size=16)
    prefix = str(tmp_path / "crnn")
    export_crnn(model, prefix)
    loaded = paddle.jit.load(prefix)
    model.eval()
    for batch, width in [(2, 100), (1, 320)]:
        image = paddle.uniform([batch, 3, 32, width], min=-1.0, max=1.0)
        ids, probs = model.predict(image)
        ids_s, probs_s = loaded(image)
        assert list(ids_s.shape) == [batch, width // 4]
        np.testing.assert_array_equal(ids_s.numpy(), ids.numpy())
        np.testing.assert_allclose(probs_s.numpy(), probs.numpy(), rtol=1e-5, atol=1e-6)


def test_export_uses_the_configured_height_and_optionally_a_fixed_width(tmp_path: Path) -> None:
    paddle.seed(0)
    model = build_crnn(num_classes=5, scale=0.35, hidden_size=8)
    model.eval()
    image = paddle.uniform([2, 3, 24, 80], min=-1.0, max=1.0)
    ids, probs = model.predict(image)
    for dynamic, spec_width in ((True, -1), (False, 80)):
        prefix = str(tmp_path / f"crnn_{dynamic}")
        export_crnn(model, prefix, (3, 24, 80), dynamic_width=dynamic)
        loaded = paddle.jit.load(prefix)
        (spec,) = loaded._input_spec()
        assert list(spec.shape) == [-1, 3, 24, spec_width]
        ids_s, probs_s = loaded(image)
        np.testing.assert_array_equal(ids_s.numpy(), ids.numpy())
        np.testing.assert_allclose(probs_s.numpy(), probs.numpy(), rtol=1e-5, atol=1e-6)
