"""EMA decay warm-up and weight swapping; the JSON-lines writer and reader."""

from __future__ import annotations

import math

import numpy as np
import paddle

from ppwarm.engine.ema import ModelEMA
from ppwarm.engine.events import EventStore, JsonlWriter, read_jsonl


def test_ema_follows_the_warmed_up_decay():
    layer = paddle.nn.Linear(2, 1)
    start = layer.weight.numpy().copy()
    ema = ModelEMA(layer, decay=0.9)
    expected = start.astype(np.float64)
    for n in range(20):
        layer.weight.set_value(np.full((2, 1), float(n), dtype="float32"))
        d = min(0.9, (1 + n) / (10 + n))
        assert ema.current_decay() == d
        ema.update(layer)
        expected = d * expected + (1 - d) * n
    np.testing.assert_allclose(ema.shadow["weight"].numpy(), expected, rtol=1e-5)
    assert ema.updates == 20


def test_ema_weights_are_applied_only_inside_the_block():
    layer = paddle.nn.Linear(2, 1)
    ema = ModelEMA(layer, decay=0.5)
    layer.weight.set_value(np.ones((2, 1), dtype="float32"))
    ema.update(layer)  # decay min(0.5, 1/10) = 0.1: shadow = 0.1 * start + 0.9 * 1
    own = layer.weight.numpy().copy()
    with ema.applied_to(layer):
        np.testing.assert_array_equal(layer.weight.numpy(), ema.shadow["weight"].numpy())
    np.testing.assert_array_equal(layer.weight.numpy(), own)


def test_jsonl_round_trip_keeps_the_last_value_of_a_step(tmp_path):
    store = EventStore()
    store.put("train/loss", 1.5, 0)
    store.put_many({"a": 2.0, "b": float("nan")}, 1, prefix="train/")
    store.put("train/loss", 0.5, 0)  # a step written again (after a resume)
    writer = JsonlWriter(tmp_path / "m.jsonl")
    writer.write(store.drain())
    writer.close()
    assert store.drain() == []
    log = read_jsonl(tmp_path / "m.jsonl")
    assert log["train/loss"] == {0: 0.5} and log["train/a"] == {1: 2.0} and math.isnan(log["train/b"][1])
