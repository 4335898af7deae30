"""Set up and run one training job from a validated config: the code behind `tools/train.py`.

Order: processes and logging, seeds, task (model + data), sampler and loader, plan for the real global
batch, resume point, optimizer with parameter groups, AMP, EMA, restored state, resolved config written,
hooks, train.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import paddle

from ppwarm.config import Config, write_resolved_config
from ppwarm.data.sampler import EpochBatchSampler
from ppwarm.engine import distributed
from ppwarm.engine.amp import build_amp
from ppwarm.engine.checkpoint import CheckpointManager, load_checkpoint
from ppwarm.engine.ema import ModelEMA
from ppwarm.engine.events import JsonlWriter, VisualDLWriter
from ppwarm.engine.hooks.base import Hook
from ppwarm.engine.hooks.checkpoint import CheckpointHook
from ppwarm.engine.hooks.epoch import DatasetEpochHook
from ppwarm.engine.hooks.evaluation import EvalHook
from ppwarm.engine.hooks.metrics import MetricsHook
from ppwarm.engine.hooks.nan_guard import NanGuardHook
from ppwarm.engine.oom import OutOfMemory, oom_advice
from ppwarm.engine.resume import check_scheduler_position, resume_point
from ppwarm.engine.rng import restore_rng, seed_everything
from ppwarm.engine.state import TrainState
from ppwarm.engine.task import Task
from ppwarm.engine.trainer import Trainer
from ppwarm.errors import ConfigError
from ppwarm.lr.plan import SchedulePlan, extend_warmup, resolve_plan
from ppwarm.lr.report import format_plan
from ppwarm.optim.build import GroupedOptimizer, build_optimizer
from ppwarm.optim.groups import weight_decay_scale
from ppwarm.optim.paddle_compat import load_portable_optimizer_state
from ppwarm.optim.report import format_groups
from ppwarm.tasks.build import build_task
from ppwarm.weights.pretrained import load_pretrained

log = logging.getLogger("ppwarm")


class TrainingStopped(RuntimeError):
    """The run ended early for a reason the user must see (e.g. divergence); a checkpoint was written."""


class OutOfMemoryStopped(TrainingStopped):
    """The run ran out of memory; the last good state was saved and the message says what to change."""


def setup_logging(output_dir: Path, world: distributed.World) -> None:
    """Rank 0 logs INFO to stdout and `<output_dir>/train.log`; other ranks only warnings."""
    logger = logging.getLogger("ppwarm")
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO if world.is_main else logging.WARNING)
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(console)
    if world.is_main:
        output_dir.mkdir(parents=True, exist_ok=True)
        file = logging.FileHandler(output_dir / "train.log", encoding="utf-8")
        file.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(file)


def load_resume(resume: str, output_dir: Path) -> tuple[Path, dict[str, Any]]:
    """(path, state) of `-r PATH`, or for `-r auto` the newest loadable one in `<output_dir>/checkpoints`."""
    if resume != "auto":
        path = Path(resume)
        if not path.is_file():
            raise ConfigError(f"-r {resume}: no such checkpoint file")
        return path, load_checkpoint(path)
    found = CheckpointManager(output_dir / "checkpoints").load_latest()
    if found is None:
        raise ConfigError(f"-r auto: no checkpoint under {output_dir / 'checkpoints'}")
    log.info("resume: %s", found[0])
    return found


def _restore(
    path: Path,
    ckpt: dict[str, Any],
    model: paddle.nn.Layer,
    grouped: GroupedOptimizer,
    amp: Any,
    ema: ModelEMA | None,
    state: TrainState,
    batch_changed: bool,
) -> None:
    model.set_state_dict(ckpt["model"])
    if ema is not None and ckpt.get("ema") is not None:
        ema.set_state_dict(ckpt["ema"])
    load_portable_optimizer_state(grouped.optimizer, ckpt["optimizer"], grouped.params)
    amp.set_state_dict(ckpt["scaler"])
    if batch_changed:
        grouped.seek(state.step)  # the step mapped by samples seen
    else:
        check_scheduler_position(path, state.step, grouped.step_index)
        restore_rng(ckpt["rng"])


def _hooks(cfg: Config, task: Task, world: distributed.World, evaluate: bool) -> list[Hook]:
    """Dataset epoch, task hooks, metrics (a step's scalars first), NaN guard, evaluation, checkpoints."""
    out_dir = Path(cfg.output_dir)
    hooks: list[Hook] = list(task.hooks)
    if world.is_main:
        hooks.append(MetricsHook(cfg.log_interval))
    if hasattr(task.train_set, "set_epoch"):
        hooks.insert(0, DatasetEpochHook(task.train_set))
    if cfg.nan_guard.enable:
        hooks.append(NanGuardHook(cfg.nan_guard))
    eval_hook = EvalHook(task, cfg.eval_interval) if evaluate and world.is_main else None
    if eval_hook is not None:
        hooks.append(eval_hook)
    if world.is_main:
        hooks.append(CheckpointHook(out_dir / "checkpoints", cfg, eval_hook))
    return hooks


def _announce(cfg: Config, plan: SchedulePlan, grouped: GroupedOptimizer, source: str) -> None:
    """Log the plan (as tools/plan.py prints it), each of its warnings once at warning level, the groups."""
    log.info(format_plan(replace(plan, warnings=()), source))  # the plan text would list them a second time
    for warning in plan.warnings:
        log.warning("warning: %s", warning)
    log.info(format_groups(grouped.schedule, weight_decay_scale(cfg.optimizer, plan.global_batch)[1]))
    derived = plan.derived()
    derived["groups"] = {g: list(names) for g, names in grouped.members.items()}
    write_resolved_config(cfg, cfg.output_dir, derived)


def run_training(
    cfg: Config,
    *,
    resume: str | None = None,
    evaluate: bool = False,
    task: Task | None = None,
    source: str = "",
) -> TrainState:
    """Train as `cfg` says; returns the final train state. Raises TrainingStopped when the run diverged."""
    world = distributed.init_world()
    out_dir = Path(cfg.output_dir)
    setup_logging(out_dir, world)
    seed_everything(cfg.seed, cfg.deterministic)
    task = task or build_task(cfg)
    if cfg.pretrained and not resume:
        load_pretrained(task.model, cfg.pretrained)
    model = distributed.convert_sync_bn(task.model, world, cfg.sync_bn)
    sampler = EpochBatchSampler(
        len(task.train_set),
        cfg.batch_size,
        drop_last=cfg.data.drop_last,
        seed=cfg.seed,
        rank=world.rank,
        world_size=world.size,
    )
    loader = paddle.io.DataLoader(task.train_set, batch_sampler=sampler, num_workers=cfg.data.num_workers)
    plan = resolve_plan(cfg, devices=world.size, batches_per_epoch=len(sampler))
    ckpt_path, ckpt = load_resume(resume, out_dir) if resume else (None, None)
    point = resume_point(ckpt, plan, len(sampler)) if ckpt else None
    state = point.state if point else TrainState()
    if state.warmup_extension:
        plan = extend_warmup(plan, state.warmup_extension)
    grouped = build_optimizer(model, cfg, plan)
    amp, model = build_amp(cfg, model, grouped.optimizer)
    ema = ModelEMA(model, cfg.ema.decay) if cfg.ema.enable else None
    if ckpt:
        _restore(ckpt_path, ckpt, model, grouped, amp, ema, state, point.batch_changed)
        log.info(
            point.notice
            or f"resume: continuing at step {state.step} (epoch {state.epoch}, "
            f"batch {state.batch_in_epoch}), exactly as the interrupted run"
        )
    if world.is_main:
        _announce(cfg, plan, grouped, source)
    trainer = Trainer(
        model=distributed.wrap_model(model, world),
        inner_model=model,
        grouped=grouped,
        loader=loader,
        sampler=sampler,
        plan=plan,
        amp=amp,
        state=state,
        hooks=_hooks(cfg, task, world, evaluate),
        world_size=world.size,
        ema=ema,
        rewarm_steps=cfg.nan_guard.rewarm_steps,
        writers=[JsonlWriter(out_dir / "metrics.jsonl"), VisualDLWriter(out_dir / "vdl")]
        if world.is_main
        else [],
    )
    try:
        trainer.train()
    except OutOfMemory as err:
        for hook in trainer.hooks:
            if isinstance(hook, CheckpointHook):
                hook.save(trainer)
        raise OutOfMemoryStopped(f"{err}\n{oom_advice(cfg, plan, source or 'CONFIG')}") from err
    if trainer.stop_reason is not None:
        raise TrainingStopped(trainer.stop_reason)
    return trainer.state
