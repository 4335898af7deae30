"""The training engine: a small loop with hooks, AMP, accumulation, EMA, NaN guard, checkpoints, resume.

It sees a `Task` (engine/task.py) and built objects only; it imports nothing from ppwarm.tasks,
ppwarm.models or ppwarm.data. `ppwarm.runner` turns a config into a trainer.
"""
