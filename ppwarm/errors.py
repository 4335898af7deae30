"""Errors that ppwarm reports to the user as one clear message instead of a traceback."""


class ConfigError(ValueError):
    """A configuration mistake: the message names the source, the key path and the offending value.

    Command-line tools catch it, print the message and exit with status 2.
    """
