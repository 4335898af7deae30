"""Random state of Python, NumPy and Paddle: seed it, capture it into a checkpoint, restore it on resume.

`capture_rng()` returns a plain dict that survives `paddle.save` / `paddle.load`, so it can sit inside a
checkpoint next to the model and optimizer state. Paddle's part is the list of `GeneratorState` objects
that `paddle.get_rng_state` returns: one for the CPU generator, plus one per device when training runs on
an accelerator. Those objects pickle by value (device id, seed, offset and the engine state as text), so
they are stored as they are.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import paddle

# Flags that make Paddle's GPU kernels pick deterministic algorithms, with the value that does so.
# Each exists only in CUDA/ROCm builds (paddle/common/flags.cc), except FLAGS_use_autotune, which every
# build has; `enable_deterministic_kernels` sets the ones the running build knows and skips the rest.
DETERMINISTIC_FLAGS: dict[str, Any] = {
    "FLAGS_cudnn_deterministic": True,  # deterministic cuDNN conv / pooling algorithms
    "FLAGS_embedding_deterministic": 1,  # 1 = the optimized deterministic embedding backward
    "FLAGS_cudnn_exhaustive_search": False,  # timing-based algorithm choice can differ run to run
    "FLAGS_cudnn_batchnorm_spatial_persistent": False,  # this batch-norm mode reduces with atomics
    "FLAGS_use_autotune": False,  # kernel autotuning picks algorithms by measured speed
}


def _current_device_kind() -> str:
    """'cpu', 'gpu', 'xpu' or a custom device type: the part of `paddle.get_device()` before ':'."""
    return paddle.get_device().split(":")[0]


def capture_rng() -> dict[str, Any]:
    """A snapshot of every global RNG ppwarm draws from; later draws do not change it.

    Keys: "python" (`random.getstate()`), "numpy" (`np.random.get_state()`), "paddle_cpu" (the CPU
    generator) and "paddle_device": None on CPU, else {"kind": "gpu", "states": [one per device]}.
    """
    kind = _current_device_kind()
    device = None if kind == "cpu" else {"kind": kind, "states": paddle.get_rng_state()}
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "paddle_cpu": paddle.get_rng_state("cpu"),
        "paddle_device": device,
    }


def restore_rng(state: dict[str, Any]) -> None:
    """Put every RNG back to the snapshot `state` taken by `capture_rng()`.

    Afterwards the next draws from `random`, `np.random` and Paddle repeat those that followed the capture.
    Device generators are restored only when the run is on the same kind of device as at capture time;
    a mismatch in device count (e.g. resuming on fewer GPUs) raises Paddle's ValueError.
    """
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    paddle.set_rng_state(state["paddle_cpu"], "cpu")
    device = state.get("paddle_device")
    if device is not None and device["kind"] == _current_device_kind():
        paddle.set_rng_state(device["states"])


def _flag_exists(name: str) -> bool:
    try:
        paddle.get_flags(name)
    except ValueError:  # raised for a flag this build does not define
        return False
    return True


def enable_deterministic_kernels() -> dict[str, Any]:
    """Set the `DETERMINISTIC_FLAGS` this Paddle build defines; return the ones set, with their values.

    On a CPU-only build that is just FLAGS_use_autotune. Deterministic kernels can be slower.
    """
    present = {name: value for name, value in DETERMINISTIC_FLAGS.items() if _flag_exists(name)}
    if present:
        paddle.set_flags(present)
    return present


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seed `random`, NumPy's global RNG and Paddle's generators with `seed` (0 <= seed < 2**32).

    With `deterministic`, also switch GPU kernels to deterministic algorithms
    (`enable_deterministic_kernels`). Python's hash seed is not touched.
    """
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)
    if deterministic:
        enable_deterministic_kernels()
