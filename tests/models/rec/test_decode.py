"""Greedy CTC decoding merges repeats, drops blanks and averages the kept steps' probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from ppwarm.models.rec.decode import ctc_greedy_decode


def test_merges_repeats_and_drops_blanks() -> None:
    ids = np.array([[0, 3, 3, 0, 3, 5, 5, 0]])
    probs = np.array([[0.9, 0.8, 0.6, 0.9, 0.5, 0.4, 0.7, 0.9]])
    [(labels, confidence)] = ctc_greedy_decode(ids, probs)
    assert labels == [3, 3, 5]
    # Kept steps: 1 (first 3), 4 (3 again after a blank), 5 (first 5).
    assert confidence == pytest.approx((0.8 + 0.5 + 0.4) / 3)


def test_rows_are_independent_and_empty_reading_has_zero_confidence() -> None:
    ids = np.array([[0, 0, 0, 0], [2, 2, 2, 1], [1, 2, 1, 2]])
    probs = np.full((3, 4), 0.5)
    probs[2] = [0.1, 0.2, 0.3, 0.4]
    out = ctc_greedy_decode(ids, probs)
    assert out[0] == ([], 0.0)
    assert out[1] == ([2, 1], 0.5)
    assert out[2][0] == [1, 2, 1, 2]
    assert out[2][1] == pytest.approx(0.25)


def test_shape_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="matching"):
        ctc_greedy_decode(np.zeros((2, 3), dtype=np.int64), np.zeros((2, 4)))
