"""The error every layer raises for bad configuration or bad user input."""

from __future__ import annotations


class ConfigError(ValueError):
    """Bad configuration or bad user input: reported as one line, exit 2."""
