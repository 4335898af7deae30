"""Export a detector for deployment and run the exported model through Paddle Inference.

`export_detector` writes `<out>/model.*` (`paddle.jit.save` of the model's `predict` at a fixed input side)
and `<out>/infer_cfg.yml` (class names, input side, normalisation, letterbox padding) that a deployment needs.
`InferenceRunner` loads that folder with `paddle.inference` and returns what `predict` returns.
"""

from __future__ import annotations

from pathlib import Path

import paddle

from ppwarm.data.det.transforms import MEAN, PAD_VALUE, STD
from ppwarm.deploy.runtime import ExportedModel, save_predict_step, write_infer_cfg


def export_detector(model: paddle.nn.Layer, out_dir: Path, input_size: int, class_names: list[str]) -> Path:
    """Write the inference model and its config to `out_dir`; returns the model path prefix."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = save_predict_step(model, out_dir / "model", [None, 3, input_size, input_size])
    info = {
        "input_size": input_size,
        "class_names": list(class_names),
        "mean": list(MEAN),
        "std": list(STD),
        "letterbox_pad_value": PAD_VALUE,
        "output": "detections [N, 6] (label, score, x1, y1, x2, y2), counts [B]",
    }
    write_infer_cfg(out_dir, info)
    return prefix


class InferenceRunner(ExportedModel):
    """The exported detector: `image` float32 [B, 3, S, S] (normalised) -> (detections, counts)."""
