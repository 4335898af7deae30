"""Build a Paddle optimizer whose parameter groups follow the composite schedule.

The arrangement: the optimizer's scheduler is a `GroupedLR` around the plan's own scheduler
(`build_scheduler(plan)`, the one a plain Paddle loop uses). Each time it moves to step t it asks
`CompositeSchedule.at(t)` once for the step's values; its LR, the one Paddle applies, is the LARGEST group
LR, and before the update each parameter's LR multiplier is set to ``group_lr(t) / largest(t)`` (<= 1).
A multiplier could not lift a group above a global LR of 0, which is why the global LR is the largest
group's. The momentum (beta1) of the step is written into every group at the same time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import paddle

from ppwarm.config import Config
from ppwarm.config.sections.optimizer import OptimizerConfig
from ppwarm.lr.build import build_scheduler
from ppwarm.lr.plan import SchedulePlan
from ppwarm.lr.schedulers import GroupedLR
from ppwarm.optim import paddle_compat
from ppwarm.optim.clip import clip_grad_norm_
from ppwarm.optim.composite import CompositeSchedule, StepValues
from ppwarm.optim.groups import assign_part, check_declared, composite_schedule, group_name, part_rules
from ppwarm.optim.roles import declared_parts, parameter_roles


@dataclass
class GroupedOptimizer:
    """A Paddle optimizer, its scheduler, the composite schedule and the parameters of each group.

    Per optimizer update call `step()` (it sets the group LRs and momentum of the current step, runs
    `optimizer.step()` and then steps the scheduler), then `optimizer.clear_grad()`.
    """

    optimizer: paddle.optimizer.Optimizer
    scheduler: GroupedLR
    schedule: CompositeSchedule
    members: dict[str, list[str]]  # group name -> structured parameter names
    params: dict[str, paddle.Tensor]  # structured name -> parameter
    clip_grad_norm: float = 0.0  # 0: measure the norm, do not clip
    last_grad_norm: float = float("nan")  # global gradient norm of the last update, before clipping
    last_applied: bool = False  # whether the last step() changed the weights
    _scales: dict[str, float] = field(default_factory=dict)  # multiplier last written, per group

    @property
    def step_index(self) -> int:
        """The step the next update will be: the scheduler's position."""
        return self.scheduler.last_epoch

    @property
    def values(self) -> StepValues:
        """Group LRs, momentum and largest LR of the coming update (the scheduler evaluated them once)."""
        return self.scheduler.values

    def before_update(self) -> StepValues:
        """Write the coming update's LR multipliers and momentum into the optimizer; return its values.

        A group's parameters are written only when its multiplier changed since the last write.
        """
        values = self.values
        for name, param_names in self.members.items():
            scale = values.lrs[name] / values.largest if values.largest > 0 else 1.0
            if self._scales.get(name) != scale:
                for param_name in param_names:
                    paddle_compat.set_lr_scale(self.params[param_name], scale)
                self._scales[name] = scale
        if self.schedule.momentum is not None:
            paddle_compat.set_momentum(self.optimizer, values.momentum)
        return values

    def step(self, scaler: paddle.amp.GradScaler | None = None, skip: bool = False) -> dict[str, float]:
        """One optimizer update at the planned group LRs and momentum; returns the group LRs it used.

        Order: unscale (with a scaler), measure the global gradient norm and clip (`last_grad_norm`), set
        group LRs and momentum, update, step the scheduler (which evaluates the next step's values). A
        non-finite gradient norm skips the update (`last_applied` False), and so does `skip` (the caller
        saw a non-finite loss); the scheduler still advances, so the plan stays aligned with the data.
        """
        if scaler is not None:
            scaler.unscale_(self.optimizer)
        self.last_grad_norm = clip_grad_norm_(self.params.values(), self.clip_grad_norm)
        values = self.before_update()
        self.last_applied = not skip and math.isfinite(self.last_grad_norm)
        if scaler is not None and not skip:
            scaler.step(self.optimizer)  # skips by itself when it found inf/nan
            scaler.update()
        elif scaler is None and self.last_applied:
            self.optimizer.step()
        self.scheduler.step()
        return values.lrs

    @property
    def main_group(self) -> str:
        """The group holding the most parameter elements: the LR the console shows."""
        return max(self.members, key=lambda g: sum(self.params[n].size for n in self.members[g]))

    def seek(self, step: int) -> None:
        """Put the scheduler at `step`: the next update is update number `step` of the plan."""
        self.scheduler.seek(step)

    def replace_schedule(self, schedule: CompositeSchedule) -> None:
        """Follow `schedule` from the next update on (an extended warmup, the NaN guard's re-warm)."""
        base = self.scheduler.base if schedule.plan == self.schedule.plan else build_scheduler(schedule.plan)
        self.schedule = schedule
        self.scheduler.follow(base, schedule.at)


def _paddle_optimizer(opt: OptimizerConfig, scheduler: GroupedLR, groups: list[dict]):
    """The configured Paddle optimizer; no `grad_clip` (see ppwarm.optim.clip)."""
    kind = opt.type
    if kind == "sgd":
        return paddle.optimizer.SGD(learning_rate=scheduler, parameters=groups)
    if kind == "momentum":
        return paddle.optimizer.Momentum(
            learning_rate=scheduler, momentum=opt.momentum, parameters=groups, use_nesterov=opt.nesterov
        )
    adam = paddle.optimizer.AdamW if kind == "adamw" else paddle.optimizer.Adam
    return adam(
        learning_rate=scheduler,
        beta1=opt.beta1,
        beta2=opt.beta2,
        epsilon=opt.epsilon,
        parameters=groups,
    )


def build_optimizer(model: paddle.nn.Layer, cfg: Config, plan: SchedulePlan) -> GroupedOptimizer:
    """Group `model`'s trainable parameters by part and role and build the configured optimizer.

    Raises ConfigError when the config names a model part the model does not declare.
    """
    opt = cfg.optimizer
    rules, declared = part_rules(opt), declared_parts(model)
    check_declared(rules, declared)
    members: dict[str, list[str]] = {}
    present: dict[str, tuple[str | None, str]] = {}
    roles = parameter_roles(model)
    for name, (role, _) in roles.items():
        part = assign_part(name, rules, declared)
        group = group_name(part, role)
        members.setdefault(group, []).append(name)
        present[group] = (part, role)
    schedule = composite_schedule(cfg, plan, present.values())
    scheduler = GroupedLR(build_scheduler(plan), schedule.at)
    params = {name: param for name, (_, param) in roles.items()}
    groups = [
        {"params": [params[n] for n in members[spec.name]], "weight_decay": float(spec.weight_decay)}
        for spec in schedule.groups
    ]
    optimizer = _paddle_optimizer(opt, scheduler, groups)
    return GroupedOptimizer(optimizer, scheduler, schedule, members, params, opt.clip_grad_norm)
