"""Primary pay bands of the roles open at many points in time, by one dimension, in one query.

Same rule as :mod:`db.trend`: a role is open at T when one of its spans is, with the version
valid at T; a role with several countries (regions, cities) appears once under each. The
medians are computed by the caller (:mod:`tracker.pay_stats`) over these rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from db.queries import _filtered
from db.tables import COMPANY, PLACE, POSTING, SOURCE, SPAN, VERSION, UTCDateTime, as_utc
from db.trend import DIM_COLUMNS, known_place_value
from tracker.domain import RoleFilter, SalaryBand


def pay_bands(
    conn: Connection, points: Sequence[datetime], dim: str, flt: RoleFilter
) -> dict[tuple[datetime, str | None], list[SalaryBand | None]]:
    """``{(point, value): [primary band or None per open role]}``."""
    if not points:
        return {}
    pts = union_all(
        *(select(literal(as_utc(p), UTCDateTime()).label("at")) for p in points)
    ).subquery("pt")
    value = DIM_COLUMNS[dim]
    joined = (
        pts.join(SPAN, and_(SPAN.c.opened_at <= pts.c.at,
                            or_(SPAN.c.closed_at.is_(None), SPAN.c.closed_at > pts.c.at)))
        .join(POSTING, POSTING.c.id == SPAN.c.posting_id)
        .join(SOURCE, SOURCE.c.id == POSTING.c.source_id)
        .join(COMPANY, COMPANY.c.id == POSTING.c.company_id)
        .join(VERSION, and_(VERSION.c.posting_id == POSTING.c.id, VERSION.c.valid_from <= pts.c.at,
                            or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to > pts.c.at)))
    )  # fmt: skip
    place_dim = dim in ("country", "region", "city")
    if place_dim:
        joined = joined.outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    v = VERSION.c
    stmt = (
        select(pts.c.at, value.label("value"), POSTING.c.id, v.salary_min, v.salary_max,
               v.salary_currency, v.salary_period, v.salary_min_usd, v.salary_max_usd)
        .select_from(joined)
        .distinct()
    )  # fmt: skip
    if place_dim:
        stmt = stmt.where(known_place_value(dim))
    stmt = _filtered(stmt, flt)
    found: dict[tuple[datetime, str | None], list[SalaryBand | None]] = {}
    for row in conn.execute(stmt):
        band = None
        if row.salary_min is not None or row.salary_max is not None:
            band = SalaryBand(
                row.salary_min, row.salary_max, row.salary_currency,
                row.salary_period or "year", "structured", row.salary_min_usd, row.salary_max_usd,
            )  # fmt: skip
        found.setdefault((as_utc(row.at), row.value), []).append(band)
    return found
