"""Install ppwarm.

The plain install does not pull a Paddle build: Paddle's official GPU docker images already ship
`paddlepaddle-gpu`, and installing the CPU wheel beside it would break that image. Machines without
Paddle use the `cpu` extra, which installs the CPU build.
"""

from setuptools import find_packages, setup

setup(
    name="ppwarm",
    version="0.1.0",
    description="PaddlePaddle training toolkit: warmup and batch-scaled LR schedules done right.",
    packages=find_packages(include=["ppwarm", "ppwarm.*"]),
    python_requires=">=3.10",
    install_requires=[
        "numpy>=1.23",
        "pyyaml>=6.0",
        # headless: the GUI build needs libGL, which servers and slim docker images lack.
        "opencv-python-headless>=4.6",
        "visualdl>=2.5",
        "matplotlib>=3.5",
        "pycocotools>=2.0.6",  # COCO mAP for detection
        "tqdm>=4.60",  # evaluation progress bars
        "rapidfuzz>=3.0",  # edit distance for text recognition
        "lmdb>=1.0",  # PaddleOCR-style LMDB text-recognition datasets
    ],
    extras_require={
        "cpu": ["paddlepaddle>=3.0"],
        "test": ["pytest>=7", "ruff>=0.5"],
    },
    entry_points={"console_scripts": ["ppwarm=ppwarm.cli:main"]},
)
