"""Open-role counts at many points in time, by one dimension, in one SQL query over the spans.

A role is open at T when one of its spans is (``opened_at <= T < closed_at``); it is counted with
the version valid at T. A role with several countries (regions, cities) counts once under each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from db.queries import _filtered
from db.store import as_utc
from db.tables import COMPANY, PLACE, POSTING, SOURCE, SPAN, VERSION, UTCDateTime
from tracker.domain import RoleFilter

_COLUMNS: dict[str, Any] = {
    "company": COMPANY.c.slug,
    "category": VERSION.c.category,
    "source": SOURCE.c.key,
    "country": PLACE.c.country,
    "region": PLACE.c.region,
    "city": PLACE.c.city,
}


def open_counts(
    conn: Connection, points: Sequence[datetime], dim: str, flt: RoleFilter
) -> list[tuple[datetime, str | None, int]]:
    """``(point, value, open roles)`` for every point and value with at least one role."""
    if not points:
        return []
    pts = union_all(
        *(select(literal(as_utc(p), UTCDateTime()).label("at")) for p in points)
    ).subquery("pt")
    value = _COLUMNS[dim]
    joined = (
        pts.join(SPAN, and_(SPAN.c.opened_at <= pts.c.at,
                            or_(SPAN.c.closed_at.is_(None), SPAN.c.closed_at > pts.c.at)))
        .join(POSTING, POSTING.c.id == SPAN.c.posting_id)
        .join(SOURCE, SOURCE.c.id == POSTING.c.source_id)
        .join(COMPANY, COMPANY.c.id == POSTING.c.company_id)
        .join(VERSION, and_(VERSION.c.posting_id == POSTING.c.id, VERSION.c.valid_from <= pts.c.at,
                            or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to > pts.c.at)))
    )  # fmt: skip
    if dim in ("country", "region", "city"):
        joined = joined.outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    stmt = (
        select(pts.c.at, value.label("value"), func.count(func.distinct(POSTING.c.id)))
        .select_from(joined)
        .group_by(pts.c.at, value)
    )
    stmt = _filtered(stmt, flt)
    return [(as_utc(at), val, int(n)) for at, val, n in conn.execute(stmt)]
