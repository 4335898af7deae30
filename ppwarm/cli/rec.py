"""The `rec` task's side of the infer and export tools: read text lines, write a deployable recognizer.

Both load the dictionary the model was trained with (`rec.data.dict`; label files are not read) and the
weights given by `-o weights=PATH`. Called by `cli/infer.py` and `cli/export.py` after the config loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ppwarm.config import Config
from ppwarm.errors import ConfigError

if TYPE_CHECKING:
    from ppwarm.data.rec.dictionary import CharDict
    from ppwarm.models.rec.crnn import CRNN


def rec_shape(cfg: Config) -> tuple[int, int, int]:
    """`rec.shape` as (C, H, W); ConfigError unless C is 3 (recognition reads RGB lines)."""
    shape = tuple(cfg.rec.shape)
    if shape[0] != 3:
        raise ConfigError(f"rec.shape = {list(shape)}: the recognizer reads RGB lines, so channels must be 3")
    return shape


def load_charset(cfg: Config) -> CharDict:
    """The CharDict at rec.data.root / rec.data.dict. When that file is missing and rec.data.demo names a
    demo set, the set is generated first (as training does); with demo none it is a ConfigError."""
    from ppwarm.data.rec.dictionary import load_dict
    from ppwarm.data.rec.load import load_rec_data

    data = cfg.rec.data
    path = Path(data.root) / data.dict
    if path.is_file():
        return load_dict(path, use_space=data.use_space)
    if data.demo == "none":
        raise ConfigError(f"rec.data.dict: {path} does not exist (rec.data.root = {data.root})")
    return load_rec_data(cfg.rec, cfg.seed)[0]


def trained_recognizer(cfg: Config) -> tuple[CRNN, CharDict]:
    """(model in eval mode with cfg.weights loaded, its CharDict)."""
    from ppwarm.tasks.rec import build_rec_model
    from ppwarm.weights.load import load_weights

    chars = load_charset(cfg)
    model = build_rec_model(cfg, chars.num_classes)
    load_weights(model, cfg.weights)
    model.eval()
    return model, chars


def read_line(model: CRNN, chars: CharDict, path: Path, shape: tuple[int, int, int]) -> tuple[str, float]:
    """(text, confidence) of the text-line image at `path`: eval's preprocessing and greedy CTC decoding."""
    import paddle

    from ppwarm.data.rec.dataset import read_rgb
    from ppwarm.data.rec.transforms import resize_norm
    from ppwarm.models.rec.decode import ctc_greedy_decode

    try:
        image = read_rgb(str(path))
    except FileNotFoundError as err:
        raise ConfigError(f"--image: {err}") from err
    with paddle.no_grad():
        indices, probs = model.predict(paddle.to_tensor(resize_norm(image, shape)[None]))
    ((ids, confidence),) = ctc_greedy_decode(indices.numpy(), probs.numpy())
    return chars.decode(ids), confidence


def infer_rec(cfg: Config, paths: list[Path]) -> int:
    """Print `path<TAB>text<TAB>confidence` (4 decimals) per image, in the order of `paths`; returns 0."""
    shape = rec_shape(cfg)
    model, chars = trained_recognizer(cfg)
    for path in paths:
        text, confidence = read_line(model, chars, path, shape)
        print(f"{path}\t{text}\t{confidence:.4f}", flush=True)
    return 0


def export_rec(cfg: Config, out_dir: Path) -> int:
    """Write `out_dir/model.*` and `out_dir/infer_cfg.yml` (see `deploy.export_rec`); returns 0."""
    from ppwarm.deploy.export_rec import export_recognizer

    shape = rec_shape(cfg)
    model, chars = trained_recognizer(cfg)
    prefix = export_recognizer(model, out_dir, shape, chars)
    channels, height, width = shape
    print(
        f"exported to {prefix.parent} (input {channels}x{height}x{width}, width dynamic; "
        f"{len(chars)} characters + blank)"
    )
    return 0
