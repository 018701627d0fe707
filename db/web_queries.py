"""Read-only queries of the web view: one sorted page of the roles open at a time, and its total.

The rows are those of :func:`db.queries.roles_at` (same filters, same version at ``at``); only
the order and the window differ. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, nulls_last, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db.queries import _places, _role, roles_stmt
from db.tables import COMPANY, LAST_SEEN, PLACE, POSTING, RUN, SOURCE, VERSION
from tracker.domain import Role, RoleFilter

SORT_COLUMNS: dict[str, Any] = {
    "company": COMPANY.c.slug,
    "title": VERSION.c.title,
    "category": VERSION.c.category,
    "first_seen": POSTING.c.first_seen,
    "last_seen": LAST_SEEN,
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


def data_stamp(conn: Connection) -> tuple[int, int, int]:
    """Changes whenever what the pages show can change: a new run (every write of postings is
    one), a source added, removed, enabled or disabled. (last run id, sources, enabled)."""
    last_run = conn.execute(select(func.max(RUN.c.id))).scalar()
    enabled = func.sum(case((SOURCE.c.enabled.is_(True), 1), else_=0))
    sources, on = conn.execute(select(func.count(), enabled).select_from(SOURCE)).one()
    return int(last_run or 0), int(sources or 0), int(on or 0)


def company_names(conn: Connection) -> dict[str, str]:
    """Every company's slug -> display name (chart legends name companies no role shows)."""
    return {slug: name for slug, name in conn.execute(select(COMPANY.c.slug, COMPANY.c.name))}
