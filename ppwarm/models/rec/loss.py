"""CTC loss over batch-major logits (Graves et al. 2006), wrapping `paddle.nn.functional.ctc_loss`."""

from __future__ import annotations

import paddle
import paddle.nn.functional as F


def ctc_loss(logits: paddle.Tensor, label: paddle.Tensor, length: paddle.Tensor) -> paddle.Tensor:
    """Mean over the batch of (per-sample CTC loss / label length); a scalar float32 Tensor.

    `logits` [B, T, C] (blank = 0), `label` [B, L] int (0-padded), `length` [B] int64 true label lengths.
    Paddle wants time-major [T, B, C] scores, int32 labels and int64 lengths; we pass log-softmax scores
    (warp-ctc normalises internally, and log_softmax is idempotent under that). This equals
    `ctc_loss(..., reduction="mean")` except that it stays finite on two edge cases: a target that cannot fit
    in T steps (infinite loss, zeroed as with `zero_infinity`) and an empty label (divided by 1, not 0).
    """
    batch, steps = logits.shape[0], logits.shape[1]
    log_probs = F.log_softmax(logits, axis=-1).transpose([1, 0, 2])
    input_lengths = paddle.full([batch], steps, dtype="int64")
    per_sample = F.ctc_loss(
        log_probs,
        label.astype("int32"),
        input_lengths,
        length.astype("int64"),
        blank=0,
        reduction="none",
        zero_infinity=True,
    )
    per_sample = per_sample.reshape([batch])
    return (per_sample / length.astype(per_sample.dtype).clip(min=1.0)).mean()
