"""Open-role counts at many points in time, by one dimension, from one SQL query over the spans.

A role is open at T when one of its spans is (``opened_at <= T < closed_at``); it is counted with
the version valid at T. A role with several countries (regions, cities) counts once under each.

How: a posting's *segments* are the overlaps of its spans with its versions; during a segment
``[start, end)`` the posting is open with one version, and a posting's segments never overlap.
The query turns each (segment, value) into ``+1`` at ``start`` and ``-1`` at ``end`` and sums
them per (time, value); the open count at T is the running sum of the changes at times ``<= T``.
One scan of the history, whatever the number of points.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.engine import Connection

from db.queries import _filtered
from db.tables import COMPANY, PLACE, POSTING, SOURCE, SPAN, VERSION, UTCDateTime, as_utc
from tracker.domain import RoleFilter

DIM_COLUMNS: dict[str, Any] = {  # the column each DIM counts by (trend and pay trend)
    "company": COMPANY.c.slug,
    "category": VERSION.c.category,
    "source": SOURCE.c.key,
    "country": PLACE.c.country,
    "region": PLACE.c.region,
    "city": PLACE.c.city,
}
_PLACE_DIMS = ("country", "region", "city")


def known_place_value(dim: str) -> Any:
    """Where-clause for a place dimension, as ``tracker count`` counts: a version's places
    without a value (no country, say) count under "none" only when none of its places has one."""
    value = DIM_COLUMNS[dim]
    other = PLACE.alias("other_place")
    known = other.c[dim]
    has_known = exists().where(other.c.version_id == VERSION.c.id, known.is_not(None), known != "")
    return or_(and_(value.is_not(None), value != ""), ~has_known)


def _segments(dim: str, flt: RoleFilter, first: datetime, last: datetime) -> Any:
    """CTE ``(start, end, value)``: one row per value of each segment that starts by ``last``
    and is still open at ``first`` (one that ended by ``first`` adds +1 and -1 before the
    first point: nothing)."""
    value = DIM_COLUMNS[dim]
    start = case(
        (VERSION.c.valid_from > SPAN.c.opened_at, VERSION.c.valid_from), else_=SPAN.c.opened_at
    )
    end = case(
        (SPAN.c.closed_at.is_(None), VERSION.c.valid_to),
        (VERSION.c.valid_to.is_(None), SPAN.c.closed_at),
        (VERSION.c.valid_to < SPAN.c.closed_at, VERSION.c.valid_to),
        else_=SPAN.c.closed_at,
    )
    overlap = and_(
        VERSION.c.posting_id == SPAN.c.posting_id,
        or_(SPAN.c.closed_at.is_(None), VERSION.c.valid_from < SPAN.c.closed_at),
        or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to > SPAN.c.opened_at),
    )
    joined = SPAN.join(VERSION, overlap)
    company, source = dim == "company" or bool(flt.company), dim == "source" or bool(flt.source)
    if company or source:  # only the joins the dimension and the filters need
        joined = joined.join(POSTING, POSTING.c.id == SPAN.c.posting_id)
    if company:
        joined = joined.join(COMPANY, COMPANY.c.id == POSTING.c.company_id)
    if source:
        joined = joined.join(SOURCE, SOURCE.c.id == POSTING.c.source_id)
    if dim in _PLACE_DIMS:
        joined = joined.outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    ids = (SPAN.c.id.label("span_id"), VERSION.c.id.label("version_id"))
    stmt = (
        select(*ids, start.label("start"), end.label("end"), value.label("value"))
        .select_from(joined)
        .where(or_(end.is_(None), and_(end > start, end > first)), start <= last)
    )
    if dim in _PLACE_DIMS:  # a version with two places in one country counts once there
        stmt = stmt.where(known_place_value(dim)).distinct()
    return _filtered(stmt, flt).cte("segment")


def _changes(
    conn: Connection, dim: str, flt: RoleFilter, first: datetime, last: datetime
) -> list[Any]:
    """``(time, value, change)`` rows, the changes summed per time and value, up to ``last``."""
    seg = _segments(dim, flt, first, last)
    moves = union_all(
        select(seg.c.start.label("t"), seg.c.value, literal(1).label("d")),
        select(seg.c.end.label("t"), seg.c.value, literal(-1).label("d")).where(
            seg.c.end.is_not(None), seg.c.end <= last
        ),
    ).subquery("move")
    stmt = select(
        type_coerce(moves.c.t, UTCDateTime()).label("t"), moves.c.value, func.sum(moves.c.d)
    ).group_by(moves.c.t, moves.c.value)
    return list(conn.execute(stmt))


def open_counts(
    conn: Connection, points: Sequence[datetime], dim: str, flt: RoleFilter
) -> list[tuple[datetime, str | None, int]]:
    """``(point, value, open roles)`` for every point and value with at least one role."""
    if not points:
        return []
    ordered = sorted({as_utc(p) for p in points})
    per_point: dict[str | None, list[int]] = defaultdict(lambda: [0] * len(ordered))
    for when, value, change in _changes(conn, dim, flt, ordered[0], ordered[-1]):
        index = bisect.bisect_left(ordered, as_utc(when))  # first point >= the change
        if index < len(ordered):
            per_point[value][index] += int(change)
    found: list[tuple[datetime, str | None, int]] = []
    for value, changes in per_point.items():
        running = 0
        for point, change in zip(ordered, changes, strict=True):
            running += change
            if running > 0:
                found.append((point, value, running))
    return found
