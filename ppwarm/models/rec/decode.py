"""Greedy (best-path) CTC decoding in pure numpy (Graves et al. 2006, sec. 3.2)."""

from __future__ import annotations

import numpy as np

BLANK = 0


def ctc_greedy_decode(indices: np.ndarray, probs: np.ndarray) -> list[tuple[list[int], float]]:
    """Collapse each row of per-step argmax `indices` [B, T]: merge repeats, then drop blanks (0).

    Returns one (label ids, confidence) per row. A step is kept when it is not blank and differs from the
    previous step; confidence is the mean of `probs` [B, T] over the kept steps, and 0.0 when nothing is
    kept (an empty reading carries no evidence, so it should never outrank a real one).
    """
    indices, probs = np.asarray(indices), np.asarray(probs)
    if indices.ndim != 2 or indices.shape != probs.shape:
        raise ValueError(f"expected matching [B, T] arrays, got {indices.shape} and {probs.shape}")
    previous = np.concatenate([np.full((indices.shape[0], 1), -1), indices[:, :-1]], axis=1)
    keep = (indices != BLANK) & (indices != previous)
    results = []
    for row_ids, row_probs, row_keep in zip(indices, probs, keep, strict=True):
        kept = row_probs[row_keep]
        confidence = float(kept.mean()) if kept.size else 0.0
        results.append(([int(i) for i in row_ids[row_keep]], confidence))
    return results
