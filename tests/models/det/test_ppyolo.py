"""The assembled detector: contract of parts, builders and presets, model_info, and export round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import paddle
import pytest
from paddle import nn

from ppwarm.models.det import PRESETS, build_ppyolo, build_preset, model_info
from ppwarm.models.det.toy_data import toy_detection_batch

SMALL = {"num_classes": 3, "neck_channels": (16, 32, 32)}


def test_every_trainable_parameter_sits_under_a_declared_part() -> None:
    model = build_ppyolo(**SMALL, drop_block=True, coord_conv=True, pan=True)
    names = [name for name, p in model.named_parameters() if not p.stop_gradient]
    assert names
    prefixes = tuple(model.parts.values())
    assert [n for n in names if not n.startswith(prefixes)] == []
    for part, prefix in model.parts.items():
        assert any(n.startswith(prefix) for n in names), part
        assert getattr(model, part) is dict(model.named_children())[part]


def test_forward_returns_scalar_losses_with_total() -> None:
    model = build_ppyolo(**SMALL, input_size=64)
    losses = model(toy_detection_batch(2, 64, num_classes=3))
    assert losses["total"].shape == []
    assert float(losses["total"]) == pytest.approx(
        sum(float(v) for k, v in losses.items() if k != "total"), rel=1e-5
    )


def test_model_info_counts_every_parameter_and_leaves_the_model_alone() -> None:
    model = build_ppyolo(**SMALL)
    keys = set(model.state_dict())
    info = model_info(model, 64)
    assert info["params"] == sum(int(np.prod(p.shape)) for p in model.parameters())
    assert info["flops"] > 0
    assert model_info(model, 128)["flops"] == pytest.approx(4 * info["flops"], rel=0.05)  # ~ area
    assert model.training and set(model.state_dict()) == keys


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_build_with_their_backbone(name: str) -> None:
    model = build_preset(name, num_classes=5)
    assert (
        type(model.backbone).__name__
        == {"mobilenet_v3": "MobileNetV3", "resnet_vd": "ResNetVd"}[PRESETS[name]["backbone"]]
    )
    assert model.head.preds[0].weight.shape[0] == 3 * (5 + 1 + 5)


def test_builders_reject_unknown_names() -> None:
    with pytest.raises(ValueError, match="backbone"):
        build_ppyolo(num_classes=1, backbone="vgg")
    with pytest.raises(KeyError, match="ppyolo_tiny"):
        build_preset("ppyolo_xxl", num_classes=1)


def test_anchors_follow_input_size() -> None:
    assert build_ppyolo(**SMALL, input_size=304).anchor_set.anchors[0] == (5.0, 6.5)


class _Predictor(nn.Layer):
    def __init__(self, model: nn.Layer) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
        return self.model.predict(image)


@pytest.mark.slow
def test_export_round_trip_matches_dygraph(tmp_path: Path) -> None:
    paddle.seed(3)
    size = 64
    # A near-zero score threshold so the random model yields plenty of detections to compare.
    model = build_ppyolo(**SMALL, input_size=size, coord_conv=True, drop_block=True, score_threshold=1e-6)
    model.eval()
    image = paddle.randn([2, 3, size, size])
    with paddle.no_grad():
        dets, counts = model.predict(image)
    spec = [paddle.static.InputSpec([None, 3, size, size], "float32", "image")]
    static = paddle.jit.to_static(_Predictor(model), input_spec=spec, full_graph=True)
    paddle.jit.save(static, str(tmp_path / "ppyolo"))
    loaded = paddle.jit.load(str(tmp_path / "ppyolo"))
    loaded.eval()
    got_dets, got_counts = loaded(image)
    assert counts.numpy().tolist() == got_counts.numpy().tolist() == [100, 100]
    np.testing.assert_allclose(got_dets.numpy(), dets.numpy(), atol=1e-5, rtol=1e-5)
    one_dets, one_counts = loaded(image[:1])  # dynamic batch
    assert one_counts.numpy().tolist() == [100]
    np.testing.assert_allclose(one_dets.numpy(), dets[:100].numpy(), atol=1e-5, rtol=1e-5)
