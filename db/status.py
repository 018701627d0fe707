"""Reads about sources and runs: listings, latest runs, unverified sources (rule 4).

"ok" below means status ``ok`` exactly: a ``suspect`` run fetched the board but its closings
await confirmation, so it neither counts as the last ok run nor verifies a source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Select, func, select

from db.tables import COMPANY, POSTING, RUN, SOURCE, as_utc, load_options
from tracker.domain import SourceRef

if TYPE_CHECKING:
    from db.session import SessionLike


@dataclass(frozen=True)
class RunInfo:
    """One recorded run."""

    id: int
    source: str
    status: str
    observed_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    seen: int
    new: int
    changed: int
    unchanged: int
    closed: int
    reopened: int


@dataclass(frozen=True)
class SourceInfo:
    """A configured source with its latest run and open posting count."""

    id: int
    key: str
    ats: str
    token: str
    company: str  # slug
    company_name: str
    options: dict[str, Any] = field(default_factory=dict)
    api_base: str | None = None
    interval: str | None = None
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    last_status: str | None = None
    last_run_at: datetime | None = None
    last_error: str | None = None
    last_ok_at: datetime | None = None
    open_postings: int = 0
    last_writer: str | None = None  # host:pid of the process that recorded the latest run

    @property
    def ref(self) -> SourceRef:
        """What ``fetch``/``parse`` need."""
        return SourceRef(
            ats=self.ats,
            token=self.token,
            company=self.company_name,
            company_slug=self.company,
            options=dict(self.options),
            api_base=self.api_base,
        )


@dataclass(frozen=True)
class UnverifiedSource:
    """A source a report cannot vouch for (docs/concepts.md, lifecycle rule 4)."""

    source: str
    company: str
    last_ok: datetime | None
    error: str
    status: str | None  # status of its latest run up to the report's end (None: no run)


def _run_info(row: Row[Any]) -> RunInfo:
    return RunInfo(
        id=row.id,
        source=row.source,
        status=row.status,
        observed_at=row.observed_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        seen=row.seen,
        new=row.new,
        changed=row.changed,
        unchanged=row.unchanged,
        closed=row.closed,
        reopened=row.reopened,
    )


def _runs_select() -> Select[Any]:
    return select(RUN, SOURCE.c.key.label("source")).join(SOURCE, SOURCE.c.id == RUN.c.source_id)


def _latest_run_rows(conn: Connection, at: datetime | None) -> dict[int, Row[Any]]:
    """The latest run (observed at or before ``at`` when given) of every source, by source id.

    One index seek per source on ``run (source_id, observed_at)``, not a scan of all runs.
    """
    r2 = RUN.alias("r2")
    latest = select(r2.c.id).where(r2.c.source_id == SOURCE.c.id).correlate(SOURCE)
    if at is not None:
        latest = latest.where(r2.c.observed_at <= as_utc(at))
    latest_id = latest.order_by(r2.c.observed_at.desc(), r2.c.id.desc()).limit(1).scalar_subquery()
    stmt = _runs_select().where(RUN.c.id == latest_id)
    return {row.source_id: row for row in conn.execute(stmt)}


def _last_ok(conn: Connection, at: datetime | None) -> dict[int, datetime]:
    """The latest ``ok`` run time of every source (up to ``at``), by source id."""
    inner = select(RUN.c.observed_at).where(RUN.c.source_id == SOURCE.c.id, RUN.c.status == "ok")
    if at is not None:
        inner = inner.where(RUN.c.observed_at <= as_utc(at))
    last = inner.order_by(RUN.c.observed_at.desc()).limit(1).scalar_subquery()
    stmt = select(SOURCE.c.id, last.label("last_ok"))
    return {sid: as_utc(when) for sid, when in conn.execute(stmt) if when is not None}


def _open_counts(conn: Connection) -> dict[int, int]:
    stmt = (
        select(POSTING.c.source_id, func.count())
        .where(POSTING.c.closed_at.is_(None))
        .group_by(POSTING.c.source_id)
    )
    return {sid: int(count) for sid, count in conn.execute(stmt)}


def list_sources(session: SessionLike, keys: Sequence[str] | None = None) -> list[SourceInfo]:
    """Every source (or those with ``keys``) sorted by key, with last run and open count (a
    scrape reads only what to fetch: :func:`source_refs`)."""
    conn = session.connection()
    stmt = (
        select(SOURCE, COMPANY.c.slug, COMPANY.c.name)
        .join(COMPANY, COMPANY.c.id == SOURCE.c.company_id)
        .order_by(SOURCE.c.key)
    )
    if keys is not None:
        stmt = stmt.where(SOURCE.c.key.in_(list(keys)))
    sources = conn.execute(stmt).all()
    if not sources:
        return []
    latest, last_ok, counts = _latest_run_rows(conn, None), _last_ok(conn, None), _open_counts(conn)
    return [_source_info(row, latest.get(row.id), last_ok, counts) for row in sources]


# What a scrape chooses its targets from, straight from the driver (no Row, no SourceInfo):
# a scrape of a thousand boards reads them all before it starts.
_REFS = (
    'SELECT s.id, s."key", s.enabled, s.ats, s.token, c.slug, c.name, s.options, s.api_base'
    ' FROM source s JOIN company c ON c.id = s.company_id ORDER BY s."key"'
)


def source_refs(session: SessionLike) -> list[tuple[int, str, bool, SourceRef]]:
    """Every source by key, as ``(id, key, enabled, reference)``: what
    :func:`list_sources` gives a scrape (``SourceInfo.ref``), at a fraction of its cost."""
    from db import driver

    found = []
    for sid, key, enabled, ats, token, slug, name, options, api_base in driver.rows(
        session.connection(), _REFS
    ):
        ref = SourceRef(ats, token, name, slug, load_options(options), api_base)
        found.append((int(sid), key, bool(enabled), ref))
    return found


def _source_info(
    row: Row[Any], run: Row[Any] | None, last_ok: dict[int, datetime], counts: dict[int, int]
) -> SourceInfo:
    return SourceInfo(
        id=row.id,
        key=row.key,
        ats=row.ats,
        token=row.token,
        company=row.slug,
        company_name=row.name,
        options=load_options(row.options),
        api_base=row.api_base,
        interval=row.interval,
        enabled=bool(row.enabled),
        etag=row.etag,
        last_modified=row.last_modified,
        last_status=run.status if run is not None else None,
        last_run_at=run.observed_at if run is not None else None,
        last_error=run.error if run is not None else None,
        last_ok_at=last_ok.get(row.id),
        open_postings=counts.get(row.id, 0),
        last_writer=run.writer if run is not None else None,
    )


def get_source(session: SessionLike, key: str) -> SourceInfo | None:
    """One source by key, or ``None``."""
    found = list_sources(session, [key])
    return found[0] if found else None


def latest_runs(session: SessionLike, at: datetime | None = None) -> list[RunInfo]:
    """The latest run of every source that has one (up to ``at`` when given), by source key."""
    rows = _latest_run_rows(session.connection(), at).values()
    return sorted((_run_info(row) for row in rows), key=lambda run: run.source)


def runs_for_source(session: SessionLike, key: str, limit: int | None = None) -> list[RunInfo]:
    """A source's runs, newest first (at most ``limit``)."""
    stmt = (
        _runs_select()
        .where(SOURCE.c.key == key)
        .order_by(RUN.c.observed_at.desc(), RUN.c.id.desc())
        .limit(limit)
    )
    return [_run_info(row) for row in session.connection().execute(stmt)]


