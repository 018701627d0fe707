"""``/api/*`` (the CLI's ``--format json`` shapes, from the same serializers), ``/feed.xml``
(``tracker feed``) and ``/sources`` (``tracker status``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs.views import fetch_roles
from tracker.report.inert import clean
from tracker.report.serialize import dumps, role_dict
from tracker.settings import parse_when
from tracker.web import params
from tracker.web.pages import engine_of
from tracker.web.render import page


def json_response(value: Any, status: int = 200) -> Response:
    """The bytes ``tracker ... --format json`` prints (one trailing newline)."""
    return Response(dumps(value) + "\n", status, media_type="application/json")


def api_roles(request: Request) -> Response:
    """``tracker roles --format json``."""
    engine = engine_of(request)
    flt = params.role_filter(engine, request.query_params)
    found = fetch_roles(engine, flt, params.at_time(request.query_params))
    return json_response([role_dict(r) for r in found])


def api_count(request: Request) -> Response:
    """``tracker count --by DIM --format json``."""
    from tracker.counts import count_roles

    engine = engine_of(request)
    query = request.query_params
    dims = params.dims(query, required=True)
    flt = params.role_filter(engine, query)
    return json_response(count_roles(fetch_roles(engine, flt, params.at_time(query)), dims))


def api_diff(request: Request) -> Response:
    """``tracker diff --format json``."""
    from jobs.reports import build_report
    from tracker.report.jsonout import report_dict

    engine = engine_of(request)
    query = request.query_params
    flt = params.role_filter(engine, query)
    start, end = params.diff_window(query)
    report = build_report(engine, start, end, flt, params.dims(query, required=False))
    return json_response(report_dict(report))


def api_trend(request: Request) -> Response:
    """``tracker trend --by DIM --format json``."""
    from jobs.trend import trend_rows

    engine = engine_of(request)
    query = request.query_params
    dim = params.dims(query, required=True, one=True)[0]
    flt = params.role_filter(engine, query)
    every, start, now = params.trend_window(query)
    return json_response(trend_rows(engine, flt, dim, every, start, now))


def feed(request: Request) -> Response:
    """``tracker feed``: Atom, events since ``?from=`` (default 30 days)."""
    from jobs.feed import build_feed

    engine = engine_of(request)
    query = request.query_params
    flt = params.role_filter(engine, query)
    since = params.moment(query, "from") or parse_when("30d")
    return Response(build_feed(engine, flt, since), media_type="application/atom+xml")


def sources_page(request: Request) -> HTMLResponse:
    """``tracker status`` for sources: last ok run, failures, unverified, next run."""
    from jobs.status import read_snapshot, source_rows

    engine = engine_of(request)
    settings = request.app.state.settings
    now = datetime.now(UTC)
    snap = read_snapshot(engine, settings, now)
    rows = [
        {
            **row,
            "error": clean(row["error"]) if row["error"] else "",
            "name": clean(info.company_name),
        }
        for row, info in zip(source_rows(snap, settings, now), snap.sources, strict=True)
    ]
    return page(
        request,
        "sources.html.j2",
        "sources",
        title=f"{len(rows)} sources",
        rows=rows,
        unverified=_unverified(engine, now),
        problems=sum(1 for r in rows if r["health"] not in ("ok", "disabled")),
        daemon=bool(snap.jobs),
    )


def _unverified(engine: Any, now: datetime) -> list[dict[str, Any]]:
    """The sources a report of the last 7 days would list as unverified."""
    from db import queries
    from db.session import session_scope
    from tracker.report.reasons import short_reason
    from tracker.report.serialize import iso

    with session_scope(engine) as session:
        found = queries.unverified_sources(session, now - timedelta(days=7), now)
    return [
        {
            "source": u.source,
            "last_ok": iso(u.last_ok) or "never",
            "why": clean(short_reason(u.error)),
        }
        for u in found
    ]
