"""Reading stored versions back as Postings and rewriting them in place (``tracker
renormalize``). Helpers take a Connection and never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from db.apply import version_values
from db.paycols import stored_bands, stored_pay_lines
from db.tables import PLACE, POSTING, VERSION
from tracker.domain import Place, Posting, SalaryBand


@dataclass(frozen=True)
class StoredVersion:
    """A stored version as the Posting it records, with where it lives."""

    version_id: int
    posting_id: int
    valid_from: datetime
    current: bool
    posting: Posting


def _band(row: object) -> SalaryBand | None:
    if getattr(row, "salary_currency", None) is None and getattr(row, "salary_min", None) is None:
        return None
    return SalaryBand(
        min=row.salary_min,  # type: ignore[attr-defined]
        max=row.salary_max,  # type: ignore[attr-defined]
        currency=row.salary_currency,  # type: ignore[attr-defined]
        period=row.salary_period or "year",  # type: ignore[attr-defined]
        source=row.salary_source or "structured",  # type: ignore[attr-defined]
        min_usd=row.salary_min_usd,  # type: ignore[attr-defined]
        max_usd=row.salary_max_usd,  # type: ignore[attr-defined]
        label=row.salary_label,  # type: ignore[attr-defined]
    )


def stored_versions(conn: Connection, source_id: int) -> Iterator[StoredVersion]:
    """Every version of every posting of a source, oldest first per posting."""
    stmt = (
        select(VERSION, POSTING.c.external_id, POSTING.c.current_version_id)
        .join(POSTING, POSTING.c.id == VERSION.c.posting_id)
        .where(POSTING.c.source_id == source_id)
        .order_by(VERSION.c.posting_id, VERSION.c.valid_from, VERSION.c.id)
    )
    rows = conn.execute(stmt).all()
    places: dict[int, list[Place]] = defaultdict(list)
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        place_stmt = select(PLACE).where(PLACE.c.version_id.in_(chunk)).order_by(PLACE.c.position)
        for p in conn.execute(place_stmt):
            places[p.version_id].append(Place(p.raw, p.city, p.country, p.region))
    for row in rows:
        posting = _posting(row, tuple(places[row.id]))
        yield StoredVersion(
            row.id, row.posting_id, row.valid_from, row.id == row.current_version_id, posting
        )


def rewrite_version(conn: Connection, stored: StoredVersion, new: Posting) -> None:
    """Replace a version's derived values (category, places, pay in USD) in place."""
    derived = ("compute", "category", "category_rule", "remote", "content_hash")
    values = {
        k: v
        for k, v in version_values(
            new, new.content_hash, stored.posting_id, 0, stored.valid_from
        ).items()
        if k in derived or k.startswith("salary_")
    }
    conn.execute(update(VERSION).where(VERSION.c.id == stored.version_id).values(**values))
    if new.places != stored.posting.places:
        conn.execute(delete(PLACE).where(PLACE.c.version_id == stored.version_id))
        rows = [
            {"version_id": stored.version_id, "position": i, "raw": p.raw, "city": p.city,
             "country": p.country, "region": p.region}
            for i, p in enumerate(new.places)
        ]  # fmt: skip
        if rows:
            conn.execute(insert(PLACE), rows)
    if stored.current:
        stmt = update(POSTING).where(POSTING.c.id == stored.posting_id)
        conn.execute(stmt.values(content_hash=new.content_hash))


def current_postings(
    conn: Connection, source_id: int, external_ids: Iterable[str]
) -> dict[str, Posting]:
    """The stored current content of some postings of a source, by external id."""
    wanted = set(external_ids)
    if not wanted:
        return {}
    stmt = (
        select(VERSION, POSTING.c.external_id)
        .join(POSTING, POSTING.c.current_version_id == VERSION.c.id)
        .where(POSTING.c.source_id == source_id, POSTING.c.external_id.in_(sorted(wanted)))
    )
    rows = conn.execute(stmt).all()
    places: dict[int, list[Place]] = defaultdict(list)
    if rows:
        place_stmt = (
            select(PLACE)
            .where(PLACE.c.version_id.in_([r.id for r in rows]))
            .order_by(PLACE.c.position)
        )
        for p in conn.execute(place_stmt):
            places[p.version_id].append(Place(p.raw, p.city, p.country, p.region))
    return {row.external_id: _posting(row, tuple(places[row.id])) for row in rows}


def _posting(row: Any, places: tuple[Place, ...]) -> Posting:
    salary = _band(row)
    return Posting(
        external_id=row.external_id, title=row.title, url=row.url,
        department=row.department, team=row.team, compute=bool(row.compute),
        category=row.category, category_rule=row.category_rule or "",
        places=places, remote=bool(row.remote), salary=salary,
        salaries=stored_bands(row, salary), pay_lines=stored_pay_lines(row),
    )  # fmt: skip
