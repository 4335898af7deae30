"""The update Paddle applies to every parameter follows the plan: group LR, momentum, weight decay.

Each parameter gets a fixed known gradient G (the loss is sum(param * G)), and its value after every
optimizer update is compared with a float64 reference of the optimizer's rule fed with the PLANNED
group LR and momentum of that step: inside the warmup, at its end and in the decay.
"""

from __future__ import annotations

import numpy as np
import paddle
import pytest

from ppwarm.lr.plan import resolve_plan
from ppwarm.models.toy import ToyRegressor
from ppwarm.optim.build import build_optimizer

STEPS_PER_EPOCH = 4


@pytest.fixture(autouse=True)
def float64():
    """Parameters, gradients and the LR in float64, so the comparison can be tight (1e-9)."""
    previous = paddle.get_default_dtype()
    paddle.set_default_dtype("float64")
    yield
    paddle.set_default_dtype(previous)


def config(kind: str, weight_decay: float, nesterov: bool = False) -> dict:
    return {
        "epochs": 5,  # 20 steps; global warmup 2 epochs = 8 steps
        "lr": {
            "base": 0.05,
            "warmup": {"type": "exponential", "epochs": 2, "start_lr": 0.001},
            "decay": {"type": "cosine", "min_lr_ratio": 0.1},
        },
        "optimizer": {
            "type": kind,
            "momentum": 0.937,
            "nesterov": nesterov,
            "beta1": 0.9,
            "warmup_momentum": 0.8,
            "warmup_bias_lr": 0.1,
            "weight_decay": weight_decay,
            "parts": {
                "backbone": {"lr_mult": 0.1, "warmup_epochs": 3},
                "head": {"lr_mult": 2.0, "warmup_epochs": 1},
            },
            "custom": [{"pattern": r"neck\.0", "name": "neck_fc", "lr_mult": 0.5}],
        },
    }


