"""Parameter-group settings from the config: roles x parts, weight decay and layer-wise warmup.

A parameter has a ROLE (`weight`, `norm`, `bias`; see ppwarm.optim.roles) and at most one PART: a custom
regex entry (`optimizer.custom`, the longest match wins) or a configured model part
(`optimizer.parts`, by the model's declared name prefix). Its group is `<part>.<role>`, or `<role>`
outside every configured part. Nothing here imports Paddle: the plan tool lists the groups a config
would create without building a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ppwarm.config import Config
from ppwarm.config.sections.optimizer import OptimizerConfig
from ppwarm.errors import ConfigError
from ppwarm.lr import scaling
from ppwarm.lr.plan import SchedulePlan
from ppwarm.optim.composite import CompositeSchedule, GroupSpec

ROLES = ("weight", "norm", "bias")
ADAM_FAMILY = scaling.ADAM_FAMILY


@dataclass(frozen=True)
class PartRule:
    """Settings for one configured part or custom entry; `pattern` is None for a model part."""

    name: str
    key: str  # config path, for messages: optimizer.parts.backbone or optimizer.custom.0
    lr_mult: float
    weight_decay: float | None
    warmup_epochs: float | None
    pattern: re.Pattern[str] | None = None


def part_rules(opt: OptimizerConfig) -> list[PartRule]:
    """Configured parts, then custom entries, in config order. Raises ConfigError on a bad regex/name."""
    rules = [
        PartRule(name, f"optimizer.parts.{name}", p.lr_mult, p.weight_decay, p.warmup_epochs)
        for name, p in opt.parts.items()
    ]
    for index, entry in enumerate(opt.custom):
        key = f"optimizer.custom.{index}"
        try:
            pattern = re.compile(entry.pattern)
        except re.error as err:
            raise ConfigError(
                f"{key}.pattern = {entry.pattern!r}: not a valid regular expression ({err})"
            ) from None
        name = entry.name or f"custom{index}"
        rules.append(PartRule(name, key, entry.lr_mult, entry.weight_decay, entry.warmup_epochs, pattern))
    names = [r.name for r in rules]
    for name in names:
        if names.count(name) > 1 or name in ROLES:
            raise ConfigError(
                f"optimizer: group name {name!r} is used twice or clashes with a role; "
                "give each custom entry its own name"
            )
    return rules


def group_name(part: str | None, role: str) -> str:
    return role if part is None else f"{part}.{role}"


def weight_decay_scale(opt: OptimizerConfig, global_batch: int) -> tuple[float, str]:
    """Factor global_batch / nominal_batch on every weight decay (when enabled), and why."""
    nominal = opt.nominal_batch
    if nominal is None or not opt.scale_weight_decay:
        return 1.0, f"weight decay {opt.weight_decay:g} (not scaled: no nominal_batch or scaling off)"
    factor = global_batch / nominal
    return factor, (
        f"weight decay {opt.weight_decay * factor:.6g} = {opt.weight_decay:g} x "
        f"global batch {global_batch} / nominal_batch {nominal}"
    )


def _role_decay(opt: OptimizerConfig, role: str, rule: PartRule | None) -> float:
    if (role == "bias" and not opt.bias_decay) or (role == "norm" and not opt.norm_decay):
        return 0.0
    if rule is not None and rule.weight_decay is not None:
        return rule.weight_decay
    return opt.weight_decay


def _own_warmup(rule: PartRule | None, plan: SchedulePlan) -> int | None:
    if rule is None or rule.warmup_epochs is None:
        return None
    steps = scaling.epochs_to_steps(rule.warmup_epochs, plan.steps_per_epoch)
    if steps + plan.plateau_steps >= plan.total_steps:
        raise ConfigError(
            f"{rule.key}.warmup_epochs = {rule.warmup_epochs:g}: the part's warmup ({steps} steps) "
            f"is longer than the run allows ({plan.total_steps} steps, {plan.plateau_steps} plateau)"
        )
    return steps


def group_specs(
    cfg: Config, plan: SchedulePlan, present: Iterable[tuple[str | None, str]] | None = None
) -> tuple[GroupSpec, ...]:
    """The groups for the (part, role) pairs in `present`; all that the config can create when None."""
    opt = cfg.optimizer
    rules = {rule.name: rule for rule in part_rules(opt)}
    if present is None:
        present = [(part, role) for part in (None, *rules) for role in ROLES]
    factor, _ = weight_decay_scale(opt, plan.global_batch)
    specs = []
    for part, role in present:
        rule = rules.get(part) if part is not None else None
        specs.append(
            GroupSpec(
                name=group_name(part, role),
                role=role,
                lr_mult=rule.lr_mult if rule else 1.0,
                weight_decay=_role_decay(opt, role, rule) * factor,
                warmup_steps=_own_warmup(rule, plan),
            )
        )
    return tuple(specs)


def composite_schedule(
    cfg: Config, plan: SchedulePlan, present: Iterable[tuple[str | None, str]] | None = None
) -> CompositeSchedule:
    """The run's composite schedule: per-group LRs and momentum (beta1 for the Adam family)."""
    opt = cfg.optimizer
    momentum = None if opt.type == "sgd" else (opt.beta1 if opt.type in ADAM_FAMILY else opt.momentum)
    return CompositeSchedule(
        plan, group_specs(cfg, plan, present), momentum, opt.warmup_momentum, opt.warmup_bias_lr
    )


def check_declared(rules: list[PartRule], declared: dict[str, str]) -> None:
    """Every configured model part must be one the model declares."""
    for rule in rules:
        if rule.pattern is None and rule.name not in declared:
            have = ", ".join(declared) or "none"
            raise ConfigError(f"{rule.key}: the model declares no part {rule.name!r} (it declares: {have})")


def assign_part(name: str, rules: list[PartRule], declared: dict[str, str]) -> str | None:
    """The part of parameter `name`: the custom rule with the longest match, else the configured model
    part whose prefix it starts with (the longest prefix), else None. Ties go to the rule listed first."""
    best, best_len = None, -1
    for rule in rules:
        if rule.pattern is None:
            continue
        found = rule.pattern.search(name)
        if found and found.end() - found.start() > best_len:
            best, best_len = rule.name, found.end() - found.start()
    if best is not None:
        return best
    prefixes = [(declared[r.name], r.name) for r in rules if r.pattern is None and r.name in declared]
    matching = [(len(prefix), part) for prefix, part in prefixes if name.startswith(prefix)]
    return max(matching, key=lambda m: m[0])[1] if matching else None
