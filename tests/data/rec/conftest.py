"""One small demo recognition dataset per test session, shared by the dataset and demo tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppwarm.data.rec.demo import DEMO_SETS, make_demo_rec

DEMO = {"num_train": 12, "num_val": 4, "seed": 5, **DEMO_SETS["digits"]}


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_rec(tmp_path_factory.mktemp("rec") / "digits", **DEMO)