class Reference:
    """float64 re-implementation of Paddle's update rules (as documented and measured for 3.3)."""

    def __init__(self, kind: str, nesterov: bool, w: np.ndarray, beta2: float = 0.999, eps: float = 1e-8):
        self.kind, self.nesterov, self.w = kind, nesterov, w.astype(np.float64)
        self.v = np.zeros_like(self.w)
        self.m = np.zeros_like(self.w)
        self.beta2, self.eps = beta2, eps
        self.pow1 = self.pow2 = None

    def step(self, g: np.ndarray, lr: float, momentum: float, wd: float) -> np.ndarray:
        w = self.w
        if self.kind == "sgd":
            self.w = w - lr * (g + wd * w)
        elif self.kind == "momentum":
            # Paddle's momentum kernel takes mu and the L2 coefficient as float32 attributes
            momentum, wd = float(np.float32(momentum)), float(np.float32(wd))
            grad = g + wd * w
            self.v = momentum * self.v + grad
            self.w = w - lr * (grad + momentum * self.v if self.nesterov else self.v)
        else:
            self._adam(g, lr, momentum, wd)
        return self.w

    def _adam(self, g: np.ndarray, lr: float, b1: float, wd: float) -> None:
        if self.pow1 is None:  # accumulators start at the betas of the first update
            self.pow1, self.pow2 = b1, self.beta2
        if self.kind == "adamw":
            self.w = self.w * (1 - lr * float(np.float32(wd)))  # decoupled; coeff is a float32 attribute
        else:
            g = g + wd * self.w  # coupled L2
        self.m = b1 * self.m + (1 - b1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * g * g
        lr_t = lr * np.sqrt(1 - self.pow2) / (1 - self.pow1)
        self.w = self.w - lr_t * self.m / (np.sqrt(self.v) + self.eps * np.sqrt(1 - self.pow2))
        self.pow1, self.pow2 = self.pow1 * b1, self.pow2 * self.beta2


def run_and_compare(make_config, kind: str, weight_decay: float, nesterov: bool = False) -> dict[str, float]:
    cfg = make_config(config(kind, weight_decay, nesterov))
    plan = resolve_plan(cfg, batches_per_epoch=STEPS_PER_EPOCH)
    paddle.seed(1)
    model = ToyRegressor()
    grouped = build_optimizer(model, cfg, plan)
    rng = np.random.default_rng(0)
    grads = {n: rng.normal(size=p.shape) for n, p in grouped.params.items()}
    group_of = {n: g for g, names in grouped.members.items() for n in names}
    refs = {n: Reference(kind, nesterov, p.numpy()) for n, p in grouped.params.items()}
    sched = grouped.schedule
    worst: dict[str, float] = {}
    for t in range(plan.total_steps):
        loss = sum((p * paddle.to_tensor(grads[n])).sum() for n, p in grouped.params.items())
        loss.backward()
        used = grouped.step()
        grouped.optimizer.clear_grad()
        momentum = sched.momentum_at(t) if sched.momentum is not None else 0.0
        for name, param in grouped.params.items():
            group = sched.group(group_of[name])
            lr = float(sched.lr(group.name, t))
            want = refs[name].step(grads[name], lr, float(momentum), group.weight_decay)
            got = param.numpy()
            assert got.dtype == np.float64
            err = float(np.max(np.abs(got - want) / (np.abs(want) + 1e-3)))
            worst[group.name] = max(worst.get(group.name, 0.0), err)
            assert err < 1e-9, f"{name} ({group.name}) at step {t}: {got} vs {want}"
            assert used[group.name] == pytest.approx(lr, rel=1e-12)
    return worst


@pytest.mark.parametrize("weight_decay", [0.0, 0.01], ids=["no-wd", "wd"])
@pytest.mark.parametrize(
    ("kind", "nesterov"),
    [("sgd", False), ("momentum", False), ("momentum", True), ("adam", False), ("adamw", False)],
    ids=["sgd", "momentum", "nesterov", "adam", "adamw"],
)
def test_applied_update_follows_the_plan(make_config, kind, nesterov, weight_decay):
    worst = run_and_compare(make_config, kind, weight_decay, nesterov)
    groups = {"backbone.weight", "backbone.norm", "backbone.bias", "neck_fc.weight", "neck_fc.bias"}
    groups |= {"norm", "bias", "head.weight", "head.bias"}
    assert set(worst) == groups, "every group was checked"


def test_comparison_catches_an_update_one_step_late(make_config, monkeypatch):
    """The check is sharp: group LRs and momentum taken from the next step are caught at once."""
    from ppwarm.optim.build import GroupedOptimizer

    late = property(lambda self: self.schedule.at(self.scheduler.last_epoch + 1))
    monkeypatch.setattr(GroupedOptimizer, "values", late)
    with pytest.raises(AssertionError, match="at step 0"):
        run_and_compare(make_config, "momentum", 0.0)


def test_gradient_clipping_uses_one_norm_over_all_groups(make_config):
    data = config("sgd", 0.0)
    data["optimizer"] = {"type": "sgd", "clip_grad_norm": 0.5, "weight_decay": 0.0}
    data["lr"] = {"base": 0.05, "warmup": {"type": "none"}, "decay": {"type": "constant"}}
    cfg = make_config(data)
    grouped = build_optimizer(ToyRegressor(), cfg, resolve_plan(cfg, batches_per_epoch=4))
    before = {n: p.numpy().copy() for n, p in grouped.params.items()}
    sum((p * 3.0).sum() for p in grouped.params.values()).backward()  # every gradient element is 3
    grouped.step()
    count = sum(p.size for p in grouped.params.values())
    assert count == 162 and len(grouped.members) == 3, "three groups of different sizes"
    assert grouped.last_grad_norm == pytest.approx(3.0 * np.sqrt(count), rel=1e-12)
    scale = 0.5 / (3.0 * np.sqrt(count))  # one global norm, not one per group
    for n, p in grouped.params.items():
        np.testing.assert_allclose(p.numpy() - before[n], -0.05 * 3.0 * scale, rtol=1e-4)
