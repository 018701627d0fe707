"""Command-line framework errors (Click, under Typer) as one line, like every other bad input.

Typer would draw a framed usage box; scripts and logs want ``error: ...`` and exit 2. Matched by
shape, not class, because Typer 0.29 vendors Click (``typer._click``) and older Typers use Click.
"""

from __future__ import annotations

import typer


def usage_error(exc: BaseException) -> str | None:
    """``error: No such option: --bogus (see: tracker roles --help)``; None if not Click's.

    ``tracker`` alone (no arguments) prints the help instead and returns an empty string.
    """
    if isinstance(exc, typer.Abort):
        return "error: aborted"
    format_message = getattr(exc, "format_message", None)
    if not hasattr(exc, "exit_code") or not callable(format_message):
        return None
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help())
        return ""
    message = " ".join(str(format_message()).split())
    names = {c.__name__ for c in type(exc).__mro__}
    if "UsageError" in names and ctx is not None:
        return f"error: {message} (see: {ctx.command_path} --help)"
    return f"error: {message}"
