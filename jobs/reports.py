"""Building Reports from the database: two snapshots, the unverified sources, the diff."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from db import digests, queries, streaks
from db.scope import enabled_sources
from db.session import core_scope
from tracker.diff import (
    REPORT_DIMS,
    Report,
    Snapshot,
    Unverified,
    diff,
    gc_paused,
    ids_to_load,
)
from tracker.domain import RoleFilter

if TYPE_CHECKING:
    from db.session import SessionLike
    from tracker.report.chart import ChartData  # Pillow: loaded only for charts

CHART_WEEKS = 12


def in_scope(flt: RoleFilter, company: str, key: str) -> bool:
    """Whether a source's numbers belong to a report under these filters."""
    if flt.company and company not in flt.company:
        return False
    return not (flt.source and key not in flt.source)


def unverified(
    session: SessionLike, start: datetime, end: datetime, flt: RoleFilter, names: dict[str, str]
) -> list[Any]:
    shown = [
        u
        for u in queries.unverified_sources(session, start, end)
        if in_scope(flt, u.company, u.source)
    ]
    since = streaks.failing_since(session.connection(), [u.source for u in shown], end)
    return [
        Unverified(u.source, u.last_ok, u.error, since.get(u.source), names.get(u.source))
        for u in shown
    ]


def shown_ids(a: Sequence[Any], b: Sequence[Any], include_all: bool) -> tuple[set[int], set[int]]:
    """:func:`tracker.diff.ids_to_load` without the roles a compute-only report never shows
    (opened or closed non-compute roles; changes where neither end is compute)."""
    load_a, load_b = ids_to_load(a, b)
    if include_all:
        return load_a, load_b
    compute = {k.id for k in (*a, *b) if k.compute}
    return load_a & compute, load_b & compute


def build_report(
    engine: Engine,
    start: datetime,
    end: datetime,
    flt: RoleFilter,
    extra_dims: Sequence[str] = (),
) -> Report:
    """Diff the roles open at ``start`` and at ``end`` under the filters.

    Whole snapshots are light keys; full roles are loaded only for what the report shows.
    """
    snapshot_filter = replace(flt, include_all=True)
    dims = list(dict.fromkeys([*REPORT_DIMS, *extra_dims]))
    with gc_paused():  # one pause: the collector's next pass sees the report, not the rows
        with core_scope(engine) as session:
            (keys_a, roles_a), (keys_b, roles_b) = queries.snapshot_pair(
                session, start, end, snapshot_filter
            )
            load_a, load_b = shown_ids(keys_a, keys_b, flt.include_all)
            a = Snapshot(keys_a, roles_a(sorted(load_a)))
            b = Snapshot(keys_b, roles_b(sorted(load_b)))
            del roles_a, roles_b  # and the snapshots' rows they hold
            scope = [s for s in enabled_sources(session) if in_scope(flt, s.company, s.key)]
            missing = unverified(session, start, end, flt, {s.key: s.company_name for s in scope})
        return diff(
            a, b, start, end, include_all=flt.include_all, unverified=missing, dims=dims,
            sources=len(scope),
        )  # fmt: skip


def chart_data(
    engine: Engine, end: datetime, weeks: int = CHART_WEEKS, flt: RoleFilter | None = None
) -> ChartData:
    """Open compute roles per company at the end of each of the last ``weeks`` weeks."""
    points = [end - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    with core_scope(engine) as session:
        counts = digests.open_counts_by_company(session, points, flt)
    names = sorted({name for point in counts for name in point})
    series = {name: [point.get(name, 0) for point in counts] for name in names}
    labels = tuple(f"{p.day} {p.strftime('%b')}" for p in points)
    from tracker.report.chart import ChartData

    return ChartData(labels=labels, series=series)


def chart_uris(engine: Engine, end: datetime, flt: RoleFilter | None = None) -> dict[str, str]:
    """The open-roles chart for an HTML page, light and dark, as ``data:`` URIs."""
    from tracker.report.chart import render_chart

    data = chart_data(engine, end, flt=flt)
    return {
        theme: "data:image/png;base64," + base64.b64encode(render_chart(data, theme=theme)).decode()
        for theme in ("light", "dark")
    }
