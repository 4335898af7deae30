"""Accuracy and normalised edit distance on hand-checked strings."""

from __future__ import annotations

import pytest

from ppwarm.metrics.text import text_metrics


def test_exact_and_partial_matches():
    out = text_metrics(["abc", "abd", "", "hello"], ["abc", "abc", "", "help"])
    # distances: 0, 1/3, 0 (both empty), 2/5 (o->p, drop l... "hello" vs "help": 2 edits over 5)
    assert out["acc"] == pytest.approx(2 / 4)
    assert out["norm_edit_dis"] == pytest.approx(1 - (0 + 1 / 3 + 0 + 2 / 5) / 4)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="2 predictions for 1 targets"):
        text_metrics(["a", "b"], ["a"])
