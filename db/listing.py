"""One page of a long listing: the total and the first rows only (``tracker roles`` on a
terminal with 23,000 open roles loads 100 roles, not 23,000). Read-only; never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from db.queries import _places, _role, roles_stmt
from db.tables import PLACE
from tracker.domain import Role, RoleFilter


def roles_page(
    session: Session, at: datetime, flt: RoleFilter, limit: int
) -> tuple[int, list[Role]]:
    """(how many roles are open at ``at`` under ``flt``, the first ``limit`` of them in the
    order of :func:`db.queries.roles_at`)."""
    conn = session.connection()
    stmt = roles_stmt(at, flt)
    total = conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    count = int(total.scalar() or 0)
    rows = conn.execute(stmt.limit(limit)).all()
    places = _places(conn, PLACE.c.version_id.in_([r.v_id for r in rows])) if rows else {}
    return count, [_role(row, places.get(row.v_id, ())) for row in rows]
