"""`python tools/train.py -c configs/toy.yml` as one plain loop: every call of a run on one page.

    python examples/plain_loop.py -c configs/toy.yml [-o key=value ...]

Config, seeds, task (model + data), the resumable sampler and a DataLoader, the plan for the real global
batch, the parameter groups with their schedule; then per optimizer update: forward and backward over the
accumulation window, one grouped step (clip, this step's group LRs and momentum, update, scheduler step),
clear gradients. With one process and no EMA, the losses and LRs are those of the trainer, step for step.
Not here: EMA, evaluation, checkpoints and resume, the NaN guard's rollbacks (a non-finite loss still
skips its update), AMP, several processes, task hooks, the dashboard.
"""

from __future__ import annotations

import argparse

import paddle

from ppwarm.config import Config, add_config_args, load_config
from ppwarm.data.sampler import EpochBatchSampler
from ppwarm.engine.rng import seed_everything
from ppwarm.lr.plan import resolve_plan
from ppwarm.optim.build import build_optimizer
from ppwarm.tasks.build import build_task


def main(cfg: Config) -> list[dict[str, float]]:
    """Train as `cfg` says; one record per update: `step`, `loss`, `momentum` and `lr/<group>`."""
    seed_everything(cfg.seed, cfg.deterministic)
    task = build_task(cfg)
    sampler = EpochBatchSampler(
        len(task.train_set), cfg.batch_size, drop_last=cfg.data.drop_last, seed=cfg.seed
    )
    loader = paddle.io.DataLoader(task.train_set, batch_sampler=sampler, num_workers=cfg.data.num_workers)
    plan = resolve_plan(cfg, devices=1, batches_per_epoch=len(sampler))
    grouped = build_optimizer(task.model, cfg, plan)  # its scheduler wraps build_scheduler(plan)
    records: list[dict[str, float]] = []
    epoch = 0
    while len(records) < plan.total_steps:
        sampler.set_epoch(epoch)  # the epoch's order depends on (seed, epoch) only
        window = []
        for index, batch in enumerate(loader, start=1):
            window.append(batch)
            if len(window) < plan.accumulate and index < len(sampler):
                continue  # the last window of an epoch may be short
            values = grouped.values  # this update's group LRs and momentum: CompositeSchedule.at(step)
            loss, finite = 0.0, True
            for micro in window:
                total = task.model(micro)["total"]
                finite = finite and bool(paddle.isfinite(total).all())
                (total / len(window)).backward()
                loss += float(total)
            loss /= len(window)  # the mean over the window, summed in float64 as the trainer does
            grouped.step(skip=not finite)  # clip, multipliers + momentum, optimizer.step(), scheduler.step()
            grouped.optimizer.clear_grad()
            lrs = {f"lr/{group}": lr for group, lr in values.lrs.items()}
            records.append({"step": len(records), "loss": loss, "momentum": values.momentum, **lrs})
            if len(records) % cfg.log_interval == 0:
                lr = values.lrs[grouped.main_group]
                print(f"step {len(records)}/{plan.total_steps}  lr {lr:.4e}  loss {loss:.4f}")
            window = []
            if len(records) == plan.total_steps:
                break
        epoch += 1
    return records


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_config_args(parser)
    args = parser.parse_args()
    main(load_config(args.config, args.opt))
