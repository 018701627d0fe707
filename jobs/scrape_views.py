"""The scrape as the CLI shows it: a progress bar on a TTY (else one line per finished board)
and a summary table. Kept apart from :mod:`jobs.views`, so that a scrape loads none of the
query modules (start-up time)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

from tracker.domain import RunResult
from tracker.settings import ConfigError, Settings

if TYPE_CHECKING:  # the scrape machinery (sources, normalize, httpx) loads only when used
    from sqlalchemy.engine import Engine

    from jobs.spawn import Spawned
    from jobs.targets import Target


def summary_rows(results: Sequence[RunResult]) -> list[dict[str, Any]]:
    return [
        {
            "source": r.source,
            "status": r.status,
            "seen": r.seen,
            "new": r.new,
            "changed": r.changed,
            "closed": r.closed,
            "reopened": r.reopened,
            "error": r.error or "",
        }
        for r in results
    ]


SUMMARY_ALL_UP_TO = 20  # a summary of more sources lists only those that failed or changed


def summary_shown(results: Sequence[RunResult], show_all: bool) -> tuple[list[RunResult], str]:
    """The runs worth a summary row, and a line saying how many unchanged ones were left out.

    Small runs (and ``show_all``) list every source; larger ones list the sources that failed,
    were skipped or found anything new, changed, closed or reopened.
    """
    if show_all or len(results) <= SUMMARY_ALL_UP_TO:
        return list(results), ""
    shown = [r for r in results if r.status != "ok" or r.new or r.changed or r.closed or r.reopened]
    hidden = len(results) - len(shown)
    return shown, f"{hidden} unchanged sources not shown (--all lists all)" if hidden else ""


def scrape_with_progress(
    engine: Engine,
    settings: Settings,
    keys: Sequence[str],
    company: str | None,
    show_all: bool = False,
    early: Spawned | None = None,
) -> bool:
    """Scrape, with a progress bar on a TTY; print a summary table. True when none failed.
    ``early``: worker processes started before the database was opened
    (:func:`jobs.spawn.early_workers`)."""
    from jobs.targets import select_targets

    targets = select_targets(engine, keys, company)
    if not targets:
        raise ConfigError("no enabled sources (add some with `tracker sources import FILE`)")
    whole = not keys and company is None  # every enabled source: the workers may prefetch
    results = _scrape_progress(engine, settings, targets, early, whole)
    return print_summary(results, show_all)


def print_summary(results: Sequence[RunResult], show_all: bool = False) -> bool:
    """The scrape's summary on stdout (skips on stderr); True when no run failed. When every
    source of a large scrape is unchanged, the title and that count, without an empty table
    (nor the table module: Rich loads only for a table)."""
    from tracker.report.tables import print_table, rows_table

    cols = ["source", "status", "seen", "new", "changed", "closed", "reopened", "error"]
    failed = sum(1 for r in results if r.status == "failed")
    skips = [r for r in results if r.status == "skipped"]  # another writer has it: not a failure
    for r in skips:
        typer.echo(r.error, err=True)
    title = f"scraped {len(results)} source(s): {len(results) - failed - len(skips)} ok, "
    title += f"{failed} failed" + (f", {len(skips)} skipped" if skips else "")
    shown, hidden = summary_shown(results, show_all)
    if not shown:
        typer.echo(f"{title}\n{hidden}" if hidden else title)
        return failed == 0
    if not any(r.error for r in shown):  # an empty column would only push the table past 80
        cols.remove("error")
    print_table(rows_table(summary_rows(shown), cols, title), hidden or None)
    return failed == 0


def _scrape_progress(
    engine: Engine,
    settings: Settings,
    targets: Sequence[Target],
    early: Spawned | None = None,
    whole: bool = False,
) -> list[RunResult]:
    from jobs.spawn import spawned_for

    # the workers (a big scrape's) start first: they load while this process loads the rest
    spawned = spawned_for(len(targets), settings.scrape, engine, early, whole)
    from jobs.scrape import run_scrape

    if not sys.stderr.isatty():  # logs, CI, cron: one plain line per finished board
        lines = FinishedLines()
        try:
            return run_scrape(engine, targets, settings, on_result=lines.add, spawned=spawned)
        finally:
            lines.flush()
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scraping", total=len(targets))

        def advance(result: RunResult) -> None:
            progress.update(task, advance=1, description=f"{result.source}: {result.status}")

        return run_scrape(engine, targets, settings, on_result=advance, spawned=spawned)


def finished_line(result: RunResult) -> str:
    """``greenhouse:acme ok: 19 seen, 2 new, 1 changed, 0 closed, 0 reopened`` (or the error)."""
    if result.status == "failed":
        return f"{result.source} failed: {result.error or 'unknown error'}"
    counts = f"{result.seen} seen, {result.new} new, {result.changed} changed, {result.closed}"
    return f"{result.source} {result.status}: {counts} closed, {result.reopened} reopened"


class FinishedLines:
    """One line per finished board on stderr (a skipped board already said who holds it),
    written a few at a time: at most :attr:`EVERY` seconds late, one write per batch."""

    EVERY = 0.2

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, result: RunResult) -> None:
        if result.status == "skipped":
            return
        self.lines.append(finished_line(result) + "\n")
        if len(self.lines) > 1:
            return  # a flush is already due
        import asyncio  # loaded by the scrape already; not by the other commands

        try:
            asyncio.get_running_loop().call_later(self.EVERY, self.flush)
        except RuntimeError:  # called outside the scrape's event loop: write it now
            self.flush()

    def flush(self) -> None:
        if self.lines:
            sys.stderr.write("".join(self.lines))
            sys.stderr.flush()
            self.lines = []
