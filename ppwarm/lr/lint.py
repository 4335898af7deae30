"""Advisory warnings about a resolved schedule, printed by the trainer and the plan tool alike.

Each rule is a small function returning a message or None; `lint_plan` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from ppwarm.lr.scaling import ADAM_FAMILY, MAX_WARMUP_FRACTION

if TYPE_CHECKING:
    from ppwarm.lr.plan import SchedulePlan

SHORT_RUN_STEPS = 2000
SHORT_RUN_MAX_WARMUP = 500
MAX_SCALE_FACTOR = 8.0


def warmup_fraction(plan: SchedulePlan) -> str | None:
    if plan.warmup_steps > MAX_WARMUP_FRACTION * plan.total_steps:
        share = plan.warmup_steps / plan.total_steps
        return (
            f"warmup is {plan.warmup_steps} of {plan.total_steps} steps ({share:.0%}), more than 10% of "
            "the run: the model spends a large share of its budget below the peak LR"
        )
    return None


def short_run_long_warmup(plan: SchedulePlan) -> str | None:
    if plan.total_steps < SHORT_RUN_STEPS and plan.warmup_steps > SHORT_RUN_MAX_WARMUP:
        return (
            f"a run of {plan.total_steps} steps (< {SHORT_RUN_STEPS}) with a {plan.warmup_steps}-step "
            f"warmup (> {SHORT_RUN_MAX_WARMUP}): consider lr.warmup.epochs: auto"
        )
    return None


def adam_zero_start(plan: SchedulePlan) -> str | None:
    if plan.optimizer_type in ADAM_FAMILY and plan.warmup_steps > 0 and plan.start_lr == 0:
        return (
            f"lr.warmup.start_lr = 0 with {plan.optimizer_type}: at LR 0 the first update is wasted and "
            "Adam's moment estimates start from a step that moved nothing; use 1e-6..1e-5"
        )
    return None


def scale_factor(plan: SchedulePlan) -> str | None:
    factor = plan.peak_lr / plan.base_lr
    if factor > MAX_SCALE_FACTOR or factor < 1 / MAX_SCALE_FACTOR:
        return (
            f"batch scaling changes the LR by a factor of {factor:.3g} (global batch {plan.global_batch}, "
            f"reference {plan.reference_batch}): beyond 1/8..8 the rule is less reliable; use a longer "
            "warmup and check the first epochs"
        )
    return None


def adam_short_warmup(plan: SchedulePlan) -> str | None:
    """Advisory: Adam's second-moment average needs about 2/(1-beta2) steps to settle.

    Source: Ma & Yarats 2021, "On the adequacy of untuned warmup for adaptive optimization".
    """
    if plan.optimizer_type not in ADAM_FAMILY:
        return None
    needed = 2.0 / (1.0 - plan.beta2)
    if plan.warmup_steps < needed:
        return (
            f"advisory: {plan.optimizer_type} warmup of {plan.warmup_steps} steps is shorter than "
            f"2/(1-beta2) = {needed:.0f} steps, the time Adam's second-moment estimate takes to settle"
        )
    return None


RULES: tuple[Callable[[SchedulePlan], str | None], ...] = (
    warmup_fraction,
    short_run_long_warmup,
    adam_zero_start,
    scale_factor,
    adam_short_warmup,
)


def lint_plan(plan: SchedulePlan, accepted: Collection[str] = ()) -> tuple[list[str], list[str]]:
    """(warnings, accepted) that apply to `plan`, each in a fixed order.

    A rule named in `accepted` (the config's `lr.accept_advisories`) lands in the second list, to be
    reported among the plan's reasons instead of as a warning.
    """
    found = [(rule.__name__, msg) for rule in RULES if (msg := rule(plan)) is not None]
    warnings = [msg for name, msg in found if name not in accepted]
    return warnings, [
        f"accepted by lr.accept_advisories ({name}): {msg}" for name, msg in found if name in accepted
    ]
