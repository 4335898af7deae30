"""tools/infer.py and tools/export.py for task rec, on six generated digit lines.

The weights come from 60 Adam steps on those six lines (about 3 s): a fresh CRNN reads the same text with
the same confidence for every line, which would make "infer agrees with dygraph" an empty check; after the
steps the readings differ from line to line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import paddle
import pytest
import yaml

from ppwarm.cli.export import main as export_main
from ppwarm.cli.infer import main as infer_main
from ppwarm.config import Config, load_config
from ppwarm.data.rec.dataset import RecDataset, read_rgb
from ppwarm.data.rec.demo import DEMO_SETS, make_demo_rec
from ppwarm.data.rec.load import load_rec_data
from ppwarm.data.rec.transforms import resize_norm
from ppwarm.models.rec.decode import ctc_greedy_decode
from ppwarm.tasks.rec import build_rec_model
from ppwarm.weights.load import load_weights

pytestmark = pytest.mark.slow  # trains a model or starts processes

REPO = Path(__file__).resolve().parents[2]
SHAPE = (3, 32, 100)
FIT_STEPS, FIT_LR, BN_REFRESH = 60, 5e-3, 20


def _fit(cfg: Config) -> paddle.nn.Layer:
    """The configured CRNN after FIT_STEPS Adam steps on the validation lines, BN statistics refreshed."""
    chars, _, val = load_rec_data(cfg.rec, cfg.seed)
    data = RecDataset(val, chars, SHAPE, cfg.rec.max_text_length)
    batch = {
        k: paddle.to_tensor(np.stack([data[i][k] for i in range(len(data))]))
        for k in ("image", "label", "length")
    }
    paddle.seed(0)
    model = build_rec_model(cfg, chars.num_classes)
    opt = paddle.optimizer.Adam(learning_rate=FIT_LR, parameters=model.parameters())
    for _ in range(FIT_STEPS):
        model(batch)["total"].backward()
        opt.step()
        opt.clear_grad()
    with paddle.no_grad():
        for _ in range(BN_REFRESH):
            model.logits(batch["image"])
    return model


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("rec_cli")
    root = make_demo_rec(base / "digits", num_train=2, num_val=6, shape=SHAPE, **DEMO_SETS["digits"])
    path = base / "rec.yml"
    data = {"task": "rec", "rec": {"shape": list(SHAPE), "data": {"root": str(root), "demo": "none"}}}
    path.write_text(yaml.safe_dump(data))
    cfg = load_config(path)
    weights = base / "rec.pdparams"
    paddle.save(_fit(cfg).state_dict(), str(weights))
    return {"cfg": cfg, "path": path, "root": root, "weights": weights}


def _dygraph(rec: dict[str, Any]) -> paddle.nn.Layer:
    """A separately built model with the saved weights, in eval mode."""
    model = build_rec_model(rec["cfg"], 11)
    load_weights(model, str(rec["weights"]))
    model.eval()
    return model


def _args(rec: dict[str, Any]) -> list[str]:
    return ["-c", str(rec["path"]), "-o", f"weights={rec['weights']}"]


def test_infer_prints_the_dygraph_reading_of_every_image(rec, capsys):
    images = rec["root"] / "images" / "val"
    assert infer_main([*_args(rec), "--image", str(images)]) == 0
    lines = capsys.readouterr().out.splitlines()
    model, chars = _dygraph(rec), load_rec_data(rec["cfg"].rec, rec["cfg"].seed)[0]
    expected = []
    for path in sorted(images.iterdir()):
        with paddle.no_grad():
            ids, probs = model.predict(paddle.to_tensor(resize_norm(read_rgb(str(path)), SHAPE)[None]))
        ((seq, conf),) = ctc_greedy_decode(ids.numpy(), probs.numpy())
        expected.append(f"{path}\t{chars.decode(seq)}\t{conf:.4f}")
    assert lines == expected
    texts = [line.split("\t")[1] for line in lines]
    assert len(set(texts)) >= 3, f"readings should differ between lines: {texts}"


def test_infer_reads_a_single_image_as_in_a_folder(rec, capsys):
    images = rec["root"] / "images" / "val"
    assert infer_main([*_args(rec), "--image", str(images)]) == 0
    folder = capsys.readouterr().out.splitlines()
    assert infer_main([*_args(rec), "--image", str(images / "000003.png")]) == 0
    assert capsys.readouterr().out.splitlines() == [folder[3]]


def test_export_config_and_paddle_inference_match_dygraph(rec, tmp_path, capsys):
    from ppwarm.deploy.export_rec import RecInferenceRunner

    out = tmp_path / "export"
    assert export_main([*_args(rec), "--out", str(out)]) == 0
    assert "input 3x32x100, width dynamic; 10 characters + blank" in capsys.readouterr().out
    info = yaml.safe_load((out / "infer_cfg.yml").read_text(encoding="utf-8"))
    assert info["charset"] == list((rec["root"] / "dict.txt").read_text().split()) == list("0123456789")
    assert info["input_shape"] == list(SHAPE) and info["blank_index"] == 0
    assert info["preprocess"]["mean"] == [0.5] * 3 and info["preprocess"]["std"] == [0.5] * 3
    model, runner = _dygraph(rec), RecInferenceRunner(out)
    paths = sorted((rec["root"] / "images" / "val").iterdir())
    lines = np.stack([resize_norm(read_rgb(str(p)), SHAPE) for p in paths])
    wide = np.random.default_rng(0).uniform(-1, 1, (2, 3, 32, 160)).astype(np.float32)
    for batch, steps in ((lines, 25), (wide, 40)):
        with paddle.no_grad():
            ids, probs = model.predict(paddle.to_tensor(batch))
        got_ids, got_probs = runner(batch)
        assert got_ids.shape == (len(batch), steps) and got_ids.dtype == np.int64
        np.testing.assert_array_equal(got_ids, ids.numpy())
        np.testing.assert_allclose(got_probs, probs.numpy(), rtol=1e-5, atol=1e-5)


ERRORS = [
    ("infer", ["--image", "{root}/missing.png"], "--image {root}/missing.png: no such file or folder"),
    ("infer", ["--image", "{root}/images/val", "-o", "weights=null"], "weights: not set"),
    (
        "infer",
        ["--image", "{root}/images/val", "--threshold", "0.5"],
        "--out and --threshold are for task det",
    ),
    ("infer", ["--image", "{root}/images/val", "-o", "task=toy"], "task = 'toy': infer supports det and rec"),
    ("export", ["--out", "{root}/x", "-o", "task=toy"], "task = 'toy': export supports det and rec"),
    ("export", ["--out", "{root}/x", "-o", "rec.data.dict=none.txt"], "rec.data.dict: {root}/none.txt does"),
    (
        "export",
        ["--out", "{root}/x", "-o", "weights={root}/nope.pdparams"],
        "weights = '{root}/nope.pdparams'",
    ),
]


@pytest.mark.parametrize(("tool", "extra", "message"), ERRORS)
def test_bad_input_is_one_clear_line_and_exit_2(rec, capsys, tool, extra, message):
    main = {"infer": infer_main, "export": export_main}[tool]
    root = str(rec["root"])
    assert main([*_args(rec), *(a.format(root=root) for a in extra)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {message.format(root=root)}") and captured.out == ""


def test_tool_script_exits_2_on_an_unknown_task(tmp_path):
    config = tmp_path / "toy.yml"
    config.write_text("task: toy\n")
    proc = subprocess.run(
        [sys.executable, "tools/infer.py", "-c", str(config), "--image", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == "error: task = 'toy': infer supports det and rec"
