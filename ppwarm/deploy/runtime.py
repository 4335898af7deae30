"""What every exported model shares: the folder layout, its `infer_cfg.yml`, and a Paddle Inference predictor.

An export folder holds `model.json` (PIR, Paddle >= 3) or `model.pdmodel` (older program format),
`model.pdiparams` and `infer_cfg.yml`. `save_predict_step` writes the graph of a model's `predict`;
`ExportedModel` loads such a folder; the modules `export_det.py` (detector) and `export_rec.py`
(recognizer) only add their input shape, their `infer_cfg.yml` content and the names of their two outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import paddle
import yaml

INFER_CFG = "infer_cfg.yml"


class PredictStep(paddle.nn.Layer):
    """A layer whose forward is `model.predict(image)`: the signature every export saves."""

    def __init__(self, model: paddle.nn.Layer) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: paddle.Tensor) -> Any:
        return self.model.predict(image)


def save_predict_step(model: paddle.nn.Layer, prefix: Path, image_shape: list[int | None]) -> Path:
    """`paddle.jit.save` of `model.predict` (model switched to eval mode) for float32 `image` inputs of
    `image_shape` (None = dynamic) under `prefix`; returns `prefix`."""
    model.eval()
    spec = [paddle.static.InputSpec(image_shape, "float32", "image")]
    static = paddle.jit.to_static(PredictStep(model), input_spec=spec, full_graph=True)
    paddle.jit.save(static, str(prefix))
    return prefix


def model_file(out_dir: Path) -> Path:
    """The graph file of the export in `out_dir`; FileNotFoundError when there is none."""
    for name in ("model.json", "model.pdmodel"):
        if (out_dir / name).is_file():
            return out_dir / name
    raise FileNotFoundError(f"no exported model (model.json or model.pdmodel) in {out_dir}")


def write_infer_cfg(out_dir: Path, info: dict[str, Any]) -> Path:
    """Write `info` to `out_dir/infer_cfg.yml` in key order (non-ASCII characters kept readable)."""
    path = out_dir / INFER_CFG
    path.write_text(yaml.safe_dump(info, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def read_infer_cfg(out_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((out_dir / INFER_CFG).read_text(encoding="utf-8"))


def create_cpu_predictor(out_dir: Path):
    """A `paddle.inference` predictor of the export in `out_dir`, on CPU with oneDNN off.

    paddlepaddle 3.3.1 (CPU): the oneDNN pass that fuses conv + activation into FusedConv2dOp crashes
    (SIGSEGV) on the detector's graph. The CRNN runs under oneDNN (probs within 3e-8 of dygraph, measured),
    but both use this one configuration, which gives outputs equal to dygraph.
    """
    from paddle import inference

    config = inference.Config(str(model_file(out_dir)), str(out_dir / "model.pdiparams"))
    config.disable_gpu()
    config.disable_glog_info()
    config.disable_mkldnn()
    return inference.create_predictor(config)


def run_predictor(predictor, image: np.ndarray) -> list[np.ndarray]:
    """Feed `image` (float32, any shape the export accepts) to the single input; every output, in order."""
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.reshape(list(image.shape))
    handle.copy_from_cpu(np.ascontiguousarray(image, dtype=np.float32))
    predictor.run()
    return [predictor.get_output_handle(n).copy_to_cpu() for n in predictor.get_output_names()]


class ExportedModel:
    """An export folder loaded through Paddle Inference (CPU here; the same API takes a GPU config)."""

    def __init__(self, out_dir: Path) -> None:
        self.predictor = create_cpu_predictor(out_dir)
        self.info: dict[str, Any] = read_infer_cfg(out_dir)

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's two outputs for `image` (float32, normalised, a shape the export accepts)."""
        first, second = run_predictor(self.predictor, image)
        return first, second
