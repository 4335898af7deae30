"""ppwarm configuration: strict YAML files with `_BASE_` inheritance, `-o` overrides and a typed schema.

The schema is a tree of frozen dataclasses (ppwarm.config.sections), one per section, each attribute
carrying its Field (doc, default, bounds, choices, literals). Why stdlib dataclasses and not a config
library: no new dependency (the Paddle suites our users know ship none for this, so nothing is shared by
adopting one), type checkers and IDEs read them, and a misspelt key is an AttributeError at first read.

Flow: `load_config` reads a file and its bases (bases.py), applies overrides (overrides.py), checks the
merged tree against SCHEMA, the dict schema derived from the dataclasses (typed.py, validate.py,
checks.py), and returns a `Config`. `Config.to_dict()` is the plain form (YAML, checkpoints);
`config_from_dict`, `with_overrides` and `Config.replace` give validated configs made in memory.
`write_resolved_config` records a config, plus values derived from it, next to the run's outputs.
"""

from ppwarm.config.args import add_config_args, parse_bool
from ppwarm.config.loader import SCHEMA, config_from_dict, load_config, with_overrides
from ppwarm.config.resolved import dump_config, read_resolved_config, write_resolved_config
from ppwarm.config.sections.run import Config

__all__ = [
    "SCHEMA",
    "Config",
    "add_config_args",
    "config_from_dict",
    "dump_config",
    "load_config",
    "parse_bool",
    "read_resolved_config",
    "with_overrides",
    "write_resolved_config",
]
