"""`TASKS` maps the config's `task` to the function that builds it."""

from __future__ import annotations

from collections.abc import Callable

from ppwarm.config import Config
from ppwarm.engine.task import Task
from ppwarm.tasks.det import build_det_task
from ppwarm.tasks.rec import build_rec_task
from ppwarm.tasks.toy import build_toy_task

TASKS: dict[str, Callable[[Config], Task]] = {
    "toy": build_toy_task,
    "det": build_det_task,
    "rec": build_rec_task,
}


def build_task(cfg: Config) -> Task:
    """The task named by `cfg.task` (the schema guarantees the name is known)."""
    return TASKS[cfg.task](cfg)
