"""Loading pretrained weights by name and shape, with a report, for fine-tuning.

Every entry of the model's state dict takes the pretrained value of the same name when the shapes agree.
Shape mismatches, missing and unexpected names are reported. When the mismatches are all in the head
(e.g. a new character dictionary changes the number of classes), the head keeps its fresh initialisation
and one line says so, instead of a model that silently starts at zero accuracy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import paddle

from ppwarm.errors import ConfigError
from ppwarm.weights.safe import load_paddle_file

log = logging.getLogger("ppwarm")


@dataclass
class LoadReport:
    matched: list[str] = field(default_factory=list)
    shape_mismatched: list[tuple[str, list[int], list[int]]] = field(
        default_factory=list
    )  # name, theirs, ours
    missing: list[str] = field(default_factory=list)  # in the model, not in the file
    unexpected: list[str] = field(default_factory=list)  # in the file, not in the model
    head_reinitialised: bool = False

    def summary(self) -> str:
        lines = [
            f"pretrained: {len(self.matched)} matched, {len(self.shape_mismatched)} shape-mismatched, "
            f"{len(self.missing)} missing, {len(self.unexpected)} unexpected"
        ]
        if self.head_reinitialised:
            names = ", ".join(n for n, _, _ in self.shape_mismatched)
            lines.append(
                f"pretrained: the head's shape changed (the number of classes differs: {names}); "
                "the head is re-initialised and trained from scratch"
            )
        else:
            lines += [f"  shape mismatch {n}: file {a} vs model {b}" for n, a, b in self.shape_mismatched[:5]]
        lines += [f"  missing {n}" for n in self.missing[:5]] + [
            f"  unexpected {n}" for n in self.unexpected[:5]
        ]
        return "\n".join(lines)


def read_state(path: str) -> dict:
    """A state dict from a ppwarm checkpoint (its EMA weights if any) or a plain .pdparams file."""
    if not Path(path).is_file():
        raise ConfigError(f"pretrained = {path!r}: no such file")
    loaded = load_paddle_file(path)
    if isinstance(loaded, dict) and "model" in loaded and "state" in loaded:
        return loaded["ema"]["shadow"] if loaded.get("ema") else loaded["model"]
    return loaded


def load_pretrained(model: paddle.nn.Layer, path: str, head_prefix: str = "head.") -> LoadReport:
    """Copy matching weights from `path` into `model` and return what happened (also logged)."""
    theirs, ours = read_state(path), model.state_dict()
    report = LoadReport()
    update = dict(ours)  # what is not loaded keeps the model's own (fresh) value
    for name, value in ours.items():
        if name not in theirs:
            report.missing.append(name)
        elif list(theirs[name].shape) != list(value.shape):
            report.shape_mismatched.append((name, list(theirs[name].shape), list(value.shape)))
        else:
            update[name] = theirs[name]
            report.matched.append(name)
    report.unexpected = [n for n in theirs if n not in ours]
    mismatched = [n for n, _, _ in report.shape_mismatched]
    report.head_reinitialised = bool(mismatched) and all(n.startswith(head_prefix) for n in mismatched)
    model.set_state_dict(update)
    for line in report.summary().splitlines():
        log.info(line)
    return report
