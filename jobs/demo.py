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
from jobs.sources import import_watchlist, select_targets
from jobs.views import fetch_roles, load_json_file
from tracker.counts import count_roles
from tracker.domain import RoleFilter
from tracker.report.tables import print_table, roles_table, rows_table
from tracker.settings import ConfigError, Settings

RECORDING = re.compile(r"^(?P<ats>[a-z]+)-(?P<token>.+)-(?P<date>\d{4}-\d{2}-\d{2})\.json$")


@dataclass(frozen=True)
class Recording:
    path: Path
    key: str
    observed_at: datetime


def demo_dir() -> Path:
    """``seeds/demo`` beside the installed packages (an editable install or a checkout)."""
    here = Path(__file__).resolve().parents[1] / "seeds" / "demo"
    if not (here / "watchlist.toml").is_file():
        raise ConfigError(f"demo recordings not found in {here} (install from a checkout)")
    return here


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


def run_demo(out: Path | None = None) -> None:
    """Ingest the recordings and print what the tracker knows."""
    from jobs.scrape import ingest_payload

    folder = demo_dir()
    with demo_database(out) as url:
        engine = open_database(Settings(database_url=url), write=True)
        import_watchlist(engine, folder / "watchlist.toml")
        typer.echo(f"Demo database: {url}\n")
        for rec in recordings(folder):
            target = select_targets(engine, [rec.key])[0]
            result = ingest_payload(engine, target, load_json_file(rec.path), rec.observed_at)
            typer.echo(
                f"ingested {rec.path.name}: {result.seen} postings, {result.new} new, "
                f"{result.closed} closed, {result.changed} changed"
            )
        show(engine)
        engine.dispose()


def show(engine: object) -> None:
    """Roles table and counts by company and by country, now."""
    now = datetime.now(UTC)
    found = fetch_roles(engine, RoleFilter(), now)  # type: ignore[arg-type]
    typer.echo("")
    print_table(roles_table(found, title=f"{len(found)} open compute roles"))
    for dim in ("company", "country"):
        rows = count_roles(found, [dim])
        print_table(rows_table(rows, [dim, "count"], f"open compute roles by {dim}"))
