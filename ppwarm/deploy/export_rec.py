"""Export a text recognizer (CRNN) for deployment and run the exported model through Paddle Inference.

`export_recognizer` writes `<out>/model.*` (`export_crnn`: the model's `predict`, height fixed, width
dynamic) and `<out>/infer_cfg.yml` (`rec_infer_cfg`: input shape, preprocessing, charset, output).
`RecInferenceRunner` loads that folder with `paddle.inference` and returns what `predict` returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.transforms import MEAN, STD
from ppwarm.deploy.runtime import ExportedModel, save_predict_step, write_infer_cfg
from ppwarm.models.rec.crnn import CRNN


def export_crnn(
    model: CRNN,
    path_prefix: str | Path,
    shape: tuple[int, int, int] = (3, 32, 100),
    dynamic_width: bool = True,
) -> Path:
    """Save `model.predict` (the model switched to eval mode) with `paddle.jit.save` under `path_prefix`.

    `shape` is the configured [C, H, W] (`rec.shape`). The input is [None, C, H, None] (any batch size, any
    width) or, with `dynamic_width=False`, [None, C, H, W] for runtimes that need static shapes; Paddle
    Inference runs both. Re-load with `paddle.jit.load(path_prefix)`; its outputs are
    (indices int64 [B, T], probs float32 [B, T]) with T = ceil(width / 4).
    """
    channels, height, width = shape
    return save_predict_step(
        model, Path(path_prefix), [None, channels, height, None if dynamic_width else width]
    )


def rec_infer_cfg(shape: tuple[int, int, int], chars: CharDict) -> dict[str, Any]:
    """What a deployment of a recognizer trained at `shape` ([C, H, W]) with dictionary `chars` needs."""
    channels, height, width = shape
    return {
        "task": "rec",
        "input_shape": [channels, height, width],
        "dynamic_width": True,
        "preprocess": {
            "color": "RGB",
            "resize": f"bilinear, to height {height} and width min({width}, round(w * {height} / h))",
            "normalize": "x / 255, then (x - mean) / std per channel",
            "mean": list(MEAN),
            "std": list(STD),
            "pad": f"right, with 0 after normalisation, to width {width}",
        },
        "blank_index": 0,
        "charset_note": "class 0 is the CTC blank (not listed); class i >= 1 is charset[i - 1]",
        "charset": list(chars.chars),
        "output": (
            "indices int64 [B, T] (best class per step), probs float32 [B, T] (its softmax probability), "
            "T = ceil(width / 4); greedy CTC: merge repeated indices, drop 0, confidence = mean prob of "
            "the kept steps"
        ),
    }


def export_recognizer(model: CRNN, out_dir: Path, shape: tuple[int, int, int], chars: CharDict) -> Path:
    """Write the inference model and its config to `out_dir` (created); returns the model path prefix."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / "model"
    export_crnn(model, str(prefix), tuple(shape))
    write_infer_cfg(out_dir, rec_infer_cfg(tuple(shape), chars))
    return prefix


class RecInferenceRunner(ExportedModel):
    """The exported recognizer: `image` float32 [B, C, H, W'] (normalised, H as exported) -> (indices,
    probs), each [B, T]."""
