"""Reading `paddle.save` files without running code from them.

`paddle.load` unpickles with `pickle.load`, so a crafted `.pdparams` / `.pdckpt` runs whatever its pickle
names (`os.system`, `builtins.exec`, ...) the moment it is read. `load_paddle_file` reads the same files
through an unpickler whose `find_class` hands out only what `paddle.save` files hold:

- builtin containers and scalars (`dict list tuple set frozenset int float complex bool str bytes
  bytearray`), under Python 3 (`builtins`) and Python 2 / pickle protocol 2 (`__builtin__`) names;
- `collections.OrderedDict` (Layer and optimizer state dicts);
- NumPy arrays and scalars: `numpy.ndarray`, `numpy.dtype` and `_reconstruct` / `scalar` of
  `numpy.core.multiarray` (NumPy 1) or `numpy._core.multiarray` (NumPy 2), as either version wrote them;
- `paddle.base.libpaddle.GeneratorState`, the RNG state ppwarm checkpoints hold (pickled by value);
- two names that only get a checked stand-in: `_codecs.encode(text, "latin1")`, which protocol 2 writes
  for every `bytes` object, and `builtins.eval("data", {"data": array})`, which is how `paddle.save`
  writes a `DenseTensor`. Any other arguments are refused like a forbidden global.

Anything else stops the read with one `ConfigError` naming the file and the global, before any of it is
called. What the pickle gives is then converted exactly as `paddle.load` converts it (big parameters split
by protocol 2/3 are joined, arrays that stood for tensors become `paddle.Tensor`), using Paddle's own
helpers in `paddle.framework.io`, so callers get what `paddle.load(path)` returns for the same file.

Formats: `paddle.save` always writes one pickle stream (protocol 4 by default, 2 or 3 on request; the
latter split arrays over 1 GiB into slices recorded under "UnpackBigParamInfor@@"). It never writes a zip
archive, and safetensors only with `safetensors=True`, which `paddle.load(path)` does not read either.
Paddle's non-pickle formats (`use_binary_format=True` tensors, programs) are not weights files and are
reported as unreadable.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import paddle
import paddle.framework.io as paddle_io

from ppwarm.errors import ConfigError

_BUILTINS = (dict, list, tuple, set, frozenset, int, float, complex, bool, str, bytes, bytearray)
_NUMPY_CORE = ("numpy.core.multiarray", "numpy._core.multiarray")  # NumPy 1 and NumPy 2 spellings
_EVAL = {("builtins", "eval"), ("__builtin__", "eval")}
_ENCODE = {("_codecs", "encode")}
_NAME_TABLE = "StructuredToParameterName@@"  # paddle.save's structured name -> parameter name table


def _allowed_globals() -> dict[tuple[str, str], Any]:
    """(module, name) -> the object `find_class` returns for it; nothing outside this table is handed out."""
    # The functions themselves, from whichever module this NumPy keeps them in.
    reconstruct = np.empty(0).__reduce__()[0]
    scalar = np.float64(0).__reduce__()[0]
    generator_state = paddle.base.core.GeneratorState
    table: dict[tuple[str, str], Any] = {
        ("collections", "OrderedDict"): OrderedDict,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        (generator_state.__module__, generator_state.__qualname__): generator_state,
    }
    for module in _NUMPY_CORE:
        table[(module, "_reconstruct")] = reconstruct
        table[(module, "scalar")] = scalar
    for kind in _BUILTINS:
        table[("builtins", kind.__name__)] = table[("__builtin__", kind.__name__)] = kind
    return table


ALLOWED_GLOBALS: dict[tuple[str, str], Any] = _allowed_globals()


def _refusal(path: str, what: str) -> ConfigError:
    return ConfigError(
        f"refusing to load {path}: it asks to run {what}, which a weights file never needs "
        "(only tensors, arrays, numbers, strings and containers are allowed); nothing from it was run"
    )


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only `ALLOWED_GLOBALS` plus the checked `eval` / `encode` stand-ins."""

    def __init__(self, data: bytes, path: str) -> None:
        super().__init__(io.BytesIO(data), encoding="latin1")  # latin1: as paddle.load, for Python 2 pickles
        self._path = path
        self._stand_ins: dict[tuple[str, str], Callable[..., Any]] = {
            **dict.fromkeys(_EVAL, self._dense_tensor),
            **dict.fromkeys(_ENCODE, self._latin1_bytes),
        }

    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        if key in ALLOWED_GLOBALS:
            return ALLOWED_GLOBALS[key]
        if key in self._stand_ins:
            return self._stand_ins[key]
        raise _refusal(self._path, f"{module}.{name}")

    def _dense_tensor(self, *args: Any) -> np.ndarray:
        """`eval("data", {"data": array})` as `paddle.save` writes a DenseTensor: the array, nothing run."""
        source, scope = args if len(args) == 2 else (None, None)
        array = scope.get("data") if isinstance(scope, dict) and len(scope) == 1 else None
        if isinstance(source, str) and source == "data" and isinstance(array, np.ndarray):
            return array
        raise _refusal(self._path, f"builtins.eval{_preview(args)}")

    def _latin1_bytes(self, *args: Any) -> bytes:
        """`_codecs.encode(text, "latin1")` as pickle protocol 2 writes a bytes object."""
        text, encoding = args if len(args) == 2 else (None, None)
        if isinstance(text, str) and isinstance(encoding, str) and encoding in ("latin1", "latin-1"):
            return text.encode("latin1")
        raise _refusal(self._path, f"_codecs.encode{_preview(args)}")


def _preview(args: tuple[Any, ...], limit: int = 80) -> str:
    text = repr(args)
    return text if len(text) <= limit else text[: limit - 4] + "...)"


def _as_paddle_load_returns(obj: Any) -> Any:
    """Convert an unpickled object as `paddle.load(path)` (return_numpy=False) does, with Paddle's helpers."""
    if isinstance(obj, dict):
        obj = paddle_io._pack_loaded_dict(obj)  # join parameters protocol 2/3 split into slices
        if _NAME_TABLE in obj:  # a Layer / optimizer state dict: its listed arrays become named tensors
            for key, name in obj.pop(_NAME_TABLE).items():
                if isinstance(obj.get(key), np.ndarray):
                    obj[key] = paddle_io._ndarray_to_tensor(obj[key], return_numpy=False)
                    if getattr(obj[key], "name", ""):
                        obj[key].name = name
            return obj
    return paddle_io._parse_load_result(obj, return_numpy=False)  # (name, array) pairs / arrays -> tensors


def load_paddle_file(path: str | os.PathLike[str]) -> Any:
    """What `paddle.load(path)` returns for a file `paddle.save` wrote, without running code from it.

    The file is read once. Raises ConfigError naming the file and the global when its pickle asks for
    anything outside `ALLOWED_GLOBALS` (then nothing it asks for has run); ValueError naming the file
    when it is empty, truncated or not a pickle; OSError when it cannot be read.
    """
    name = str(path)
    data = Path(path).read_bytes()
    try:
        obj = _RestrictedUnpickler(data, name).load()
    except ConfigError:
        raise
    except Exception as exc:  # UnpicklingError, EOFError, ValueError, ... from bytes that are no pickle
        raise ValueError(
            f"cannot read {name}: not a paddle.save file, or truncated ({type(exc).__name__}: {exc})"
        ) from exc
    return _as_paddle_load_returns(obj)
