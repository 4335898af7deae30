"""Text-recognition metrics: exact-match accuracy and normalised edit distance (through rapidfuzz)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein


def text_metrics(predictions: Sequence[str], targets: Sequence[str]) -> dict[str, float]:
    """{"acc": share of exact matches, "norm_edit_dis": 1 - mean normalised Levenshtein distance}.

    The normalised distance of a pair is distance / max(len(pred), len(target)) (0 for two empty strings),
    as rapidfuzz's `Levenshtein.normalized_distance` defines it.
    """
    if len(predictions) != len(targets):
        raise ValueError(f"{len(predictions)} predictions for {len(targets)} targets")
    if not targets:
        return {"acc": 0.0, "norm_edit_dis": 0.0}
    exact = sum(p == t for p, t in zip(predictions, targets, strict=True))
    distance = sum(Levenshtein.normalized_distance(p, t) for p, t in zip(predictions, targets, strict=True))
    return {"acc": exact / len(targets), "norm_edit_dis": 1.0 - distance / len(targets)}
