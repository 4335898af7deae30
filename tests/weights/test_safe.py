"""Weights and checkpoint files are read without running code from them, and load as paddle.load loads them.

A crafted file (a pickle that calls `os.system`, `open`, `exec`, a non-Paddle `eval`) is refused with a
ConfigError naming the file and the global through every entry point, and the marker file its payload
would create never appears. Every file kind ppwarm writes or fine-tunes from loads equal to `paddle.load`.
"""

from __future__ import annotations

import codecs
import os
import pickle
import re
import shlex
import warnings
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import paddle
import pytest

from ppwarm.engine.checkpoint import CheckpointError, CheckpointManager, load_checkpoint, save_atomic
from ppwarm.engine.rng import capture_rng
from ppwarm.errors import ConfigError
from ppwarm.runner import load_resume, run_training
from ppwarm.tasks.build import build_task
from ppwarm.weights.load import load_weights
from ppwarm.weights.pretrained import load_pretrained
from ppwarm.weights.safe import ALLOWED_GLOBALS, load_paddle_file
from tests.engine.conftest import TOY, merge

# --- crafted files ---------------------------------------------------------------------------------------


class Payload:
    """Pickles as `function(*args)`: what unpickling it runs."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self.function, self.args = function, args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.function, self.args


def _global_name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"  # as pickle writes it, e.g. posix.system


# id -> (payload creating `marker`, the global the refusal must name)
PAYLOADS: dict[str, Callable[[Path], tuple[Payload, str]]] = {
    "os.system": lambda marker: (
        Payload(os.system, f"touch {shlex.quote(str(marker))}"),
        _global_name(os.system),
    ),
    "open": lambda marker: (Payload(open, str(marker), "w"), _global_name(open)),
    "exec": lambda marker: (Payload(exec, f"open({str(marker)!r}, 'w').close()"), "builtins.exec"),
    # paddle.save writes DenseTensors as eval("data", {"data": array}); any other eval is refused
    "eval": lambda marker: (
        Payload(eval, f"open({str(marker)!r}, 'w')", {"data": np.zeros(1)}),
        "builtins.eval",
    ),
}


def small_model() -> paddle.nn.Linear:
    paddle.seed(1)
    return paddle.nn.Linear(4, 3)


def crafted_file(
    tmp_path: Path, kind: str, name: str, checkpoint_shaped: bool = True
) -> tuple[Path, Path, str]:
    """(file, marker, forbidden global): a paddle.save file that, read by paddle.load, creates `marker`.

    The payload sits deep inside otherwise real content: a state dict, plus the keys that make readers
    treat the file as a ppwarm checkpoint when `checkpoint_shaped`.
    """
    marker = tmp_path / f"marker-{kind}"
    payload, forbidden = PAYLOADS[kind](marker)
    state: dict[str, Any] = {"model": small_model().state_dict(), "extra": {"notes": [1, ("x", payload)]}}
    if checkpoint_shaped:
        state.update(state={"step": 3}, ema=None)
    else:
        state = {**state["model"], "extra": state["extra"]}
    path = tmp_path / name
    paddle.save(state, str(path))
    return path, marker, forbidden


def refused(path: Path, forbidden: str) -> Any:
    """pytest.raises for the one ConfigError naming `path` and `forbidden`."""
    return pytest.raises(
        ConfigError, match=rf"refusing to load {re.escape(str(path))}: .*{re.escape(forbidden)}"
    )


def test_the_crafted_file_really_runs_its_payload_under_paddle_load(tmp_path: Path) -> None:
    """The control: without the restricted loader the file executes `touch`, so the refusals below matter."""
    path, marker, _ = crafted_file(tmp_path, "os.system", "model.pdparams")
    paddle.load(str(path))
    assert marker.exists()


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_load_paddle_file_refuses_and_runs_nothing(tmp_path: Path, kind: str) -> None:
    path, marker, forbidden = crafted_file(tmp_path, kind, "model.pdparams")
    with refused(path, forbidden):
        load_paddle_file(path)
    assert not marker.exists()


@pytest.mark.parametrize("checkpoint_shaped", [True, False], ids=["checkpoint", "state-dict"])
@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_pretrained_and_weights_refuse_and_leave_the_model_alone(
    tmp_path: Path, kind: str, checkpoint_shaped: bool
) -> None:
    path, marker, forbidden = crafted_file(tmp_path, kind, "model.pdparams", checkpoint_shaped)
    model = paddle.nn.Linear(4, 3)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with refused(path, forbidden):
        load_pretrained(model, str(path))
    with refused(path, forbidden):
        load_weights(model, str(path))
    assert not marker.exists()
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key])


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_checkpoint_loading_refuses_instead_of_reporting_corruption(tmp_path: Path, kind: str) -> None:
    """load_checkpoint, -r PATH and -r auto refuse loudly; -r auto does not quietly take an older step."""
    directory = tmp_path / "run" / "checkpoints"
    CheckpointManager(directory).save({"step": 1}, 1)
    path, marker, forbidden = crafted_file(tmp_path, kind, "step_00000002.pdckpt")
    path.replace(directory / path.name)
    path = directory / path.name
    (directory / "latest.txt").write_text(path.name + "\n")
    with refused(path, forbidden):
        load_checkpoint(path)
    with refused(path, forbidden):
        load_resume(str(path), tmp_path / "run")
    with refused(path, forbidden):
        load_resume("auto", tmp_path / "run")
    with refused(path, forbidden):
        CheckpointManager(directory).load_latest()
    assert not marker.exists()


def test_codecs_encode_is_admitted_only_as_protocol_2_writes_bytes(tmp_path: Path) -> None:
    path = tmp_path / "rot13.pdparams"
    path.write_bytes(pickle.dumps({"w": Payload(codecs.encode, "abc", "rot13")}, protocol=2))
    with refused(path, "_codecs.encode"):
        load_paddle_file(path)


@pytest.mark.parametrize("content", [b"", b"not a weights file" * 20, b"\x80\x04\x95"], ids=str)
def test_unreadable_files_are_value_errors_naming_the_file_not_refusals(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bad.pdparams"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(str(path))) as info:
        load_paddle_file(path)
    assert not isinstance(info.value, ConfigError)
    with pytest.raises(CheckpointError, match=re.escape(str(path))):  # still "corrupt", so -r auto skips it
        load_checkpoint(path)


def test_allowed_globals_hold_no_callable_that_runs_code() -> None:
    names = {f"{module}.{name}" for module, name in ALLOWED_GLOBALS}
    for forbidden in ("builtins.eval", "builtins.exec", "builtins.getattr", "builtins.open", "posix.system"):
        assert forbidden not in names
    assert {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"} <= names


# --- legitimate files load as paddle.load loads them -------------------------------------------------------


def assert_identical(expected: Any, actual: Any, where: str = "file") -> None:
    """Same types all the way down; tensors and arrays equal in dtype, values and (given) names."""
    assert type(actual) is type(expected), f"{where}: {type(actual)} != {type(expected)}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key, value in expected.items():
            assert_identical(value, actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), where
        for index, (value, got) in enumerate(zip(expected, actual, strict=True)):
            assert_identical(value, got, f"{where}[{index}]")
    elif isinstance(expected, paddle.Tensor):
        generated = all(t.name.startswith("generated_tensor") for t in (expected, actual))  # counter names
        assert generated or actual.name == expected.name, f"{where}: name {actual.name} != {expected.name}"
        assert (actual.dtype, actual.stop_gradient) == (expected.dtype, expected.stop_gradient), where
        np.testing.assert_array_equal(actual.numpy(), expected.numpy(), err_msg=where)
    elif isinstance(expected, np.ndarray):
        assert actual.dtype == expected.dtype, where
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    elif isinstance(expected, paddle.base.core.GeneratorState):
        assert actual.__getstate__() == expected.__getstate__(), where
    else:
        assert actual == expected, where


def assert_loads_like_paddle(path: Path) -> Any:
    loaded = load_paddle_file(path)
    assert_identical(paddle.load(str(path)), loaded)
    return loaded


@pytest.mark.parametrize("protocol", [2, 3, 4])
def test_model_state_dict_pdparams(tmp_path: Path, protocol: int) -> None:
    path = tmp_path / "model.pdparams"
    model = small_model()
    paddle.save(model.state_dict(), str(path), protocol=protocol)
    loaded = assert_loads_like_paddle(path)
    assert all(isinstance(v, paddle.Tensor) for v in loaded.values())
    fresh = paddle.nn.Linear(4, 3)
    assert load_weights(fresh, str(path)) == "state dict"
    assert load_pretrained(paddle.nn.Linear(4, 3), str(path)).matched == ["weight", "bias"]
    np.testing.assert_array_equal(fresh.weight.numpy(), model.weight.numpy())


def test_paddledetection_and_paddleocr_style_pdparams(tmp_path: Path) -> None:
    """Plain name -> tensor dicts, and the older name -> numpy array dicts, through both fine-tune paths."""
    model = small_model()
    tensors, arrays = tmp_path / "ppdet.pdparams", tmp_path / "ppocr_old.pdparams"
    paddle.save(dict(model.state_dict()), str(tensors))
    paddle.save({k: v.numpy() for k, v in model.state_dict().items()}, str(arrays))
    for path in (tensors, arrays):
        loaded = assert_loads_like_paddle(path)
        assert all(isinstance(v, paddle.Tensor) for v in loaded.values())
        assert load_pretrained(paddle.nn.Linear(4, 3), str(path)).matched == ["weight", "bias"]


def test_numpy_1_and_protocol_2_pickles_of_arrays(tmp_path: Path) -> None:
    """A dict of arrays pickled by protocol 2 (as `__builtin__` / `_codecs` names) under NumPy 1 spellings."""
    state = {
        "w": np.arange(6, dtype="float32").reshape(2, 3),
        "empty": np.zeros(0, "int64"),
        "n": np.int64(7),
    }
    data = pickle.dumps(state, protocol=2).replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
    assert b"cnumpy.core.multiarray\n" in data and b"_codecs" in data  # NumPy 1's _reconstruct / scalar
    path = tmp_path / "old.pdparams"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # NumPy 2 on importing numpy.core
        expected = paddle.load(str(path))
    assert_identical(expected, load_paddle_file(path))


def test_big_parameters_split_by_protocol_2_are_joined(tmp_path: Path) -> None:
    """The layout paddle.save uses for arrays over 1 GiB at protocol 2/3, built small: slices + index."""
    weight = np.arange(12, dtype="float32").reshape(3, 4)
    state = {
        "w@@.0": weight.flatten()[:5],
        "w@@.1": weight.flatten()[5:],
        "b": np.ones(4, "float32"),
        "UnpackBigParamInfor@@": {"w": {"OriginShape": (3, 4), "slices": ["w@@.0", "w@@.1"]}},
        "StructuredToParameterName@@": {"w": "linear_9.w_0", "b": "linear_9.b_0"},
    }
    path = tmp_path / "big.pdparams"
    path.write_bytes(pickle.dumps(state, protocol=2))
    loaded = assert_loads_like_paddle(path)
    assert sorted(loaded) == ["b", "w"]
    assert loaded["w"].name == "linear_9.w_0"
    np.testing.assert_array_equal(loaded["w"].numpy(), weight)


def test_tensors_dense_tensors_and_nested_values(tmp_path: Path) -> None:
    """Non-state-dict objects: tensors as (name, array) pairs, DenseTensors as Paddle's eval form, scalars."""
    tensor = paddle.to_tensor([1.0, 2.0])
    state = {
        "layer": {"t": tensor, "dense": tensor.value().get_tensor()},
        "pairs": [tensor, (1, "a"), {1, 2}, 3j, None, True, OrderedDict(a=1)],
    }
    path = tmp_path / "nested.pdparams"
    paddle.save(state, str(path))
    assert_loads_like_paddle(path)
    single = tmp_path / "tensor.pdparams"
    paddle.save(tensor, str(single))
    assert isinstance(assert_loads_like_paddle(single), paddle.Tensor)


