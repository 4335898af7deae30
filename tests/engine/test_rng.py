"""capture_rng / restore_rng replay the same draws, also after a trip through paddle.save; seeding repeats."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import paddle
import pytest

from ppwarm.engine.rng import DETERMINISTIC_FLAGS, capture_rng, restore_rng, seed_everything


def draw_all() -> tuple[list[float], np.ndarray, np.ndarray]:
    """A few draws from each of the three RNGs, including a Paddle dropout mask."""
    mask = paddle.nn.functional.dropout(paddle.ones([16]), p=0.5).numpy()
    return (
        [random.random() for _ in range(3)],
        np.random.rand(3),
        np.concatenate([paddle.rand([4]).numpy(), mask]),
    )


def assert_same_draws(a: tuple, b: tuple) -> None:
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])


def test_restore_replays_the_draws_after_capture() -> None:
    seed_everything(11)
    draw_all()  # move away from the freshly seeded state
    state = capture_rng()
    first = draw_all()
    draw_all()
    restore_rng(state)
    assert_same_draws(draw_all(), first)


def test_state_survives_paddle_save_and_load(tmp_path: Path) -> None:
    seed_everything(5)
    path = tmp_path / "rng.pdckpt"
    paddle.save({"rng": capture_rng()}, str(path))
    first = draw_all()
    seed_everything(999)  # scramble everything before restoring from disk
    restore_rng(paddle.load(str(path))["rng"])
    assert_same_draws(draw_all(), first)


def test_seed_everything_repeats_draws_and_differs_across_seeds() -> None:
    seed_everything(3)
    first = draw_all()
    seed_everything(3)
    assert_same_draws(draw_all(), first)
    seed_everything(4)
    assert draw_all()[0] != first[0]


def test_deterministic_sets_only_flags_this_build_has() -> None:
    before = paddle.get_flags("FLAGS_use_autotune")
    paddle.set_flags({"FLAGS_use_autotune": True})
    try:
        seed_everything(0, deterministic=True)  # must not raise for the CUDA-only flags a CPU build lacks
        assert paddle.get_flags("FLAGS_use_autotune")["FLAGS_use_autotune"] is False
    finally:
        paddle.set_flags(before)
    assert "FLAGS_cudnn_deterministic" in DETERMINISTIC_FLAGS


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_seed_out_of_range_is_rejected(seed: int) -> None:
    with pytest.raises(ValueError, match=str(seed)):
        seed_everything(seed)
