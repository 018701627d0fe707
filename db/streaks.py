"""When each source's current run of failures began: one query for any number of sources."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, and_, func, or_, select

from db.tables import RUN, SOURCE, as_utc


def failing_since(conn: Connection, keys: Collection[str], end: datetime) -> dict[str, datetime]:
    """For each key whose latest run up to ``end`` is not ``ok``: the first run of that streak
    (the earliest run after the last ``ok`` one, or the first run ever). Keys whose latest run
    is ``ok``, or with no run, are absent."""
    if not keys:
        return {}
    end = as_utc(end)
    ok = RUN.alias("ok_run")
    last_ok = (
        select(func.max(ok.c.observed_at))
        .where(ok.c.source_id == RUN.c.source_id, ok.c.status == "ok", ok.c.observed_at <= end)
        .scalar_subquery()
    )
    stmt = (
        select(SOURCE.c.key, func.min(RUN.c.observed_at))
        .join(SOURCE, SOURCE.c.id == RUN.c.source_id)
        .where(
            SOURCE.c.key.in_(sorted(keys)),
            RUN.c.observed_at <= end,
            or_(last_ok.is_(None), and_(RUN.c.observed_at > last_ok, RUN.c.status != "ok")),
        )
        .group_by(SOURCE.c.key)
    )
    return {key: as_utc(since) for key, since in conn.execute(stmt) if since is not None}
