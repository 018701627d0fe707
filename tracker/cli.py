"""The ``tracker`` command line: thin commands over ``jobs`` and ``db``.

Heavy modules (SQLAlchemy, httpx, selectolax, currency data) are imported inside the commands so
that ``tracker --help`` starts fast. Bad input is one line on stderr and exit 2; work that ran but
failed somewhere exits 1.

The shared ``app``, options and helpers live in ``tracker.cli_common``; the commands in
``tracker.cli_sources``, ``tracker.cli_roles``, ``tracker.cli_digest``, ``tracker.cli_alerts``
and ``tracker.cli_web``.
``COMMAND_MODULES`` imports them, which registers their commands.
"""

from __future__ import annotations

import importlib
import sys

import typer

from tracker.cli_common import app, database, handled, settings

__all__ = ["app", "database", "handled", "main", "settings"]

# Importing a command module registers its commands on ``app``; this order is the --help order.
COMMAND_MODULES = ("cli_sources", "cli_roles", "cli_digest", "cli_alerts", "cli_web")
for _name in COMMAND_MODULES:
    importlib.import_module(f"tracker.{_name}")


def main() -> None:
    """Console-script entry point."""
    from tracker.shipped import check_own_packages

    problem = check_own_packages()
    if problem:
        typer.echo(f"error: {problem}", err=True)
        sys.exit(2)
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        from tracker.usage import usage_error

        message = usage_error(exc)
        if message is None:
            raise
        if message:
            typer.echo(message, err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
