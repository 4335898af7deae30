"""Explicit builders for the CRNN recogniser and its named presets."""

from __future__ import annotations

from typing import Any

from ppwarm.models.rec.backbone import RecMobileNetV3
from ppwarm.models.rec.crnn import CRNN
from ppwarm.models.rec.head import CTCHead
from ppwarm.models.rec.neck import SequenceEncoder

# Widths follow the common mobile CRNN recipes: small/0.5 with a 48-unit LSTM, large/0.5 with 96 units.
PRESETS: dict[str, dict[str, Any]] = {
    "crnn_mv3_small": {"backbone": "small", "scale": 0.5, "hidden_size": 48},
    "crnn_mv3_large": {"backbone": "large", "scale": 0.5, "hidden_size": 96},
}


def build_crnn(
    *,
    num_classes: int,
    backbone: str = "small",
    scale: float = 0.5,
    hidden_size: int = 48,
    in_channels: int = 3,
) -> CRNN:
    """A freshly initialised CRNN; `num_classes` = charset size + 1 (index 0 is the CTC blank)."""
    body = RecMobileNetV3(backbone, scale=scale, in_channels=in_channels)
    neck = SequenceEncoder(body.out_channels, hidden_size=hidden_size)
    return CRNN(body, neck, CTCHead(neck.out_channels, num_classes))


def build_rec_preset(name: str, **overrides: Any) -> CRNN:
    """`build_crnn(**PRESETS[name], **overrides)`; `num_classes` must be among the overrides."""
    if name not in PRESETS:
        raise KeyError(f"unknown recognition preset {name!r}; expected one of {sorted(PRESETS)}")
    return build_crnn(**{**PRESETS[name], **overrides})
