"""The Paddle schedulers: stepped once per update they give exactly the plan; state round-trips exactly."""

from __future__ import annotations

import math

import numpy as np
import paddle
import pytest
from paddle.optimizer.lr import CosineAnnealingDecay
from paddle.optimizer.lr import LinearWarmup as PaddleLinearWarmup

from ppwarm.lr import schedulers
from ppwarm.lr.build import build_scheduler
from ppwarm.lr.plan import resolve_plan
from tests.lr.test_plan_values import DECAYS, WARMUPS, lr_section


def stepped(scheduler, n: int) -> list[float]:
    """The LR used by each of n optimizer updates: read, then step (as the trainer does)."""
    out = []
    for _ in range(n):
        out.append(scheduler())
        scheduler.step()
    return out


@pytest.mark.parametrize("warmup", WARMUPS)
@pytest.mark.parametrize("decay", DECAYS)
def test_stepped_scheduler_is_the_plan_bit_for_bit(make_config, warmup, decay):
    cfg = make_config({"epochs": 10, "lr": lr_section(warmup, decay)})
    plan = resolve_plan(cfg, batches_per_epoch=25)
    n = plan.total_steps + 10
    assert np.array_equal(np.array(stepped(build_scheduler(plan), n)), plan.lr(np.arange(n)))


@pytest.mark.parametrize(
    "stop", [7, 50, 51, 180], ids=["mid-warmup", "warmup-end", "first-decay", "mid-decay"]
)
@pytest.mark.parametrize("warmup", ["exponential", "cosine"])
def test_state_dict_round_trip(make_config, warmup, stop):
    cfg = make_config({"epochs": 10, "lr": lr_section(warmup, "cosine")})
    plan = resolve_plan(cfg, batches_per_epoch=25)
    whole = stepped(build_scheduler(plan), plan.total_steps)
    first = build_scheduler(plan)
    head = stepped(first, stop)
    resumed = build_scheduler(plan)
    resumed.set_state_dict(first.state_dict())
    assert head + stepped(resumed, plan.total_steps - stop) == whole


def test_optimizer_state_carries_the_scheduler(make_config, tmp_path):
    cfg = make_config({"epochs": 10, "lr": lr_section("linear", "polynomial")})
    plan = resolve_plan(cfg, batches_per_epoch=25)

    def optimizer():
        layer = paddle.nn.Linear(2, 1)
        return paddle.optimizer.SGD(learning_rate=build_scheduler(plan), parameters=layer.parameters())

    opt = optimizer()
    for _ in range(33):
        opt._learning_rate.step()
    paddle.save(opt.state_dict(), str(tmp_path / "opt.pdopt"))
    restored = optimizer()
    restored.set_state_dict(paddle.load(str(tmp_path / "opt.pdopt")))
    assert restored._learning_rate.last_epoch == 33
    assert restored.get_lr() == plan.lr(np.array([33]))[0]


def test_sgd_applies_the_scheduled_lr(make_config):
    """The parameter change of plain SGD is -lr(t) * grad at every step: the scheduler really drives it."""
    cfg = make_config({"epochs": 4, "lr": lr_section("exponential", "cosine") | {"plateau_epochs": 0}})
    plan = resolve_plan(cfg, batches_per_epoch=5)
    paddle.seed(0)
    layer = paddle.nn.Linear(3, 1, bias_attr=False)
    sched = build_scheduler(plan)
    opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
    x = paddle.to_tensor([[1.0, 2.0, -1.0]])
    zeros = np.zeros((3, 1), dtype="float32")
    for t in range(plan.total_steps):
        layer.weight.set_value(zeros)  # from 0 the float32 weight holds the whole update
        layer(x).sum().backward()  # d/dw of sum(x @ w) = x^T
        opt.step()
        opt.clear_grad()
        sched.step()
        want = -plan.lr(t) * np.array([1.0, 2.0, -1.0])
        np.testing.assert_allclose(layer.weight.numpy()[:, 0], want, rtol=1e-6)


def test_linear_warmup_matches_paddles_own_with_offset_cosine():
    """Same numbers as Paddle's LinearWarmup(CosineAnnealingDecay(T_max = total - W))."""
    total, w, peak, start, final = 300, 40, 0.1, 0.01, 0.002
    ours = schedulers.LinearWarmup(schedulers.CosineDecay(peak, total - w, final / peak), w, start)
    theirs = PaddleLinearWarmup(CosineAnnealingDecay(peak, T_max=total - w, eta_min=final), w, start, peak)
    np.testing.assert_allclose(stepped(ours, total), stepped(theirs, total), rtol=1e-12)


def test_exponential_warmup_wraps_a_foreign_paddle_decay():
    total, w, peak = 120, 20, 0.05
    sched = schedulers.ExponentialWarmup(CosineAnnealingDecay(peak, T_max=total - w), w, 0.0, power=2.0)
    got = stepped(sched, total)
    want = [
        peak * (t / w) ** 2 if t < w else peak * (1 + math.cos(math.pi * (t - w) / (total - w))) / 2
        for t in range(total)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    with pytest.raises(TypeError, match="CosineAnnealingDecay"):
        sched.values(np.arange(3))


def test_foreign_decay_state_is_nested_and_restored():
    def make():
        return schedulers.CosineWarmup(CosineAnnealingDecay(0.05, T_max=100), 10, 0.001)

    first = make()
    stepped(first, 37)
    state = first.state_dict()
    assert state["LinearWarmup_LR"]["last_epoch"] == 27, "nested where Paddle's LinearWarmup keeps it"
    resumed, older = make(), make()
    resumed.set_state_dict(state)
    older.set_state_dict({**state, "decay": state.pop("LinearWarmup_LR")})  # as ppwarm wrote it before
    assert stepped(resumed, 20) == stepped(older, 20) == stepped(first, 20)


def test_warmup_classes_use_their_shape():
    decay = schedulers.ConstantDecay(1.0)
    at_fifth = {
        cls.shape: cls(decay, 10, 0.0).values(np.array([2]))[0]
        for cls in (
            schedulers.LinearWarmup,
            schedulers.ExponentialWarmup,
            schedulers.CosineWarmup,
            schedulers.ConstantWarmup,
        )
    }
    cosine = (1 - math.cos(math.pi * 0.2)) / 2
    assert at_fifth == pytest.approx({"linear": 0.2, "exponential": 0.04, "cosine": cosine, "constant": 0.0})
