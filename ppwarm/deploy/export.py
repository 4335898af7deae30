"""Export a detector for deployment and run the exported model through Paddle Inference.

`export_detector` writes `<out>/model.*` (`paddle.jit.save` of the model's `predict` at a fixed input side)
and `<out>/infer_cfg.yml` (class names, input side, normalisation, letterbox padding) that a deployment needs.
`InferenceRunner` loads that folder with `paddle.inference` and returns what `predict` returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import paddle
import yaml

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


class Predictor(paddle.nn.Layer):
    """A layer whose forward is the detector's `predict`: image -> (detections [N, 6], counts [B])."""

    def __init__(self, model: paddle.nn.Layer) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
        return self.model.predict(image)


def export_detector(model: paddle.nn.Layer, out_dir: Path, input_size: int, class_names: list[str]) -> Path:
    """Write the inference model and its config to `out_dir`; returns the model path prefix."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    spec = [paddle.static.InputSpec([None, 3, input_size, input_size], "float32", "image")]
    static = paddle.jit.to_static(Predictor(model), input_spec=spec, full_graph=True)
    prefix = out_dir / "model"
    paddle.jit.save(static, str(prefix))
    info = {
        "input_size": input_size,
        "class_names": list(class_names),
        "mean": list(MEAN),
        "std": list(STD),
        "letterbox_pad_value": 114,
        "output": "detections [N, 6] (label, score, x1, y1, x2, y2), counts [B]",
    }
    (out_dir / "infer_cfg.yml").write_text(yaml.safe_dump(info, sort_keys=False), encoding="utf-8")
    return prefix


def _model_file(out_dir: Path) -> Path:
    for name in ("model.json", "model.pdmodel"):
        if (out_dir / name).is_file():
            return out_dir / name
    raise FileNotFoundError(f"no exported model (model.json or model.pdmodel) in {out_dir}")


class InferenceRunner:
    """The exported detector through Paddle Inference (CPU here; the same API takes a GPU config)."""

    def __init__(self, out_dir: Path) -> None:
        from paddle import inference

        config = inference.Config(str(_model_file(out_dir)), str(out_dir / "model.pdiparams"))
        config.disable_gpu()
        config.disable_glog_info()
        # paddlepaddle 3.3.1 (CPU): the oneDNN pass that fuses conv + activation into FusedConv2dOp
        # crashes (SIGSEGV) on this graph; without oneDNN the outputs equal dygraph exactly.
        config.disable_mkldnn()
        self.predictor = inference.create_predictor(config)
        self.info: dict[str, Any] = yaml.safe_load((out_dir / "infer_cfg.yml").read_text(encoding="utf-8"))

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`image` float32 [B, 3, S, S] (normalised); returns (detections, counts) as numpy arrays."""
        handle = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        handle.reshape(list(image.shape))
        handle.copy_from_cpu(np.ascontiguousarray(image, dtype=np.float32))
        self.predictor.run()
        outputs = [
            self.predictor.get_output_handle(n).copy_to_cpu() for n in self.predictor.get_output_names()
        ]
        return outputs[0], outputs[1]
