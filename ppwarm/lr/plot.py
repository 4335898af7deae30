"""Draw a plan with matplotlib: the LR curve, the warmup shaded, milestones and plateau marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ppwarm.lr.plan import SchedulePlan

MAX_POINTS = 20000


def sample_steps(plan: SchedulePlan) -> np.ndarray:
    """At most about MAX_POINTS steps, always including every step where the curve can change slope."""
    total = plan.total_steps
    grid = np.linspace(0, total - 1, min(total, MAX_POINTS)).astype(np.int64)
    edges = [plan.warmup_steps - 1, plan.warmup_steps, total - plan.plateau_steps, total - 1]
    edges += [m - 1 for m in plan.milestone_steps] + list(plan.milestone_steps)
    edges = [e for e in edges if 0 <= e < total]
    return np.unique(np.concatenate([grid, np.asarray(edges, dtype=np.int64)]))


def plot_plan(plan: SchedulePlan, path: str | Path, title: str = "") -> Path:
    """Save the plan's LR curve as an image (format from the file name, e.g. .png)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = sample_steps(plan)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(steps, plan.lr(steps), color="tab:blue", label="lr")
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
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
