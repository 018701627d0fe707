"""``tracker daemon``, ``tracker status`` and ``tracker digest ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli_common import (
    app,
    check_format,
    database,
    handled,
    settings,
)

digest_app = typer.Typer(help="The weekly email digest: preview and send.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")


@app.command()
@handled
def daemon() -> None:
    """Run the scheduler in the foreground: scrapes, weekly digest, housekeeping.

    Imports the config's watchlist first. SIGTERM or SIGINT stops it cleanly (exit 0).

    Example: tracker --config /etc/dc-hiring-tracker/tracker.toml daemon
    """
    from jobs.scheduler import run_daemon

    raise typer.Exit(run_daemon(settings()))


@app.command()
@handled
def status(fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """Each source's last run, next run and health; the last digest sent and failed sends.

    Example: tracker status --format json
    """
    from jobs.status import print_status

    print_status(database(write=False), settings(), check_format(fmt, ("table", "json")))


@digest_app.command("preview")
@handled
def digest_preview(
    start: Annotated[
        str | None, typer.Option("--from", help="Start (default: 7 days before --to).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="End (default: the last scheduled digest).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML here.")] = None,
) -> None:
    """Print the digest's period, subject and text, and write its HTML, without sending.
    By default the period `digest send` would send now.

    Example: tracker digest preview --to 2026-11-23T07:00Z --out digest.html
    """
    from jobs.digest import preview, preview_period

    frm, to, note = preview_period(settings(), start, end)
    preview(database(write=False), settings(), frm, to, out, note)


@digest_app.command("send")
@handled
def digest_send(
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="Test send to this address (repeatable; default: config)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Send even if already sent.")] = False,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="Test post to this \\[channels] name (repeatable)."),
    ] = None,
) -> None:
    """Send the digest of the current period (the week ending at the last scheduled time),
    once: a period already sent is not sent again unless --force. With --to it is a test send:
    it always goes and does not use up the period; --channel NAME likewise posts a test to a
    channel. Without them it also posts to the \\[digest] channels (once each). Exit 1 if
    sending failed.

    Example: tracker digest send --to analyst@example.com
    Example: tracker digest send --channel slack
    """
    from jobs.digest import send_now

    if not send_now(database(write=False), settings(), to or [], force, channel or []):
        raise typer.Exit(1)
