"""Every shipped config passes its own lint: its plan, resolved as tools/plan.py does, warns of nothing.

Demo-set configs count the batches of the demo set they generate (in a temporary folder here); the
COCO presets count train2017, 117,266 images with boxes (configs/ppyolo_r50_coco.yml), as the data is not
on this machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.config import Config, load_config
from ppwarm.data.counts import batches_per_epoch
from ppwarm.lr.plan import resolve_plan
from ppwarm.memory.auto_batch import resolve_batch_size
from ppwarm.tasks.sizes import count_batches

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted((REPO / "configs").glob("*.yml"))
COCO_TRAIN2017_IMAGES = 117_266
DEVICES = {"ppyolo_r50_coco.yml": (1, 8)}  # the 8-GPU reference recipe, also on one device


def _demo_root(cfg: Config) -> tuple[str, str] | None:
    """(key, demo name) of the data root to move when `cfg` trains on a generated demo set."""
    if cfg.task == "det" and cfg.det.data.demo:
        return "det.data.root", "demo_coco"
    if cfg.task == "rec" and cfg.rec.data.demo != "none":
        return "rec.data.root", f"demo_rec_{cfg.rec.data.demo}"
    return None


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo_sets")


@pytest.mark.parametrize(
    ("path", "devices"),
    [(p, d) for p in CONFIGS for d in DEVICES.get(p.name, (1,))],
    ids=lambda v: v.name if isinstance(v, Path) else f"{v}dev",
)
def test_shipped_config_plan_has_no_warnings(path, devices, demo_dir):
    cfg = load_config(path)
    demo = _demo_root(cfg)
    overrides = [f"{demo[0]}={demo_dir / demo[1]}"] if demo else []
    cfg, _ = resolve_batch_size(load_config(path, overrides), str(path), overrides, devices=devices)
    if cfg.task == "det" and not demo:
        batches = batches_per_epoch(COCO_TRAIN2017_IMAGES, cfg.batch_size, devices, cfg.data.drop_last)
    else:
        batches = count_batches(cfg, devices)
    plan = resolve_plan(cfg, devices=devices, batches_per_epoch=batches)
    assert plan.warnings == (), f"{path.name} at {batches} batches per epoch"
