"""Draw a plan with matplotlib: the LR curve, the warmup shaded, milestones and plateau marked."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ppwarm.lr.plan import SchedulePlan


class GroupCurves(Protocol):
    """Per-group LRs and momentum as functions of the step (ppwarm.optim.composite.CompositeSchedule)."""

    def lrs(self, t: np.ndarray) -> dict[str, np.ndarray]: ...

    def momentum_at(self, t: np.ndarray) -> np.ndarray: ...


MAX_POINTS = 20000


def sample_steps(plan: SchedulePlan) -> np.ndarray:
    """At most about MAX_POINTS steps, always including every step where the curve can change slope."""
    total = plan.total_steps
    grid = np.linspace(0, total - 1, min(total, MAX_POINTS)).astype(np.int64)
    edges = [plan.warmup_steps - 1, plan.warmup_steps, total - plan.plateau_steps, total - 1]
    edges += [m - 1 for m in plan.milestone_steps] + list(plan.milestone_steps)
    edges = [e for e in edges if 0 <= e < total]
    return np.unique(np.concatenate([grid, np.asarray(edges, dtype=np.int64)]))


def distinct_curves(curves: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Merge groups whose curves are identical into one entry labelled with all their names."""
    merged: dict[str, np.ndarray] = {}
    for name, values in curves.items():
        same = next((label for label, other in merged.items() if np.array_equal(other, values)), None)
        if same is None:
            merged[name] = values
        else:
            merged[f"{same}, {name}"] = merged.pop(same)
    return merged


def _draw_groups(ax, steps: np.ndarray, groups: GroupCurves) -> None:
    for label, values in distinct_curves(groups.lrs(steps)).items():
        ax.plot(steps, values, linewidth=1.2, label=f"lr {label}")
    momentum = groups.momentum_at(steps)
    if np.any(momentum > 0):
        twin = ax.twinx()
        twin.plot(steps, momentum, color="black", linestyle=":", linewidth=1.2, label="momentum")
        twin.set_ylabel("momentum / beta1")
        twin.legend(loc="lower right")


def plot_plan(
    plan: SchedulePlan, path: str | Path, title: str = "", groups: GroupCurves | None = None
) -> Path:
    """Save the plan's LR curve (and, with `groups`, every group's LR and the momentum) as an image."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = sample_steps(plan)
    fig, ax = plt.subplots(figsize=(10, 5))
    if groups is None:
        ax.plot(steps, plan.lr(steps), color="tab:blue", label="lr")
    else:
        _draw_groups(ax, steps, groups)
    if plan.warmup_steps > 0:
        ax.axvspan(0, plan.warmup_steps, color="tab:orange", alpha=0.15, label=f"warmup ({plan.warmup_type})")
    if plan.plateau_steps > 0:
        ax.axvspan(
            plan.total_steps - plan.plateau_steps, plan.total_steps, color="grey", alpha=0.15, label="plateau"
        )
    for i, m in enumerate(plan.milestone_steps):
        ax.axvline(m, color="tab:red", linestyle="--", linewidth=1, label="milestone" if i == 0 else None)
    ax.set_xlabel(f"optimizer step ({plan.steps_per_epoch} per epoch)")
    ax.set_ylabel("learning rate")
    ax.set_title(title or f"{plan.warmup_type} warmup + {plan.decay_type} decay, peak {plan.peak_lr:.4g}")
    ax.legend(loc="center right", fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
