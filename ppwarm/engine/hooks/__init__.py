"""Trainer hooks, one file each: the call points (base), metrics and console, NaN guard, evaluation,
checkpoints, and the epoch hooks a task may add (dataset epoch, freezing a model part)."""

from ppwarm.engine.hooks.base import Hook, StepResult
from ppwarm.engine.hooks.checkpoint import CheckpointHook
from ppwarm.engine.hooks.epoch import DatasetEpochHook, FreezePartHook
from ppwarm.engine.hooks.evaluation import EvalHook
from ppwarm.engine.hooks.metrics import MetricsHook
from ppwarm.engine.hooks.nan_guard import NanGuardHook

__all__ = [
    "CheckpointHook",
    "DatasetEpochHook",
    "EvalHook",
    "FreezePartHook",
    "Hook",
    "MetricsHook",
    "NanGuardHook",
    "StepResult",
]
