"""Glue for the CLI's commands: read or write through ``db``, render with ``tracker.report``.

Kept out of ``tracker/cli.py`` so commands stay thin, and out of ``tracker/`` because it touches
the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from sqlalchemy.engine import Engine

from db import queries
from db.session import core_scope
from tracker.counts import count_roles
from tracker.domain import RoleFilter, RunResult, SalaryBand
from tracker.report.inert import clean
from tracker.report.labels import company_names, dim_value
from tracker.report.money import PERIOD_SUFFIX
from tracker.report.serialize import ROLE_CSV_FIELDS, dumps, iso, role_dict, role_row, to_csv
from tracker.report.tables import (
    DEFAULT_LIMIT,
    limited,
    more_line,
    print_table,
    roles_table,
    rows_table,
    terminal_width,
)
from tracker.settings import ConfigError, Settings

if TYPE_CHECKING:  # the scrape machinery (sources, normalize, httpx) loads only when used
    pass


def fetch_roles(engine: Engine, flt: RoleFilter, at: datetime) -> list[Any]:
    with core_scope(engine) as session:
        return list(queries.roles_at(session, at, flt))


def print_roles(
    engine: Engine, flt: RoleFilter, at: datetime, fmt: str, limit: int | None = DEFAULT_LIMIT
) -> None:
    """Roles open at ``at``; a table stops at ``limit`` rows (None or 0: all) and loads only
    those (plus a count)."""
    if fmt == "table":
        from db.listing import roles_page

        with core_scope(engine) as session:
            if limit:
                total, shown = roles_page(session, at, flt, limit)
            else:
                shown = list(queries.roles_at(session, at, flt))
                total = len(shown)
        kind = "roles" if flt.include_all else "compute roles"
        title = f"{total:,} open {kind} at {iso(at)}"
        table = roles_table(shown, title=title, width=terminal_width())
        print_table(table, more_line(len(shown), total))
        return
    found = fetch_roles(engine, flt, at)
    if fmt == "json":
        typer.echo(dumps([role_dict(r) for r in found]))
    else:
        typer.echo(to_csv([role_row(r) for r in found], ROLE_CSV_FIELDS), nl=False)


def print_counts(
    engine: Engine,
    flt: RoleFilter,
    at: datetime,
    dims: Sequence[str],
    fmt: str,
    limit: int | None = DEFAULT_LIMIT,
) -> None:
    with core_scope(engine) as session:  # counting needs light keys, not full roles
        found = queries.role_keys_at(session, at, flt)
    rows = count_roles(found, dims)
    if fmt == "json":
        typer.echo(dumps(rows))
    elif fmt == "csv":
        typer.echo(to_csv(rows, [*dims, "count"]), nl=False)
    else:
        names = company_names(found)
        shown = [
            {**r, **{d: dim_value(d, r[d], names) for d in dims}} for r in limited(rows, limit)
        ]
        kind = "roles" if flt.include_all else "compute roles"  # as `roles` says it
        title = f"{len(found):,} open {kind} at {iso(at)}"
        print_table(rows_table(shown, [*dims, "count"], title), more_line(len(shown), len(rows)))


def print_sources(engine: Engine, fmt: str) -> None:
    from tracker.sources import describe

    with core_scope(engine) as session:
        infos = queries.list_sources(session)
    rows = [source_row(info) for info in infos]
    if fmt == "json":
        typer.echo(dumps(rows))
        return
    cols = ["key", "company", "enabled", "open", "last_run", "status", "last_ok", "error"]
    shown = [{**row, "company": row["company_name"]} for row in rows]  # display names
    drop = ("last_ok", "last_run", "company")  # on a narrow terminal, never a cropped table
    table = rows_table(shown, cols, f"{len(rows)} sources", terminal_width(), drop)
    print_table(table)
    for ats in sorted({r["ats"] for r in rows}):
        typer.echo(f"{ats}: {describe(ats)}")


def source_row(info: Any) -> dict[str, Any]:
    return {
        "key": info.key,
        "ats": info.ats,
        "token": info.token,
        "company": info.company,
        "company_name": info.company_name,
        "enabled": info.enabled,
        "api_base": info.api_base,
        "interval": info.interval,
        "options": info.options,
        "open": info.open_postings,
        "last_run": iso(info.last_run_at),
        "status": info.last_status,
        "last_ok": iso(info.last_ok_at),
        "error": info.last_error,
    }


def load_json_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ConfigError(
            f"{path} is not valid JSON ({' '.join(str(exc).split())[:120]})"
        ) from None


def load_capture(path: Path) -> Any:
    """A captured payload: JSON, or the HTML of a page for sources that read pages (html,
    google, icims, successfactors)."""
    try:
        head = path.read_bytes()[:512].lstrip().lower()
    except FileNotFoundError:
        raise ConfigError(f"file not found: {path}") from None
    if head.startswith((b"<!doctype", b"<html", b"<")):
        return path.read_text(encoding="utf-8", errors="replace")
    return load_json_file(path)


def ingest_file(
    engine: Engine, path: Path, key: str, observed_at: datetime, settings: Settings | None = None
) -> RunResult:
    """Ingest one captured payload; prints a one-line summary."""
    payload = load_capture(path)
    from jobs.sources import select_targets
    from jobs.writers import ingest_held

    target = select_targets(engine, [key])[0]
    result = ingest_held(engine, target, payload, observed_at, settings or Settings())
    if result.status == "skipped":  # another writer holds the source: nothing recorded
        typer.echo(f"error: {result.error}; try again", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"{result.source} @ {iso(observed_at)}: {result.status}, {result.seen} seen, "
        f"{result.new} new, {result.changed} changed, {result.closed} closed, "
        f"{result.reopened} reopened"
    )
    return result


def history_dict(hist: Any) -> dict[str, Any]:
    """``tracker history --format json``: the role now, its open spans and versions."""
    from tracker.report.serialize import place_dict, salary_dict

    def value(name: str, v: Any) -> Any:
        if name == "salary":
            return salary_dict(v)
        if name == "locations":
            return [place_dict(p) for p in v]
        return v

    return {
        "role": role_dict(hist.role),
        "spans": [
            {"opened_at": iso(s.opened_at), "closed_at": iso(s.closed_at)} for s in hist.spans
        ],
        "versions": [
            {
                "id": v.id,
                "valid_from": iso(v.valid_from),
                "valid_to": iso(v.valid_to),
                "title": v.title,
                "category": v.category,
                "category_rule": v.category_rule,
                "locations": [place_dict(p) for p in v.locations],
                "salary": salary_dict(v.salary),
                "changes": {k: [value(k, a), value(k, b)] for k, (a, b) in v.changes.items()},
            }
            for v in hist.versions
        ],
    }


def print_history(engine: Engine, posting_id: int, fmt: str) -> None:
    from tracker.report.labels import category_label
    from tracker.report.serialize import format_band, format_places

    with core_scope(engine) as session:
        hist = queries.posting_history(session, posting_id)
    if hist is None:
        raise ConfigError(f"no posting with id {posting_id} (see `tracker roles --all`)")
    if fmt == "json":
        typer.echo(dumps(history_dict(hist)))
        return
    role = hist.role
    head = f"#{role.id} {role.title} — {role.company_name} ({role.source} {role.external_id})"
    typer.echo(clean(head))
    typer.echo(f"url: {clean(role.url or '-')}")
    spans = [{"opened": iso(s.opened_at), "closed": iso(s.closed_at) or "open"} for s in hist.spans]
    print_table(rows_table(spans, ["opened", "closed"], "Open spans (gaps = closed periods)"))
    rows = [
        {
            "from": iso(v.valid_from),
            "to": iso(v.valid_to) or "",
            "title": v.title,
            "category": f"{category_label(v.category)} [{v.category_rule or '-'}]",
            "places": format_places(v.locations, v.remote),
            "salary": format_band(v.salary),
            "changed": ", ".join(v.changes) or ("first version" if v is hist.versions[0] else ""),
        }
        for v in hist.versions
    ]
    cols = ["from", "to", "title", "category", "places", "salary", "changed"]
    print_table(rows_table(rows, cols, "Versions", terminal_width(), ("to", "places", "category")))


def print_diff(
    engine: Engine,
    start: datetime,
    end: datetime,
    flt: RoleFilter,
    fmt: str,
    extra_dims: Sequence[str] = (),
) -> None:
    from jobs.reports import build_report
    from tracker.diff import gc_paused
    from tracker.report.jsonout import report_json
    from tracker.report.render import render_html, render_markdown, render_text

    if start >= end:
        raise ConfigError(f"--from ({iso(start)}) must be before --to ({iso(end)})")
    with gc_paused():  # one pause for the report and its text (see gc_paused)
        report = build_report(engine, start, end, flt, extra_dims)
        if fmt == "json":
            text, nl = report_json(report), True
        elif fmt == "markdown":
            text, nl = render_markdown(report), False
        elif fmt == "html":
            from jobs.reports import chart_uris

            chart = chart_uris(engine, end, replace(flt, include_all=False))
            text, nl = render_html(report, chart=chart), False
        else:
            text, nl = render_text(report), False
    typer.echo(text, nl=nl)


def salary_rows(
    found: Sequence[Any], currency: str | None, at: datetime, every: bool = False
) -> list[dict[str, Any]]:
    """One row per role with a published band (``every``: one per band, primary first, with
    its label); ``currency`` converts (ECB rate of ``at``)."""
    from tracker.normalize.fx import convert
    from tracker.report.serialize import format_places

    rows = []
    pairs = [
        (role, band)
        for role in found
        for band in ((role.salaries or (role.salary,)) if every else (role.salary,))
        if band is not None
    ]
    for role, band in pairs:
        row = {
            **{k: v for k, v in role_dict(role).items() if k in ("id", "company", "title")},
            "category": role.category,
            "locations": format_places(role.locations, role.remote),
            "min": band.min, "max": band.max, "currency": band.currency, "period": band.period,
            "min_usd": band.min_usd, "max_usd": band.max_usd, "source": band.source,
            **({"label": band.label} if every else {}),
        }  # fmt: skip
        if currency:
            row[f"min_{currency.lower()}"] = _rounded(
                convert(band.min, band.currency, currency, at)
            )
            row[f"max_{currency.lower()}"] = _rounded(
                convert(band.max, band.currency, currency, at)
            )
        rows.append(row)
    return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value)


def print_salaries(
    engine: Engine,
    flt: RoleFilter,
    at: datetime,
    currency: str | None,
    fmt: str,
    limit: int | None = DEFAULT_LIMIT,
    every: bool = False,
) -> None:
    from tracker.normalize.fx import supported

    if currency is not None and not supported(currency.upper()):
        raise ConfigError(f"unknown or unsupported currency {currency!r} (use e.g. USD, EUR, GBP)")
    cur = currency.upper() if currency else None
    found = fetch_roles(engine, flt, at)
    rows = salary_rows(found, cur, at, every)
    if fmt == "json":
        typer.echo(dumps(rows))
        return
    if fmt == "csv":
        typer.echo(to_csv(rows, list(rows[0]) if rows else ["id"]), nl=False)
        return
    shown = limited(rows, limit)
    published = len({row["id"] for row in rows})
    title = f"{published:,} of {len(found):,} open roles publish pay ({iso(at)})"
    table = salaries_table(shown, {r.id: r for r in found}, cur, title, every)
    print_table(table, more_line(len(shown), len(rows)))


def salaries_table(
    rows: Sequence[dict[str, Any]],
    by_id: dict[int, Any],
    cur: str | None,
    title: str,
    every: bool = False,
) -> Any:
    """The salaries table in the one money format of ``roles`` and ``diff`` (native band,
    ``≈ $`` in USD), plus the asked currency; with ``every``, one row per published band."""
    from tracker.report.money import band_text, range_text

    table_rows = []
    for row in rows:
        role = by_id[row["id"]]
        band = SalaryBand(
            row["min"], row["max"], row["currency"], row["period"], row["source"],
            row["min_usd"], row["max_usd"],
        )  # fmt: skip
        item = {**row, "company": role.company_name, "pay": band_text(band)}
        if cur:
            lo, hi = row[f"min_{cur.lower()}"], row[f"max_{cur.lower()}"]
            item[cur] = range_text(lo, hi, cur) + PERIOD_SUFFIX.get(row["period"], "")
        table_rows.append(item)
    cols = [
        "id",
        "company",
        "title",
        "locations",
        *(["label"] if every else []),
        "pay",
        *([cur] if cur else []),
    ]
    return rows_table(table_rows, cols, title, terminal_width(), droppable=("locations",))
