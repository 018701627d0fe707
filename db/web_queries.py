"""Read-only queries of the web view: one sorted page of the roles open at a time, and its total.

The rows are those of :func:`db.queries.roles_at` (same filters, same version at ``at``); only
the order and the window differ. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, nulls_last, select
from sqlmodel import Session

from db.queries import _places, _role, roles_stmt
from db.tables import COMPANY, PLACE, POSTING, VERSION
from tracker.domain import Role, RoleFilter

SORT_COLUMNS: dict[str, Any] = {
    "company": COMPANY.c.slug,
    "title": VERSION.c.title,
    "category": VERSION.c.category,
    "first_seen": POSTING.c.first_seen,
    "last_seen": POSTING.c.last_seen,
    "pay": VERSION.c.salary_max_usd,
    "id": POSTING.c.id,
}


@dataclass(frozen=True)
class RolesPage:
    total: int
    roles: list[Role]


def roles_window(
    session: Session,
    at: datetime,
    flt: RoleFilter,
    *,
    sort: str = "company",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> RolesPage:
    """The roles open at ``at`` under ``flt``, sorted by ``sort`` (a key of SORT_COLUMNS; ties
    by company, title, id), ``limit`` rows from ``offset``, and how many there are in all."""
    conn = session.connection()
    base = roles_stmt(at, flt).order_by(None)
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar()
    column = SORT_COLUMNS[sort]
    first = column.desc() if descending else column.asc()
    stmt = base.order_by(nulls_last(first), COMPANY.c.slug, VERSION.c.title, POSTING.c.id)
    rows = conn.execute(stmt.limit(limit).offset(offset)).all()
    places = _places(conn, PLACE.c.version_id.in_([r.v_id for r in rows])) if rows else {}
    return RolesPage(int(total or 0), [_role(row, places.get(row.v_id, ())) for row in rows])
