"""The ``tracker`` command line: thin commands over ``jobs`` and ``db``.

Heavy modules (SQLAlchemy, httpx, selectolax, currency data) are imported inside the commands so
that ``tracker --help`` starts fast. Bad input is one line on stderr and exit 2; work that ran but
failed somewhere exits 1.

The shared ``app``, options and helpers live in ``tracker.cli_common``; the commands in
``tracker.cli_sources``, ``tracker.cli_roles``, ``tracker.cli_digest``, ``tracker.cli_alerts``
and ``tracker.cli_web``.
``COMMAND_MODULES`` imports them, which registers their commands. That happens on first use of
``app`` (or ``database``, ``handled``, ``settings``), not at import: ``main`` first offers the
command line to :mod:`tracker.fastpath`, which runs plain ``roles``/``count``/``diff`` calls
without building the whole Typer app.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.cli_common import app, database, handled, settings

__all__ = ["app", "database", "handled", "main", "settings"]

# Importing a command module registers its commands on ``app``; this order is the --help order.
COMMAND_MODULES = ("cli_sources", "cli_roles", "cli_digest", "cli_alerts", "cli_web")


def _full_app() -> Any:
    """``tracker.cli_common`` with every command registered on its ``app``."""
    from tracker import cli_common

    for name in COMMAND_MODULES:
        importlib.import_module(f"tracker.{name}")
    return cli_common


def __getattr__(name: str) -> Any:
    if name in ("app", "database", "handled", "settings"):
        return getattr(_full_app(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lean_imports() -> None:
    """Keep out optional modules our HTTP stack would load and never use (here and in a
    scrape's worker processes). httpx imports its own command-line client (click, rich,
    pygments) whenever click is installed (apprise and uvicorn bring it): ~0.1 s CPU on every
    start that imports httpx; httpx falls back to a stub ``main``. httpcore imports trio
    whenever it is installed (~0.05 s); we run on asyncio only."""
    for optional in ("httpx._main", "trio"):
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]


def main() -> None:
    """Console-script entry point."""
    from tracker.shipped import check_own_packages

    problem = check_own_packages()
    if problem:
        _echo_err(f"error: {problem}")
        sys.exit(2)
    lean_imports()
    try:
        from tracker.fastpath import run_fast

        code = run_fast(sys.argv[1:])
        if code is None:
            code = _full_app().app(standalone_mode=False)
    except KeyboardInterrupt:
        _echo_err("interrupted")
        sys.exit(130)
    except Exception as exc:
        from tracker.usage import usage_error

        message = usage_error(exc)
        if message is None:
            raise
        if message:
            _echo_err(message)
        sys.exit(2)
    code = code if isinstance(code, int) else 0
    _quick_exit(code)
    sys.exit(code)


def _quick_exit(code: int) -> None:
    """After a scrape: close the database and leave without tearing the interpreter down.

    A big scrape's process holds a few hundred thousand objects; freeing them one by one at
    exit takes a tenth of a second or more, and nothing needs it: the output is flushed, the
    database connections closed (SQLite checkpoints its log), the worker processes told to
    stop and no other thread has work left.
    """
    from tracker.cli_common import STATE

    if not STATE.get("quick_exit"):
        return
    import logging
    import os

    for key, value in list(STATE.items()):
        if key.startswith("engine:"):
            value.dispose()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): the normal exit says so
            return
    os._exit(code)


def _echo_err(message: str) -> None:
    import typer

    typer.echo(message, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
