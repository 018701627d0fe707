"""Check a command's FILTERS against what the database knows (companies, sources).

A company or source the database has never seen is bad input — one line naming the nearest
known values, exit 2 — never a silent "0 open roles".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.session import core_scope
from db.tables import COMPANY, SOURCE
from tracker.domain import RoleFilter
from tracker.filters import resolve_known


def known_filter(engine: Engine, flt: RoleFilter) -> RoleFilter:
    """``flt`` with companies as slugs; raises ConfigError for unknown companies or sources."""
    if not flt.company and not flt.source:
        return flt
    with core_scope(engine) as session:
        conn = session.connection()
        companies = {
            row.slug: row.name for row in conn.execute(select(COMPANY.c.slug, COMPANY.c.name))
        }
        sources = sorted(conn.execute(select(SOURCE.c.key)).scalars())
    return resolve_known(flt, companies, sources)
