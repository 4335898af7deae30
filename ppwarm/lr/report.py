"""The plan as text: the numbers, the reasons behind them, sample values and the warnings."""

from __future__ import annotations

from ppwarm.lr import curves
from ppwarm.lr.plan import SchedulePlan


def key_steps(plan: SchedulePlan) -> list[tuple[int, str]]:
    """Steps worth showing with a label: start, warmup end, milestones, decay end, last step."""
    w, t, p = plan.warmup_steps, plan.total_steps, plan.plateau_steps
    marks = [(0, "first step")]
    if w > 0:
        marks += [(w - 1, "last warmup step"), (w, "first step after warmup (peak)")]
    marks += [(m, "milestone") for m in plan.milestone_steps]
    marks.append(((w + t - p) // 2, "middle of the decay"))
    if p > 0:
        marks.append((t - p, "plateau starts"))
    marks.append((t - 1, "last step"))
    return sorted(set(marks))


def format_plan(plan: SchedulePlan, source: str = "") -> str:
    """Multi-line text of the plan; the trainer and the plan tool print the same text."""
    curve = plan.curve()
    head = f"LR plan{' for ' + source if source else ''}"
    lines = [
        head,
        f"  optimizer {plan.optimizer_type}, global batch {plan.global_batch}, peak LR {plan.peak_lr:.6g}",
        f"  {plan.total_steps} steps ({plan.steps_per_epoch}/epoch), warmup {plan.warmup_type} "
        f"{plan.warmup_steps} steps from {plan.start_lr:g}, decay {plan.decay_type} {plan.decay_steps} "
        f"steps, plateau {plan.plateau_steps} steps",
        "why:",
        *(f"  - {r}" for r in plan.reasons),
        "values:",
        *(
            f"  step {s:>9d}  epoch {s // plan.steps_per_epoch:>5d}  "
            f"lr {curves.value_at(curve, s):.6e}  {label}"
            for s, label in key_steps(plan)
        ),
    ]
    if plan.warnings:
        lines += ["warnings:", *(f"  ! {w}" for w in plan.warnings)]
    return "\n".join(lines)
