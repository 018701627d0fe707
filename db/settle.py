"""Hash mismatches that are no change, settled before a run is applied (``db.store``).

A posting's stored hash may come from an older rule: one that counted US-dollar amounts (an
exchange-rate move is not a change), or a version stored before every pay band was kept
(migration ``0004_pay``). Such postings are compared on their stored content instead; when it
is the same they count as unchanged, their hash is refreshed, and a pre-``0004_pay`` version
gets its bands and pay lines filled in (no new version). Helpers never commit.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select, update

from db.paycols import pay_values
from db.plan import RunPlan
from db.plan import settle_derived as plan_settle
from db.renorm import current_postings
from db.tables import POSTING, VERSION


def settle_derived(conn: Connection, source_id: int, plan: RunPlan) -> None:
    """Hash mismatches that are no change (a hash by an older rule): unchanged, hash refreshed;
    a version stored before every band was kept gets its bands and pay lines filled in."""
    incoming = {
        c.existing.id: c.posting for c in plan.changed + plan.reopened if c.posting is not None
    }
    if not incoming:
        return
    ids = [posting.external_id for posting in incoming.values()]
    legacy = _legacy_versions(conn, source_id, ids)
    refresh = plan_settle(plan, current_postings(conn, source_id, ids), frozenset(legacy))
    if not refresh:
        return
    stmt = update(POSTING).where(POSTING.c.id == bindparam("b_id"))
    stmt = stmt.values(content_hash=bindparam("b_hash"))
    conn.execute(stmt, [{"b_id": pid, "b_hash": digest} for pid, digest in refresh])
    for pid, _ in refresh:
        posting = incoming[pid]
        if posting.external_id in legacy:
            fill = update(VERSION).where(VERSION.c.id == legacy[posting.external_id])
            conn.execute(fill.values(**pay_values(posting)))


def _legacy_versions(conn: Connection, source_id: int, external_ids: list[str]) -> dict[str, int]:
    """Current versions with pay stored before migration ``0004_pay`` (no ``salary_bands``)."""
    stmt = (
        select(POSTING.c.external_id, VERSION.c.id)
        .join(VERSION, VERSION.c.id == POSTING.c.current_version_id)
        .where(
            POSTING.c.source_id == source_id,
            POSTING.c.external_id.in_(sorted(set(external_ids))),
            VERSION.c.salary_bands.is_(None),
            VERSION.c.salary_currency.is_not(None),
        )
    )
    return {ext: int(vid) for ext, vid in conn.execute(stmt)}