def unverified_sources(
    session: SessionLike, start: datetime, end: datetime
) -> list[UnverifiedSource]:
    """Enabled sources whose latest run up to ``end`` is not ``ok`` or with no ok run in
    ``[start, end]`` (rule 4), sorted by key."""
    start = as_utc(start)
    result: list[UnverifiedSource] = []
    conn = session.connection()
    latest, last_ok = _latest_run_rows(conn, end), _last_ok(conn, end)
    stmt = (
        select(SOURCE.c.id, SOURCE.c.key, COMPANY.c.slug)
        .join(COMPANY, COMPANY.c.id == SOURCE.c.company_id)
        .where(SOURCE.c.enabled.is_(True))
        .order_by(SOURCE.c.key)
    )
    for sid, key, company in conn.execute(stmt):
        run, ok_at = latest.get(sid), last_ok.get(sid)
        if run is not None and run.status == "ok" and ok_at is not None and ok_at >= start:
            continue
        result.append(_unverified(key, company, run, ok_at, start))
    return result


def _unverified(
    key: str, company: str, run: Row[Any] | None, ok_at: datetime | None, start: datetime
) -> UnverifiedSource:
    if run is None:
        error = "never scraped"
    elif run.status != "ok":
        error = run.error or run.status
    else:
        error = f"no successful run since {start.isoformat().replace('+00:00', 'Z')}"
    status = run.status if run is not None else None
    return UnverifiedSource(key, company, ok_at, error, status)
