"""The README's commands are the ones CI runs, and its config examples are valid configs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ppwarm.config import load_config

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_installs_and_tests_exactly_as_the_readme_says():
    install, test = code_blocks("bash")[:2]
    assert install.strip() == 'pip install -e ".[cpu,test]"'
    assert test.strip() == "pytest -q"
    ci_lines = [line.strip() for line in CI.splitlines()]
    assert install.strip() in ci_lines and test.strip() in ci_lines


@pytest.mark.parametrize("block", code_blocks("yaml"), ids=lambda b: b.splitlines()[0][:30])
def test_yaml_examples_are_valid_configs(block, tmp_path):
    path = tmp_path / "example.yml"
    path.write_text(block, encoding="utf-8")
    cfg = load_config(path)
    assert cfg.lr.base == 0.01


def test_readme_states_the_python_floor_of_setup_py_and_ruff():
    """README's "Python >= X.Y", setup.py's python_requires and ruff's target-version are one version."""
    stated = set(re.findall(r"Python >= (\d+\.\d+)", README))
    setup = re.findall(r'python_requires=">=(\d+\.\d+)"', (REPO / "setup.py").read_text(encoding="utf-8"))
    target = re.findall(
        r'^target-version = "py3(\d+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M
    )
    assert len(setup) == 1 and len(target) == 1
    assert stated == {setup[0]}, f"README says Python >= {sorted(stated)}, setup.py >= {setup[0]}"
    assert f"3.{target[0]}" == setup[0], "ruff's target-version is the floor, so it flags newer syntax"
