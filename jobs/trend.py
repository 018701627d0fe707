"""``tracker trend``: open-role counts (or the median pay) at the end of each week or month, by
one dimension; as text, CSV, JSON or a PNG chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
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
METRICS = ("count", "pay")
VALUE = {"count": "count", "pay": "median_usd"}  # the figure a table cell and the chart show
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


def pay_trend_rows(
    engine: Engine, flt: RoleFilter, dim: str, every: str, start: datetime, now: datetime
) -> list[dict[str, Any]]:
    """``[{"period", "at", DIM, "roles", "with_pay", "median_usd", "median_min_usd",
    "median_max_usd"}]``: yearly USD pay of the open roles (see :mod:`tracker.pay_stats`);
    groups without any published pay are left out."""
    from db.pay_trend import pay_bands
    from tracker.pay_stats import median_pay

    points = periods(start, now, every)
    with session_scope(engine) as session:
        found = pay_bands(session.connection(), [p for _, p in points], dim, flt)
    rows = []
    for label, point in points:
        groups = [(value, bands) for (at, value), bands in found.items() if at == point]
        for value, bands in sorted(groups, key=lambda vb: (-len(vb[1]), str(vb[0]))):
            stats = median_pay(bands)
            if stats["with_pay"]:
                rows.append({"period": label, "at": iso(point), dim: value, "roles": len(bands),
                             **stats})  # fmt: skip
    return rows


def columns(dim: str, metric: str) -> list[str]:
    if metric == "pay":
        tail = ["roles", "with_pay", "median_usd", "median_min_usd", "median_max_usd"]
        return ["period", "at", dim, *tail]
    return ["period", "at", dim, "count"]


def print_trend(
    rows: list[dict[str, Any]], dim: str, fmt: str, labels: list[str], metric: str = "count"
) -> None:
    if fmt == "json":
        typer.echo(dumps(rows))
        return
    if fmt == "csv":
        typer.echo(to_csv(rows, columns(dim, metric)), nl=False)
        return
    key = VALUE[metric]
    table_rows, cols = wide(rows, dim, labels, key, other=metric == "count")
    if metric == "pay":
        from tracker.report.money import short_usd

        for cells in table_rows:
            cells.update({c: short_usd(v) for c, v in cells.items() if isinstance(v, float)})
    what = "median yearly pay (USD)" if metric == "pay" else "open roles"
    print_table(rows_table(table_rows, cols, f"{what} by {dim} at the end of each period"))


def wide(
    rows: list[dict[str, Any]], dim: str, labels: list[str], key: str, other: bool = True
) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per period, one column per value (the largest first; with ``other``, the rest
    summed as "other", else left out)."""
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[dim]] = max(totals.get(row[dim], 0), row.get("count") or row.get("roles", 0))
    ranked = sorted(totals, key=lambda v: (-totals[v], str(v)))
    shown = ranked if len(ranked) <= TEXT_COLUMNS else ranked[: TEXT_COLUMNS - 1]
    names = [str(v) if v is not None else "(none)" for v in shown]
    other = other and len(ranked) > len(shown)
    table_rows = []
    for label in labels:
        cells: dict[str, Any] = {"period": label}
        cells.update(dict.fromkeys(names, 0 if key == "count" else None))
        if other:
            cells["other"] = 0
        for row in rows:
            if row["period"] != label:
                continue
            if row[dim] in shown:
                cells[names[shown.index(row[dim])]] = row[key]
            elif other:
                cells["other"] += row[key]
        table_rows.append(cells)
    return table_rows, ["period", *names, *(["other"] if other else [])]


def chart_series(
    rows: list[dict[str, Any]], dim: str, labels: list[str], metric: str
) -> dict[str, list[int | None]]:
    """One value per period and group. A count missing from a period is 0; a median is None
    (no role published pay then: a gap in the line). Medians do not add up, so for pay only the
    groups with the most roles are kept (no "Others" line)."""
    if metric == "pay":
        from tracker.report.chart import MAX_LINES

        most: dict[Any, int] = {}
        for row in rows:
            most[row[dim]] = max(most.get(row[dim], 0), row["roles"])
        kept = sorted(most, key=lambda v: (-most[v], str(v)))[:MAX_LINES]
        rows = [row for row in rows if row[dim] in kept]
    series: dict[str, list[int | None]] = {}
    for row in rows:
        name = str(row[dim]) if row[dim] is not None else "(none)"
        values = series.setdefault(name, [0 if metric == "count" else None] * len(labels))
        values[labels.index(row["period"])] = int(row[VALUE[metric]] or 0)
    return series


def write_png(
    rows: list[dict[str, Any]],
    dim: str,
    labels: list[str],
    metric: str,
    out: Path | None,
    theme: str = "light",
) -> None:
    """The series as a chart (the digest's renderer) written to ``out`` (required)."""
    from tracker.report.chart import THEMES, ChartData, render_chart

    if out is None:
        raise ConfigError("--format png needs --out FILE.png (a PNG is not written to a terminal)")
    if theme not in THEMES:
        raise ConfigError(f"bad --theme {theme!r}: use light or dark")
    series = chart_series(rows, dim, labels, metric)
    what = "Median yearly pay (USD)" if metric == "pay" else "Open roles"
    title = f"{what} by {dim}, {labels[0]} to {labels[-1]}" if labels else what
    png = render_chart(ChartData(tuple(labels), series), title=title, theme=theme)
    try:
        out.write_bytes(png)
    except OSError as exc:
        raise ConfigError(f"cannot write {out}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {out}")


def run_trend(
    engine: Engine,
    flt: RoleFilter,
    dim: str,
    every: str,
    start: str | None,
    metric: str,
    fmt: str,
    out: Path | None = None,
    theme: str = "light",
) -> None:
    """``tracker trend``: the series from ``start`` (default: 12 periods back) to now."""
    from tracker.settings import parse_when

    if metric not in METRICS:
        raise ConfigError(f"bad --metric {metric!r}: use count or pay")
    if fmt == "png" and out is None:
        raise ConfigError("--format png needs --out FILE.png (a PNG is not written to a terminal)")
    if theme not in ("light", "dark"):
        raise ConfigError(f"bad --theme {theme!r}: use light or dark")
    now = datetime.now(UTC)
    back = timedelta(weeks=11) if every == "week" else timedelta(days=334)
    frm = parse_when(start, now=now, end_of_day=False) if start else now - back
    build = pay_trend_rows if metric == "pay" else trend_rows
    rows = build(engine, flt, dim, every, frm, now)
    labels = [label for label, _ in periods(frm, now, every)]
    if fmt == "png":
        write_png(rows, dim, labels, metric, out, theme)
    else:
        print_trend(rows, dim, fmt, labels, metric)
