"""``tracker trend``: open-role counts at the end of each week or month, by one dimension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import typer
from sqlalchemy.engine import Engine

from db.session import session_scope
from db.trend import open_counts
from tracker.domain import RoleFilter
from tracker.report.serialize import dumps, iso, to_csv
from tracker.report.tables import print_table, rows_table
from tracker.settings import ConfigError

EVERY = ("week", "month")
TEXT_COLUMNS = 8  # values shown as columns in text output; the rest are summed as "other"


def _period_start(when: datetime, every: str) -> datetime:
    day = datetime(when.year, when.month, when.day, tzinfo=UTC)
    if every == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(start: datetime, every: str) -> datetime:
    if every == "week":
        return start + timedelta(days=7)
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def periods(start: datetime, now: datetime, every: str) -> list[tuple[str, datetime]]:
    """``(label, point)`` per period from the one holding ``start`` to the current one; the point
    is the period's last instant (now, for the current period)."""
    if every not in EVERY:
        raise ConfigError(f"bad --every {every!r}: use week or month")
    if start > now:
        raise ConfigError("--from is in the future")
    found: list[tuple[str, datetime]] = []
    begin = _period_start(start, every)
    while begin <= now:
        end = _next(begin, every)
        point = min(end - timedelta(microseconds=1), now)
        iso_year, week, _ = begin.isocalendar()
        label = f"{iso_year}-W{week:02d}" if every == "week" else begin.strftime("%Y-%m")
        found.append((label, point))
        begin = end
    return found


def trend_rows(
    engine: Engine, flt: RoleFilter, dim: str, every: str, start: datetime, now: datetime
) -> list[dict[str, Any]]:
    """``[{"period", "at", DIM, "count"}]`` in period order, values by count (desc)."""
    points = periods(start, now, every)
    with session_scope(engine) as session:
        found = open_counts(session.connection(), [p for _, p in points], dim, flt)
    by_point: dict[datetime, list[tuple[str | None, int]]] = {}
    for at, value, n in found:
        by_point.setdefault(at, []).append((value, n))
    rows = []
    for label, point in points:
        for value, n in sorted(by_point.get(point, []), key=lambda vn: (-vn[1], str(vn[0]))):
            rows.append({"period": label, "at": iso(point), dim: value, "count": n})
    return rows


def print_trend(rows: list[dict[str, Any]], dim: str, fmt: str, labels: list[str]) -> None:
    if fmt == "json":
        typer.echo(dumps(rows))
        return
    if fmt == "csv":
        typer.echo(to_csv(rows, ["period", "at", dim, "count"]), nl=False)
        return
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[dim]] = max(totals.get(row[dim], 0), row["count"])
    ranked = sorted(totals, key=lambda v: (-totals[v], str(v)))
    shown = ranked if len(ranked) <= TEXT_COLUMNS else ranked[: TEXT_COLUMNS - 1]
    names = [str(v) if v is not None else "(none)" for v in shown]
    other = len(ranked) > len(shown)
    table_rows = []
    for label in labels:
        cells: dict[str, Any] = {"period": label}
        cells.update(dict.fromkeys(names, 0))
        if other:
            cells["other"] = 0
        for row in rows:
            if row["period"] != label:
                continue
            if row[dim] in shown:
                cells[names[shown.index(row[dim])]] = row["count"]
            else:
                cells["other"] += row["count"]
        table_rows.append(cells)
    columns = ["period", *names, *(["other"] if other else [])]
    print_table(rows_table(table_rows, columns, f"open roles by {dim} at the end of each period"))
