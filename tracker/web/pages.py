"""The report pages: ``/`` (the week's headlines, charts, opened and closed) and ``/diff``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse

from db.web_queries import company_names
from jobs.reports import build_report
from jobs.trend import periods, trend_rows
from tracker.diff import Report
from tracker.domain import RoleFilter
from tracker.report.inert import clean
from tracker.report.render import Section, dim_label, heading, sections
from tracker.web import params
from tracker.web.render import page
from tracker.web.svg import line_chart

CHART_DIMS = ("company", "region", "category")
CHART_WEEKS = 12
CHART_TITLES = {
    "company": "Open compute roles by company",
    "region": "Open compute roles by region",
    "category": "Open compute roles by category",
}


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def chart_rows(engine: Engine, flt: RoleFilter, dim: str, end: datetime) -> list[dict[str, Any]]:
    """``tracker trend --by DIM`` over the 12 weeks up to ``end``."""
    return trend_rows(engine, flt, dim, "week", end - timedelta(weeks=CHART_WEEKS - 1), end)


def trend_chart(
    rows: list[dict[str, Any]], dim: str, end: datetime, names: dict[str, str]
) -> dict[str, Any]:
    """One chart of :func:`chart_rows` as inline SVG (companies by their display names)."""
    points = periods(end - timedelta(weeks=CHART_WEEKS - 1), end, "week")
    labels = [label for label, _ in points]
    series: dict[str, list[int]] = {}
    for row in rows:
        name = clean(dim_label(dim, row[dim], names))
        series.setdefault(name, [0] * len(labels))[labels.index(row["period"])] += row["count"]
    title = CHART_TITLES[dim] + f", {labels[0]} to {labels[-1]}"
    return {
        "title": title,
        "svg": line_chart(title, labels, series, f"chart-{dim}"),
        "labels": labels,
        "series": sorted(series.items(), key=lambda kv: (-kv[1][-1], kv[0])),
    }


def pick(found: list[Section], prefix: str) -> Section | None:
    return next((s for s in found if s.title.startswith(prefix)), None)


def home(request: Request) -> HTMLResponse:
    """The week up to ``?to=`` (now): headlines, charts of open roles, what opened and closed."""
    engine = engine_of(request)
    flt = params.role_filter(engine, request.query_params)
    end = params.moment(request.query_params, "to") or datetime.now(UTC)
    chart_filter = replace(flt, include_all=False) if not flt.category else flt
    with ThreadPoolExecutor(max_workers=len(CHART_DIMS) + 1) as pool:  # own connection each
        series = [pool.submit(chart_rows, engine, chart_filter, d, end) for d in CHART_DIMS]
        report = build_report(engine, end - timedelta(days=7), end, flt)
        found_rows = [f.result() for f in series]
    with engine.connect() as conn:
        names = company_names(conn)
    charts = [
        trend_chart(rows, dim, end, names) for rows, dim in zip(found_rows, CHART_DIMS, strict=True)
    ]
    query = request.query_params
    for chart, dim in zip(charts, CHART_DIMS, strict=True):
        chart["trend_query"] = params.with_params(query, by=dim, to=None, all=None)
    found = sections(report)
    return page(
        request,
        "home.html.j2",
        "home",
        title="This week",
        report=_report_context(report),
        charts=charts,
        opened=pick(found, "New roles"),
        closed=pick(found, "Closed roles"),
        unverified=pick(found, "Unverified"),
        form=params.form_values(query),
        include_all=flt.include_all,
        diff_link=params.link("/diff", query),
        roles_link=params.link("/roles", query, to=None),
    )


def diff_page(request: Request) -> HTMLResponse:
    """``tracker diff`` as a page: the period and filters in the query string."""
    engine = engine_of(request)
    query = request.query_params
    flt = params.role_filter(engine, query)
    start, end = params.diff_window(query)
    report = build_report(engine, start, end, flt, params.dims(query, required=False))
    form = {**params.form_values(query), "from": _date(start), "to": _date(end)}
    return page(
        request,
        "diff.html.j2",
        "diff",
        title=clean(heading(report)),
        report=_report_context(report),
        sections=[s for s in sections(report) if s.rows],
        form=form,
        include_all=flt.include_all,
        json_link=params.link("/api/diff", query),
    )


def _date(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


def _report_context(report: Report) -> dict[str, Any]:
    return {
        "heading": clean(heading(report)),
        "summary": [clean(line) for line in report.summary],
        "start": report.start,
        "end": report.end,
    }
