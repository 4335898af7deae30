"""ppwarm configuration: strict YAML files with `_BASE_` inheritance, `-o` overrides and a schema.

Flow: `load_config` reads a file and its bases (bases.py), applies overrides (overrides.py), checks
everything against SCHEMA (validate.py, checks.py) and returns a plain dict. `write_resolved_config`
records that dict, plus values derived from it, next to the run's outputs.
"""

from ppwarm.config.args import add_config_args, parse_bool
from ppwarm.config.loader import load_config
from ppwarm.config.resolved import dump_config, read_resolved_config, write_resolved_config
from ppwarm.config.schema import SCHEMA

__all__ = [
    "SCHEMA",
    "add_config_args",
    "dump_config",
    "load_config",
    "parse_bool",
    "read_resolved_config",
    "write_resolved_config",
]
