"""Reading a config file together with the `_BASE_` files it builds on."""

from __future__ import annotations

import os
from pathlib import Path

from ppwarm.config.layers import Layer, merge
from ppwarm.config.messages import show
from ppwarm.config.yaml_io import read_yaml_mapping
from ppwarm.errors import ConfigError

BASE_KEY = "_BASE_"

# (resolved path, path as shown to the user) of every file on the current include chain
_Chain = tuple[tuple[Path, str], ...]


def load_file_layer(path: str | Path) -> Layer:
    """Read `path` with its bases merged underneath, recursively.

    Bases are paths relative to the directory of the file that names them, merged in the order listed
    (a later base wins), with the file itself on top. Sources in the result are file paths as given
    by the user, joined with the relative base paths.
    """
    return _load(Path(path), str(path), ())


def _load(path: Path, display: str, chain: _Chain) -> Layer:
    real = path.resolve()
    if any(real == seen for seen, _ in chain):
        names = [shown for _, shown in chain] + [display]
        raise ConfigError(f"{BASE_KEY} cycle: {' -> '.join(names)}")
    tree = read_yaml_mapping(path, display)
    base_names = _base_names(tree.pop(BASE_KEY, None), display)
    chain = (*chain, (real, display))
    layer = Layer()
    for name in base_names:
        base_path = path.parent / name
        base_display = os.path.normpath(os.path.join(os.path.dirname(display), name))
        if not base_path.exists():
            raise ConfigError(f"{display}: {BASE_KEY} file {name!r} not found (looked for {base_display})")
        layer = merge(layer, _load(base_path, base_display, chain))
    return merge(layer, Layer.from_tree(tree, display))


def _base_names(value: object, display: str) -> list[str]:
    """`_BASE_` may be one path or a list of paths; null or [] means no bases."""
    if value is None:
        return []
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(name, str) and name for name in names):
        raise ConfigError(
            f"{display}: {BASE_KEY} = {show(value)}: must be a file path or a list of file paths"
        )
    return names