def test_checkpoint_shaped_dict_with_rng_optimizer_and_arrays(tmp_path: Path) -> None:
    model = small_model()
    optimizer = paddle.optimizer.AdamW(learning_rate=0.01, parameters=model.parameters())
    model(paddle.rand([2, 4])).mean().backward()
    optimizer.step()
    state = {
        "model": model.state_dict(),
        "ema": {"shadow": model.state_dict(), "updates": 1, "decay": 0.9998},
        "optimizer": optimizer.state_dict(),
        "scaler": paddle.amp.GradScaler(enable=False).state_dict(),
        "rng": capture_rng(),
        "state": {"step": 1, "best_metric": None, "lr_factor": 1.0},
        "arrays": {"history": np.linspace(0, 1, 5), "seen": np.array([True, False])},
    }
    path = save_atomic(state, tmp_path / "step_00000001.pdckpt")
    assert_loads_like_paddle(path)
    assert_identical(paddle.load(str(path)), load_checkpoint(path))
    assert load_weights(small_model(), str(path)) == "ema"


def test_real_checkpoints_of_a_toy_run(make_config: Callable[..., dict[str, Any]], tmp_path: Path) -> None:
    """Checkpoints as the trainer writes them (model, EMA, optimizer, scaler, RNG, state, config)."""
    cfg = make_config(
        {**merge(TOY, {"epochs": 2, "ema": {"enable": True}}), "output_dir": str(tmp_path / "run")}
    )
    run_training(cfg)
    paths = sorted((tmp_path / "run" / "checkpoints").glob("step_*.pdckpt"))
    assert paths
    for path in paths:
        loaded = assert_loads_like_paddle(path)
        assert isinstance(loaded["rng"]["paddle_cpu"][0], paddle.base.core.GeneratorState)
    assert_identical(paddle.load(str(paths[-1])), load_resume("auto", tmp_path / "run")[1])
    assert load_weights(build_task(cfg).model, str(paths[-1])) == "ema"
    report = load_pretrained(build_task(cfg).model, str(paths[-1]))
    assert report.matched and not (report.missing or report.shape_mismatched or report.unexpected)
