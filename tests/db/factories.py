"""Builders for db tests: postings, sources and times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from db.store import record_run, upsert_source
from db.tables import LAST_SEEN, PLACE, POSTING, RUN, SOURCE, SPAN, VERSION
from tracker.domain import Place, Posting, RunResult, SalaryBand, SourceRef

T0 = datetime(2026, 4, 15, tzinfo=UTC)
TOKYO = Place("Tokyo, Japan", "Tokyo", "JP", "APAC")
SYDNEY = Place("Sydney, Australia", "Sydney", "AU", "APAC")
DUBLIN = Place("Dublin, Ireland", "Dublin", "IE", "EMEA")
AUSTIN = Place("Austin, TX", "Austin", "US", "AMER")
USD_BAND = SalaryBand(min=200000, max=250000, currency="USD", min_usd=200000, max_usd=250000)


def at(hours: float) -> datetime:
    """``T0`` plus ``hours``."""
    return T0 + timedelta(hours=hours)


def posting(external_id: str, title: str | None = None, **changes: Any) -> Posting:
    """A compute posting in Tokyo; override any field with keyword arguments."""
    base = Posting(
        external_id=external_id,
        title=title or f"Data Center Technician {external_id}",
        url=f"https://boards.example.com/jobs/{external_id}",
        department="Compute",
        team=None,
        compute=True,
        category="dc_operations",
        category_rule="title:technician",
        places=(TOKYO,),
        remote=False,
        salary=None,
    )
    return replace(base, **changes)


def board(count: int, prefix: str = "p") -> list[Posting]:
    """``count`` distinct postings ``p0``, ``p1``, ..."""
    return [posting(f"{prefix}{i}") for i in range(count)]


def make_source(
    session: Session, token: str = "anthropic", company: str = "Anthropic", ats: str = "greenhouse"
) -> int:
    """Upsert a source and return its id."""
    slug = company.lower().replace(" ", "-")
    row, _ = upsert_source(session, SourceRef(ats, token, company, slug))
    assert row.id is not None
    return row.id


def run(
    session: Session, source_id: int, hours: float, postings: Sequence[Posting] | None, **kw: Any
) -> RunResult:
    """Record a run at ``at(hours)``."""
    return record_run(session, source_id, at(hours), postings, **kw)


def count_rows(session: Session) -> dict[str, int]:
    """Row counts of the history tables."""
    conn = session.connection()
    tables = {"run": RUN, "posting": POSTING, "span": SPAN, "version": VERSION, "place": PLACE}
    return {
        name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for name, t in tables.items()
    }


def stored_postings() -> Select[Any]:
    """``SELECT`` of posting rows as reads take them: ``last_seen`` through the source's mark
    (``db.seen``), every other column as stored."""
    cols = [LAST_SEEN.label("last_seen") if c.name == "last_seen" else c for c in POSTING.c]
    return select(*cols).select_from(POSTING.join(SOURCE, SOURCE.c.id == POSTING.c.source_id))


def posting_row(session: Session, source_id: int, external_id: str) -> Any:
    """The stored posting row (Core row), ``last_seen`` as reads take it."""
    stmt = stored_postings().where(
        POSTING.c.source_id == source_id, POSTING.c.external_id == external_id
    )
    return session.connection().execute(stmt).one()


def spans(session: Session, posting_id: int) -> list[tuple[datetime, datetime | None]]:
    """A posting's spans, oldest first."""
    stmt = (
        select(SPAN.c.opened_at, SPAN.c.closed_at)
        .where(SPAN.c.posting_id == posting_id)
        .order_by(SPAN.c.opened_at)
    )
    return [(o, c) for o, c in session.connection().execute(stmt)]


def versions(session: Session, posting_id: int) -> list[Any]:
    """A posting's version rows, oldest first."""
    stmt = select(VERSION).where(VERSION.c.posting_id == posting_id).order_by(VERSION.c.id)
    return list(session.connection().execute(stmt))
