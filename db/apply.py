"""Bulk statements that apply a :class:`db.plan.RunPlan` (used by ``db.store.record_run``).

Every helper takes a Core ``Connection`` inside the caller's transaction and issues a bounded
number of statements whatever the board size: multi-row ``INSERT ... RETURNING``, executemany
``UPDATE`` by primary key, or one ``UPDATE ... WHERE id IN (...)`` with the integer ids rendered
inline (no bind-parameter limit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, insert, update
from sqlalchemy.sql.elements import ColumnElement

from db.paycols import pay_values
from db.plan import Existing, RunPlan
from db.tables import PLACE, POSTING, RUN, SPAN, VERSION
from tracker.domain import Posting

# (posting id, incoming posting, its content hash) for every version this run inserts
VersionItem = tuple[int, Posting, str]


def id_list(ids: Iterable[int]) -> BindParameter[Any]:
    """An expanding IN parameter rendered as inline integers (safe: ints only)."""
    return bindparam(None, [int(i) for i in ids], expanding=True, literal_execute=True)


def ids_in(column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (ids...)`` without a bind parameter per id."""
    return column.in_(id_list(ids))


_INSERT_RUN = insert(RUN).returning(RUN.c.id)  # built once: values go in as parameters


def insert_run(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one run row and return its id."""
    return int(conn.execute(_INSERT_RUN, values).scalar_one())


def insert_postings(
    conn: Connection,
    source_id: int,
    company_id: int,
    plan: RunPlan,
    observed_at: datetime,
    signatures: Mapping[str, str | None] | None = None,
) -> dict[str, int]:
    """Insert the plan's new postings (with their list signatures, when given); return
    ``{external_id: posting id}``."""
    if not plan.new:
        return {}
    signatures = signatures or {}
    rows = [
        {
            "source_id": source_id,
            "company_id": company_id,
            "external_id": posting.external_id,
            "first_seen": observed_at,
            "last_seen": observed_at,
            "closed_at": None,
            "content_hash": digest,
            "signature": signatures.get(posting.external_id),
        }
        for posting, digest in plan.new
    ]
    stmt = insert(POSTING).returning(POSTING.c.id, POSTING.c.external_id)
    return {ext: pid for pid, ext in conn.execute(stmt, rows)}


def version_values(
    posting: Posting, digest: str, posting_id: int, run_id: int, observed_at: datetime
) -> dict[str, Any]:
    """The ``posting_version`` row for ``posting``."""
    salary = posting.salary
    return {
        "posting_id": posting_id,
        "run_id": run_id,
        "valid_from": observed_at,
        "valid_to": None,
        "title": posting.title,
        "department": posting.department,
        "team": posting.team,
        "url": posting.url,
        "compute": posting.compute,
        "category": posting.category,
        "category_rule": posting.category_rule,
        "remote": posting.remote,
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_min_usd": salary.min_usd if salary else None,
        "salary_max_usd": salary.max_usd if salary else None,
        "salary_source": salary.source if salary else None,
        "salary_label": salary.label if salary else None,
        **pay_values(posting),
        "content_hash": digest,
    }


def insert_versions(
    conn: Connection, items: Sequence[VersionItem], run_id: int, observed_at: datetime
) -> dict[int, int]:
    """Insert one version (and its places) per item; return ``{posting id: version id}``."""
    if not items:
        return {}
    rows = [version_values(p, digest, pid, run_id, observed_at) for pid, p, digest in items]
    stmt = insert(VERSION).returning(VERSION.c.id, VERSION.c.posting_id)
    version_ids = {pid: vid for vid, pid in conn.execute(stmt, rows)}
    places = [
        {
            "version_id": version_ids[pid],
            "position": position,
            "raw": place.raw,
            "city": place.city,
            "country": place.country,
            "region": place.region,
        }
        for pid, posting, _ in items
        for position, place in enumerate(posting.places)
    ]
    if places:
        conn.execute(insert(PLACE), places)
    return version_ids


def set_current_versions(
    conn: Connection, items: Sequence[VersionItem], version_ids: dict[int, int]
) -> None:
    """Point each posting at its new version and hash (one executemany)."""
    if not items:
        return
    stmt = (
        update(POSTING)
        .where(POSTING.c.id == bindparam("b_id"))
        .values(current_version_id=bindparam("b_version"), content_hash=bindparam("b_hash"))
    )
    params = [{"b_id": pid, "b_version": version_ids[pid], "b_hash": h} for pid, _, h in items]
    conn.execute(stmt, params)


def end_versions(conn: Connection, version_ids: Sequence[int], observed_at: datetime) -> None:
    """Close the validity of superseded versions at ``observed_at``."""
    if version_ids:
        stmt = update(VERSION).where(ids_in(VERSION.c.id, version_ids))
        conn.execute(stmt.values(valid_to=observed_at))


def open_spans(conn: Connection, posting_ids: Sequence[int], observed_at: datetime) -> None:
    """Start a new open span for each posting."""
    if posting_ids:
        rows = [
            {"posting_id": pid, "opened_at": observed_at, "closed_at": None} for pid in posting_ids
        ]
        conn.execute(insert(SPAN), rows)


def reopen_postings(conn: Connection, posting_ids: Sequence[int]) -> None:
    """Clear ``closed_at`` of reopened postings (their spans are opened separately)."""
    if posting_ids:
        stmt = update(POSTING).where(ids_in(POSTING.c.id, posting_ids))
        conn.execute(stmt.values(closed_at=None))


def touch_postings(conn: Connection, posting_ids: Sequence[int], observed_at: datetime) -> None:
    """Refresh ``last_seen`` of every seen stored posting in one UPDATE."""
    if posting_ids:
        stmt = update(POSTING).where(ids_in(POSTING.c.id, posting_ids))
        conn.execute(stmt.values(last_seen=observed_at))


def close_postings(conn: Connection, rows: Sequence[Existing], observed_at: datetime) -> None:
    """Close postings and their open spans at ``observed_at`` (rule 3)."""
    if not rows:
        return
    ids = [row.id for row in rows]
    conn.execute(update(POSTING).where(ids_in(POSTING.c.id, ids)).values(closed_at=observed_at))
    spans = update(SPAN).where(ids_in(SPAN.c.posting_id, ids), SPAN.c.closed_at.is_(None))
    conn.execute(spans.values(closed_at=observed_at))


def apply_plan(
    conn: Connection,
    plan: RunPlan,
    *,
    source_id: int,
    company_id: int,
    run_id: int,
    observed_at: datetime,
    signatures: Mapping[str, str | None] | None = None,
) -> None:
    """Write a planned run: inserts, versions, places, spans, reopen/close, ``last_seen``."""
    new_ids = insert_postings(conn, source_id, company_id, plan, observed_at, signatures)
    items: list[VersionItem] = [(new_ids[p.external_id], p, h) for p, h in plan.new]
    versioned = [c for c in plan.versioned if c.posting is not None]
    items += [(c.existing.id, c.posting, c.content_hash) for c in versioned if c.posting]
    superseded = [c.existing.current_version_id for c in versioned]
    end_versions(conn, [vid for vid in superseded if vid is not None], observed_at)
    version_ids = insert_versions(conn, items, run_id, observed_at)
    set_current_versions(conn, items, version_ids)
    reopened = [c.existing.id for c in plan.reopened]
    reopen_postings(conn, reopened)
    open_spans(conn, list(new_ids.values()) + reopened, observed_at)
    close_postings(conn, plan.close, observed_at)
    stored_seen = [e.id for e in plan.unchanged] + [c.existing.id for c in plan.changed]
    touch_postings(conn, stored_seen + reopened, observed_at)
