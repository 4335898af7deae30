"""One small demo COCO dataset per test session, shared by the loader and dataset tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.data.det.demo import make_demo_coco

DEMO = {"num_train": 16, "num_val": 6, "image_size": 128, "num_classes": 3, "seed": 7}


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_coco(tmp_path_factory.mktemp("det") / "demo", **DEMO)
