"""Hash mismatches that are no change, settled before a run is applied (``db.store``).

A posting's stored hash may come from an older rule: one that counted US-dollar amounts (an
exchange-rate move is not a change), or a version stored before every pay band was kept
(migration ``0004_pay``). Such postings are compared on their stored content instead; when it
is the same they count as unchanged, their hash is refreshed, and a pre-``0004_pay`` version
gets its bands and pay lines filled in (no new version). Helpers never commit.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Connection, bindparam, update

from db import driver
from db.apply import listed
from db.paycols import pay_values
from db.plan import RunPlan
from db.plan import settle_derived as plan_settle
from db.renorm import _posting as stored_posting
from db.tables import POSTING, VERSION
from tracker.domain import Place, Posting


def settle_derived(conn: Connection, source_id: int, plan: RunPlan) -> None:
    """Hash mismatches that are no change (a hash by an older rule): unchanged, hash refreshed;
    a version stored before every band was kept gets its bands and pay lines filled in."""
    incoming = {
        c.existing.id: c.posting for c in plan.changed + plan.reopened if c.posting is not None
    }
    if not incoming:
        return
    stored, legacy = _current(conn, source_id, sorted(incoming))
    refresh = plan_settle(plan, stored, frozenset(legacy))
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


_VERSION_COLS = (
    "id",
    "title",
    "url",
    "department",
    "team",
    "compute",
    "category",
    "category_rule",
    "remote",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_source",
    "salary_min_usd",
    "salary_max_usd",
    "salary_label",
    "salary_bands",
    "pay_lines",
)
_CURRENT = (
    "SELECT posting.external_id, {versions}, posting_place.raw, posting_place.city,"
    " posting_place.country, posting_place.region"
    " FROM posting JOIN posting_version ON posting_version.id = posting.current_version_id"
    " LEFT OUTER JOIN posting_place ON posting_place.version_id = posting_version.id"
    " WHERE posting.source_id = {mark} AND posting.id IN ({within})"
    " ORDER BY posting.id, posting_place.position"
).replace("{versions}", ", ".join(f"posting_version.{c}" for c in _VERSION_COLS))


def _current(
    conn: Connection, source_id: int, posting_ids: list[int]
) -> tuple[dict[str, Posting], dict[str, int]]:
    """The stored current content of some postings of the source by external id (as
    :func:`db.renorm.current_postings` reads it), and which of those versions have pay stored
    before migration ``0004_pay`` (no ``salary_bands``): external id -> version id. One
    statement: versions with their places, in position order."""
    within, ids = listed(conn, posting_ids)
    sql = _CURRENT.format(mark=driver.mark(conn), within=within)
    versions: dict[str, tuple[object, ...]] = {}
    places: dict[str, list[Place]] = {}
    for row in driver.rows(conn, sql, (source_id, *ids)):
        ext = row[0]
        if ext not in versions:
            versions[ext], places[ext] = row[1:20], []
        if row[20] is not None:  # a place (``raw`` is never null): not the outer join's none
            places[ext].append(Place(*row[20:]))
    stored: dict[str, Posting] = {}
    legacy: dict[str, int] = {}
    for ext, values in versions.items():
        version = SimpleNamespace(external_id=ext, **dict(zip(_VERSION_COLS, values, strict=True)))
        stored[ext] = stored_posting(version, tuple(places[ext]))
        if version.salary_bands is None and version.salary_currency is not None:
            legacy[ext] = int(version.id)
    return stored, legacy
