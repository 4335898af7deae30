"""The Dockerfile keeps the image's Paddle and installs ppwarm as the README says.

The image cannot be built here (no Docker engine on CPU-only CI); these checks keep the file honest.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = (REPO / "docker" / "Dockerfile").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_base_is_an_official_paddle_gpu_image():
    (image,) = re.findall(r"^ARG PADDLE_IMAGE=(\S+)$", DOCKERFILE, flags=re.M)
    assert image.startswith("paddlepaddle/paddle:") and "-gpu-" in image
    assert "FROM ${PADDLE_IMAGE}" in DOCKERFILE
    assert image in README, "the README names the base image"


def test_install_line_matches_the_readme_and_keeps_the_gpu_paddle():
    (install,) = re.findall(r"^RUN (.*pip install.*)$", DOCKERFILE, flags=re.M)
    assert "[cpu" not in install and "paddlepaddle" not in install, (
        "never install the CPU build over the image's"
    )
    assert install in README
    for command in ("docker build -t ppwarm -f docker/Dockerfile .", "docker run --gpus all"):
        assert command in README
