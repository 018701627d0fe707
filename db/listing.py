"""One page of a long listing: the total and one slice of rows, sorted and cut in SQL
(``tracker roles`` on a terminal with 23,000 open roles loads 100 roles, not 23,000; the web
view pages through them). Read-only; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from db.queries import _places, _role, roles_stmt
from db.tables import COMPANY, PLACE, POSTING, VERSION
from tracker.domain import Role, RoleFilter
from tracker.errors import ConfigError

if TYPE_CHECKING:
    from db.session import SessionLike

# Sort keys of :func:`role_page`; every order ends with the posting id, so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "company": (COMPANY.c.slug, VERSION.c.title),  # the order of tracker roles
    "title": (VERSION.c.title, COMPANY.c.slug),
    "newest": (POSTING.c.first_seen.desc(),),
    "oldest": (POSTING.c.first_seen,),
    "pay": (VERSION.c.salary_max_usd.desc().nulls_last(), COMPANY.c.slug, VERSION.c.title),
}


@dataclass(frozen=True)
class RolePage:
    """Roles ``offset`` to ``offset + len(roles)`` of ``total`` open roles, in ``sort`` order."""

    total: int
    offset: int
    limit: int
    sort: str
    roles: list[Role]

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.roles) < self.total


def role_page(
    session: SessionLike,
    at: datetime,
    flt: RoleFilter,
    *,
    offset: int = 0,
    limit: int = 100,
    sort: str = "company",
) -> RolePage:
    """One page of the roles open at ``at`` under ``flt`` (the rows of
    :func:`db.queries.roles_at`), sorted by ``sort`` (a key of :data:`SORTS`), plus their
    total. Two queries for the page and its places, one for the total."""
    if sort not in SORTS:
        raise ConfigError(f"bad sort {sort!r}: use {', '.join(SORTS)}")
    if offset < 0 or limit < 1:
        raise ConfigError("bad page: offset must be >= 0 and limit >= 1")
    conn = session.connection()
    stmt = roles_stmt(at, flt)
    total = conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    count = int(total.scalar() or 0)
    page = stmt.order_by(None).order_by(*SORTS[sort], POSTING.c.id).offset(offset).limit(limit)
    rows = conn.execute(page).all() if offset < count else []
    places = _places(conn, PLACE.c.version_id.in_([r.v_id for r in rows])) if rows else {}
    roles = [_role(row, places.get(row.v_id, ())) for row in rows]
    return RolePage(total=count, offset=offset, limit=limit, sort=sort, roles=roles)


def roles_page(
    session: SessionLike, at: datetime, flt: RoleFilter, limit: int
) -> tuple[int, list[Role]]:
    """(how many roles are open at ``at`` under ``flt``, the first ``limit`` of them in the
    order of :func:`db.queries.roles_at`)."""
    page = role_page(session, at, flt, limit=limit)
    return page.total, page.roles
