"""Save checkpoints into DIR forever, printing "saved N" after each; test_checkpoint kills it mid-flight.

Usage: python _save_forever.py DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ppwarm.engine.checkpoint import CheckpointManager

ARRAY_SIZE = 2_000_000  # 8 MB of float32: a save takes long enough to be killed in the middle of one
KEEP_LAST = 2


def make_state(step: int) -> dict:
    """The state saved at `step`; its array depends on the step so a mixed-up file is detected."""
    return {"step": step, "array": np.arange(ARRAY_SIZE, dtype=np.float32) + np.float32(step)}


def main(directory: Path) -> None:
    manager = CheckpointManager(directory, keep_last=KEEP_LAST)
    step = 1
    while True:
        manager.save(make_state(step), step, is_best=step % 3 == 0)
        print(f"saved {step}", flush=True)
        step += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]))
