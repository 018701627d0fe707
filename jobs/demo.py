"""``tracker demo``: an offline tour over the shipped recordings in ``seeds/demo/``.

The recordings are ingested by the same code path as ``tracker ingest`` (parse -> normalize ->
record a run), in date order, into a temporary database (or ``--out``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import typer

from jobs.database import open_database
from jobs.reports import build_report, chart_uris
from jobs.sources import import_watchlist, select_targets
from jobs.views import fetch_roles, load_json_file
from tracker.diff import Report
from tracker.domain import Role, RoleFilter
from tracker.report.labels import company_names
from tracker.report.render import dim_label
from tracker.report.summary import day
from tracker.report.tables import compact_roles_table, print_table, rows_table
from tracker.settings import ConfigError, Settings
from tracker.shipped import seed_path

RECORDING = re.compile(r"^(?P<ats>[a-z]+)-(?P<token>.+)-(?P<date>\d{4}-\d{2}-\d{2})\.json$")


@dataclass(frozen=True)
class Recording:
    path: Path
    key: str
    observed_at: datetime


def demo_dir() -> Path:
    """The shipped ``seeds/demo`` recordings (package data: works from any folder)."""
    return seed_path("demo", "watchlist.toml").parent


def recordings(folder: Path) -> list[Recording]:
    """Every ``<ats>-<token>-<date>.json`` in the folder, oldest first."""
    found = []
    for path in sorted(folder.glob("*.json")):
        match = RECORDING.match(path.name)
        if match:
            when = datetime.fromisoformat(match["date"]).replace(hour=6, tzinfo=UTC)
            found.append(Recording(path, f"{match['ats']}:{match['token']}", when))
    return sorted(found, key=lambda r: (r.observed_at, r.key))


@contextmanager
def demo_database(out: Path | None) -> Iterator[str]:
    if out is not None:
        if out.exists():
            raise ConfigError(f"{out} already exists; choose a new file for --out")
        yield f"sqlite:///{out}"
        return
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'demo.db'}"


def run_demo(out: Path | None = None, html: Path | None = None) -> None:
    """Ingest the recordings in date order, then tell what changed and write an HTML report."""
    from jobs.scrape import ingest_payload

    folder = demo_dir()
    found = recordings(folder)
    with demo_database(out) as url:
        engine = open_database(Settings(database_url=url), write=True)
        import_watchlist(engine, folder / "watchlist.toml")
        typer.echo(f"Demo database: {url}\n")
        for rec in found:
            target = select_targets(engine, [rec.key])[0]
            result = ingest_payload(engine, target, load_json_file(rec.path), rec.observed_at)
            typer.echo(
                f"ingested {rec.path.name}: {result.seen} postings, {result.new} new, "
                f"{result.changed} changed, {result.closed} closed"
            )
        report = build_report(engine, found[0].observed_at, found[-1].observed_at, RoleFilter())
        chart = chart_uris(engine, report.end)
        roles = fetch_roles(engine, RoleFilter(), report.end)
        show(report, roles, html or Path("demo-report.html"), chart)
        engine.dispose()


def show(
    report: Report, roles: list[Role], html: Path, chart: dict[str, str] | None = None
) -> None:
    """Headline sentences, counts with deltas, the open roles, and the HTML report."""
    from tracker.report.render import render_html

    typer.echo(f"\nWhat changed, {day(report.start)} → {day(report.end)}:")
    for line in report.summary:
        typer.echo(f"  • {line}")
    names = company_names([*report.start_roles, *report.end_roles])
    for dim in ("company", "country"):
        rows = [
            {
                dim: dim_label(dim, d.key, names),
                "from": d.start,
                "to": d.end,
                "delta": f"{d.delta:+d}",
            }
            for d in report.by[dim]
        ]
        print_table(rows_table(rows, [dim, "from", "to", "delta"], f"Open compute roles by {dim}"))
    print_table(compact_roles_table(roles, f"{len(roles)} open compute roles"))
    html.write_text(render_html(report, chart=chart), encoding="utf-8")
    typer.echo(f"\nHTML report written to {html.resolve()}")
    typer.echo(
        "Try: tracker demo --out demo.db, then tracker --db sqlite:///demo.db roles --country JP"
    )
