"""Pretrained loading by name and shape: the report, and head re-initialisation when classes change."""

from __future__ import annotations

import numpy as np
import paddle
import pytest

from ppwarm.errors import ConfigError
from ppwarm.models.toy import ToyRegressor
from ppwarm.weights.pretrained import load_pretrained


def test_same_shapes_load_everything(tmp_path):
    source = ToyRegressor()
    paddle.save(source.state_dict(), str(tmp_path / "w.pdparams"))
    target = ToyRegressor()
    report = load_pretrained(target, str(tmp_path / "w.pdparams"))
    assert not report.shape_mismatched and not report.missing and not report.head_reinitialised
    np.testing.assert_array_equal(target.head.weight.numpy(), source.head.weight.numpy())


def test_a_new_class_count_reinitialises_only_the_head(tmp_path):
    source = ToyRegressor(out_features=2)
    paddle.save(source.state_dict(), str(tmp_path / "w.pdparams"))
    target = ToyRegressor(out_features=5)
    fresh_head = target.head.weight.numpy().copy()
    report = load_pretrained(target, str(tmp_path / "w.pdparams"))
    assert report.head_reinitialised
    assert sorted(n for n, _, _ in report.shape_mismatched) == ["head.bias", "head.weight"]
    np.testing.assert_array_equal(target.head.weight.numpy(), fresh_head)
    np.testing.assert_array_equal(target.backbone[0].weight.numpy(), source.backbone[0].weight.numpy())
    assert "the head is re-initialised and trained from scratch" in report.summary(), "the logged lines"


def test_missing_file_is_a_config_error():
    with pytest.raises(ConfigError, match=r"pretrained = 'nope\.pdparams': no such file"):
        load_pretrained(ToyRegressor(), "nope.pdparams")
