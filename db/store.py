"""Writes: sources and runs. Helpers take a Session and never commit (callers own transactions).

``record_run`` applies lifecycle rules 2-5 (docs/concepts.md); the partitioning itself lives in
:mod:`db.plan` (pure) and the bulk statements in :mod:`db.apply`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, bindparam, delete, func, select, update

from db import driver, seen
from db.apply import apply_plan, insert_run, insert_run_and_start
from db.leases import Lease, forget, hold_source, writer_id
from db.leases import release as release_lease
from db.light import SIGNATURES
from db.plan import Existing, RunPlan, plan_run
from db.session import SessionLike
from db.settle import settle_derived
from db.tables import (
    COMPANY,
    PLACE,
    POSTING,
    RUN,
    SOURCE,
    SPAN,
    VERSION,
    utcnow,
)
from tracker.domain import Posting, RunResult, RunStatus, SourceRef

if TYPE_CHECKING:  # the ORM loads only where a function below uses it (a scrape never does)
    from sqlalchemy.orm import Session

    from db.models import CompanyRow, SourceRow

UpsertOutcome = Literal["added", "updated", "unchanged"]


class StoreError(ValueError):
    """A write that would break the history contract (nothing was written)."""


class WriterConflict(StoreError):
    """Another writer holds the source, or took over this writer's lease (rule 7)."""


@dataclass(frozen=True)
class RemovedSource:
    """What ``remove_source`` deleted along with the source row."""

    key: str
    runs: int
    postings: int
    versions: int
    places: int
    spans: int
    company_removed: bool


def as_utc(value: datetime) -> datetime:
    """Aware UTC; naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def dump_options(options: dict[str, Any]) -> str:
    """Canonical JSON text of a source's options (sorted keys)."""
    return json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)


def load_options(text: str | None) -> dict[str, Any]:
    """Inverse of :func:`dump_options` (empty on blank text)."""
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------------------------
# sources


def get_source_row(session: Session, key: str) -> SourceRow | None:
    """The source row with ``key``, or ``None``."""
    from db.models import SourceRow

    return session.execute(select(SourceRow).where(SOURCE.c.key == key)).scalars().first()


def _upsert_company(session: Session, slug: str, name: str) -> tuple[CompanyRow, bool]:
    """Find or create the company ``slug``; update its name. Returns (row, changed)."""
    from db.models import CompanyRow

    row = session.execute(select(CompanyRow).where(COMPANY.c.slug == slug)).scalars().first()
    if row is None:
        row = CompanyRow(slug=slug, name=name)
        session.add(row)
        session.flush()
        return row, True
    if row.name != name:
        row.name = name
        session.flush()
        return row, True
    return row, False


def upsert_source(
    session: Session, ref: SourceRef, interval: str | None = None, enabled: bool = True
) -> tuple[SourceRow, UpsertOutcome]:
    """Make the stored source ``ref.key`` match ``ref``; say whether it was added/updated.

    A company whose display name changed counts as ``updated``. When a source moves to another
    company, its postings move with it.
    """
    company, company_changed = _upsert_company(session, ref.company_slug, ref.company)
    values: dict[str, Any] = {
        "ats": ref.ats,
        "token": ref.token,
        "company_id": company.id,
        "options": dump_options(ref.options),
        "api_base": ref.api_base,
        "interval": interval,
        "enabled": enabled,
    }
    row = get_source_row(session, ref.key)
    if row is None:
        from db.models import SourceRow

        row = SourceRow(key=ref.key, company=company, **values)
        session.add(row)
        session.flush()
        return row, "added"
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in changed.items():
        setattr(row, name, value)
    if "company_id" in changed:
        row.company = company
        stmt = update(POSTING).where(POSTING.c.source_id == row.id)
        session.connection().execute(stmt.values(company_id=company.id))
    if changed:
        row.updated_at = utcnow()
    session.flush()
    return row, "updated" if changed or company_changed else "unchanged"


def source_ref(row: SourceRow) -> SourceRef:
    """The domain view of a stored source (``fetch``/``parse`` input)."""
    return SourceRef(
        ats=row.ats,
        token=row.token,
        company=row.company.name,
        company_slug=row.company.slug,
        options=load_options(row.options),
        api_base=row.api_base,
    )


def set_http_cache(
    session: SessionLike, source_id: int, etag: str | None, last_modified: str | None
) -> None:
    """Remember a board's HTTP validators (``ETag`` / ``Last-Modified``) for the next fetch."""
    session.flush()
    conn = session.connection()
    mark = driver.mark(conn)
    sql = f"UPDATE source SET etag = {mark}, last_modified = {mark} WHERE source.id = {mark}"
    if not driver.write(conn, sql, (etag, last_modified, source_id)):
        raise StoreError(f"no source with id {source_id}")


def remove_source(session: Session, key: str) -> RemovedSource | None:
    """Delete a source with all its history (runs, postings, versions, places, spans).

    Returns the counts, or ``None`` when no source has ``key``. The company goes too when no
    other source uses it. Irreversible: the caller decides whether to commit.
    """
    row = get_source_row(session, key)
    if row is None:
        return None
    session.flush()
    conn = session.connection()
    counts = _delete_history(conn, int(row.id or 0))
    company = row.company
    session.delete(row)
    session.flush()
    others = session.execute(
        select(func.count()).select_from(SOURCE).where(SOURCE.c.company_id == company.id)
    ).scalar_one()
    if others == 0:
        session.delete(company)
        session.flush()
    return RemovedSource(key=key, company_removed=others == 0, **counts)


def _delete_history(conn: Connection, source_id: int) -> dict[str, int]:
    """Delete a source's history children-first; return row counts per kind."""
    postings = select(POSTING.c.id).where(POSTING.c.source_id == source_id)
    versions = select(VERSION.c.id).where(VERSION.c.posting_id.in_(postings))
    statements = {
        "places": delete(PLACE).where(PLACE.c.version_id.in_(versions)),
        "versions": delete(VERSION).where(VERSION.c.posting_id.in_(postings)),
        "spans": delete(SPAN).where(SPAN.c.posting_id.in_(postings)),
        "postings": delete(POSTING).where(POSTING.c.source_id == source_id),
        "runs": delete(RUN).where(RUN.c.source_id == source_id),
    }
    return {name: int(conn.execute(stmt).rowcount or 0) for name, stmt in statements.items()}


# --------------------------------------------------------------------------------------------
# runs


def record_run(
    session: SessionLike,
    source_id: int,
    observed_at: datetime,
    postings: Sequence[Posting] | None,
    *,
    error: str | None = None,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    same: Collection[str] = (),
    body_hash: str | None = None,
    signatures: Mapping[str, str | None] | None = None,
    state: ScrapeState | None = None,
    release: Lease | None = None,
) -> RunResult:
    """Record one run of a source (docs/concepts.md lifecycle rules 1-5) and return its counts.

    ``signatures``: list signatures of the payload's items, written with the new postings
    (:func:`set_signatures` stores the others).

    ``same``: external ids seen with an unchanged raw fingerprint, not normalized again (see
    :func:`db.plan.plan_run`). ``body_hash``: the digest of the whole board read, kept on an
    ``ok`` run (see :class:`ScrapeState`).

    ``postings=None`` or an ``error`` records a ``failed`` run that changes no posting.
    Otherwise the payload is applied: new postings, ``last_seen`` refreshes, new versions,
    reopens and closes, with the suspect guard (see :mod:`db.plan`). Runs of one source must
    come in chronological order; an older ``observed_at`` raises :class:`StoreError`.

    ``state``: the source's :func:`scrape_states` read under the lease the writer still holds
    (the fence checks it): the latest runs are not read again. ``release``: that lease, freed
    in this transaction (on PostgreSQL inside the run's first statement).
    """
    observed_at = as_utc(observed_at)
    session.flush()
    conn = session.connection()
    source = _checked_source(session, conn, source_id, observed_at, state)
    times = {
        "observed_at": observed_at,
        "started_at": as_utc(started_at) if started_at else observed_at,
        "finished_at": as_utc(finished_at) if finished_at else utcnow(),
    }
    ok = postings is not None and error is None
    folded = release is not None and ok and conn.dialect.name == "postgresql"
    if postings is None or error is not None:
        message = error or "no postings: the board was not fetched"
        run_id = _insert_run(conn, source_id, times, "failed", message, counts={})
        result = RunResult(source.key, "failed", observed_at, error=message, run_id=run_id)
    else:
        lease = release if folded else None
        args = (same, body_hash, signatures, state, lease)
        result = _record_ok(conn, source, times, postings, *args)
    if release is not None:
        if folded:  # freed by the run's first statement
            forget(conn, release)
        else:
            release_lease(conn, release)
    return result


def _record_ok(
    conn: Connection,
    source: Any,
    times: dict[str, datetime],
    postings: Sequence[Posting],
    same: Collection[str] = (),
    body_hash: str | None = None,
    signatures: Mapping[str, str | None] | None = None,
    state: ScrapeState | None = None,
    release: Lease | None = None,
) -> RunResult:
    """Plan and apply a run whose whole board was fetched (``ok`` or ``suspect``); on
    PostgreSQL ``release`` is freed in its first statement."""
    source_id = int(source.id or 0)
    observed_at = times["observed_at"]
    latest = _latest_kept(conn, source_id, state)
    start = seen.current(source.seen_mark, source.seen_until, latest[1], driver.time_reader(conn))
    existing, marked = _load_existing(conn, source_id, start)
    plan = plan_run(existing, postings, latest[0], same)
    settle_derived(conn, source_id, plan)
    status: RunStatus = "suspect" if plan.suspect else "ok"
    message = _suspect_message(plan) if plan.suspect else None
    counts = _counts(plan)
    kept = body_hash if status == "ok" else None  # a suspect board stands for nothing
    values = _run_values(source_id, times, status, message, counts, kept)
    moves = seen.moves(plan, marked, start, observed_at)
    started = None
    if conn.dialect.name == "postgresql":  # fewer round trips: see insert_run_and_start
        lease = (release.key, release.token) if release is not None else None
        run_id, started = insert_run_and_start(conn, values, plan, observed_at, moves, lease)
    else:
        run_id = insert_run(conn, values)
    apply_plan(
        conn,
        plan,
        source_id=source_id,
        company_id=source.company_id,
        run_id=run_id,
        observed_at=observed_at,
        moves=moves,
        signatures=signatures,
        started=started,
    )
    return RunResult(source.key, status, observed_at, error=message, run_id=run_id, **counts)


def _checked_source(
    session: SessionLike,
    conn: Connection,
    source_id: int,
    observed_at: datetime,
    state: ScrapeState | None = None,
) -> Any:
    """The source's ``(id, key, company_id)``, after taking the write lock, checking the lease
    and that ``observed_at`` is not older than its last run (``state.latest_at`` when the
    caller read it under the lease it still holds)."""
    source, busy = hold_source(conn, source_id)  # rule 7: write lock up front, and the lease
    if source is None:
        raise StoreError(f"no source with id {source_id}")
    if busy is not None:
        raise WriterConflict(busy)
    if state is not None:
        latest = state.latest_at
    else:
        latest = conn.execute(_LATEST_RUN, {"sid": source_id}).scalar()
    if latest is not None and observed_at < as_utc(latest):
        raise StoreError(
            f"run for {source.key} observed at {observed_at.isoformat()} is older than its "
            f"latest run ({as_utc(latest).isoformat()}); ingest runs in chronological order"
        )
    return source


# Hot statements of every run, built once: no per-run construction or cache-key work.
_SID: Any = bindparam("sid")
_LATEST_RUN = select(func.max(RUN.c.observed_at)).where(RUN.c.source_id == _SID)
_EXISTING = (
    "SELECT id, external_id, content_hash, closed_at, last_seen, current_version_id"
    " FROM posting WHERE posting.source_id = {0}"
)
_LATEST_NON_FAILED = (
    select(RUN.c.status, RUN.c.observed_at, RUN.c.body_hash)
    .where(RUN.c.source_id == _SID, RUN.c.status != "failed")
    .order_by(RUN.c.observed_at.desc(), RUN.c.id.desc())
    .limit(1)
)
_SIGNATURES = SIGNATURES  # db.light: a scrape worker runs it without the database layer


def _load_existing(
    conn: Connection, source_id: int, start: seen.Mark
) -> tuple[dict[str, Existing], set[int]]:
    """Every stored posting of the source, by external id, with its ``last_seen`` as reads
    take it (:mod:`db.seen`), and the ids of those the source's mark covers."""
    read = driver.time_reader(conn)
    times: dict[Any, datetime] = {}  # most postings share their last_seen: convert it once
    existing: dict[str, Existing] = {}
    marked: set[int] = set()
    for pid, ext, digest, closed, stored, vid in driver.rows(
        conn, _EXISTING.format(driver.mark(conn)), (source_id,)
    ):
        last = times.get(stored)
        if last is None:
            last = times[stored] = read(stored)
        shut = None if closed is None else read(closed)
        if start.until is not None and seen.covers(last, shut, start):
            marked.add(pid)
            last = start.until
        existing[ext] = Existing(pid, ext, digest, shut, last, vid)
    return existing, marked


def _latest_kept(
    conn: Connection, source_id: int, state: ScrapeState | None
) -> tuple[datetime | None, datetime | None]:
    """``(observed_at of the latest non-failed run when it was suspect, observed_at of the
    latest non-failed run)``, from ``state`` when the caller read it under its lease."""
    if state is not None:
        return state.suspect_at, state.suspect_at or state.previous_ok_at
    latest = _latest_non_failed(conn, source_id)
    if latest is None:
        return None, None
    at = as_utc(latest[1])
    return (at if latest[0] == "suspect" else None), at


def _latest_non_failed(conn: Connection, source_id: int) -> Any:
    """``(status, observed_at, body_hash)`` of the source's latest run that did not fail."""
    return conn.execute(_LATEST_NON_FAILED, {"sid": source_id}).first()


def _suspect_message(plan: RunPlan) -> str:
    return (
        f"suspect: {len(plan.deferred)} of {plan.pool} open postings missing; "
        "not closed until a later run confirms"
    )


def _counts(plan: RunPlan) -> dict[str, int]:
    return {
        "seen": plan.seen,
        "new": len(plan.new),
        "changed": len(plan.changed),
        "unchanged": len(plan.unchanged),
        "closed": len(plan.close),
        "reopened": len(plan.reopened),
    }


def _insert_run(
    conn: Connection,
    source_id: int,
    times: dict[str, datetime],
    status: str,
    error: str | None,
    counts: dict[str, int],
    body_hash: str | None = None,
) -> int:
    return insert_run(conn, _run_values(source_id, times, status, error, counts, body_hash))


def _run_values(
    source_id: int,
    times: dict[str, datetime],
    status: str,
    error: str | None,
    counts: dict[str, int],
    body_hash: str | None = None,
) -> dict[str, Any]:
    zero = dict.fromkeys(("seen", "new", "changed", "unchanged", "closed", "reopened"), 0)
    values = {"source_id": source_id, "status": status, "error": error, **times, **zero, **counts}
    values["writer"] = writer_id()
    values["body_hash"] = body_hash
    return values


def record_not_modified(
    session: SessionLike,
    source_id: int,
    observed_at: datetime,
    *,
    started_at: datetime | None = None,
    body_hash: str | None = None,
    state: ScrapeState | None = None,
    release: Lease | None = None,
) -> RunResult:
    """Record an ``ok`` run for a board that answered 304 Not Modified, or whose body has the
    ``body_hash`` of the previous ``ok`` run (the same board).

    The board is what the previous ``ok`` run saw, so exactly the postings that run saw are
    seen again: the source's mark moves on (:mod:`db.seen`), no posting row is written, and
    nothing opens, changes or closes. Callers only send validators (or compare digests) when
    the latest non-failed run was ``ok``. A 304 run keeps that run's body digest.

    ``state``: the source's :func:`scrape_states`, read under the lease this writer still
    holds (the fence in :func:`_checked_source` checks it), so nothing is read again.
    ``release``: that lease, freed in this transaction.
    """
    observed_at = as_utc(observed_at)
    session.flush()
    conn = session.connection()
    source = _checked_source(session, conn, source_id, observed_at, state)
    if state is not None:
        previous, kept = state.previous_ok_at, state.body_hash
    else:
        latest = _latest_non_failed(conn, source_id)
        if latest is not None and latest.status == "ok":
            previous, kept = latest.observed_at, latest.body_hash
        else:
            previous, kept = None, None
    if body_hash is None and previous is not None:
        body_hash = kept
    times = {
        "observed_at": observed_at,
        "started_at": as_utc(started_at) if started_at else observed_at,
    }
    count = 0
    if previous is not None:
        at, before = driver.db_time(conn, observed_at), driver.db_time(conn, previous)
        dialect = conn.dialect.name
        driver.write(conn, seen.sql(seen.MARK_SQL, dialect), (before, before, at, source_id))
        found = driver.first(conn, seen.sql(seen.COUNT_SQL, dialect), (source_id,))
        count = int(found[0]) if found is not None else 0
    times["finished_at"] = utcnow()
    counts = {"seen": count, "unchanged": count}
    run_id = _insert_run(conn, source_id, times, "ok", None, counts, body_hash)
    if release is not None:
        release_lease(conn, release)
    return RunResult(source.key, "ok", observed_at, seen=count, unchanged=count, run_id=run_id)


@dataclass(frozen=True)
class ScrapeState:
    """What a scrape reads of a source before its fetch (see :func:`scrape_states`)."""

    etag: str | None
    last_modified: str | None
    latest_at: datetime | None  # observed_at of its latest run, whatever its status
    previous_ok_at: datetime | None  # the latest non-failed run's, when that run was ``ok``
    body_hash: str | None  # that ``ok`` run's board digest
    suspect_at: datetime | None = None  # the latest non-failed run's, when it was ``suspect``

    @property
    def validators(self) -> tuple[str | None, str | None]:
        return (self.etag, self.last_modified)


_STATE_CHUNK = 500


def scrape_states(conn: Connection, source_ids: Sequence[int]) -> dict[int, ScrapeState]:
    """Every listed source's :class:`ScrapeState` in two statements per 500 sources (a scrape
    of a thousand boards reads them once, not three queries per board)."""
    latest_at = (
        select(func.max(RUN.c.observed_at))
        .where(RUN.c.source_id == SOURCE.c.id)
        .correlate(SOURCE)
        .scalar_subquery()
    )
    latest_id = (
        select(RUN.c.id)
        .where(RUN.c.source_id == SOURCE.c.id, RUN.c.status != "failed")
        .order_by(RUN.c.observed_at.desc(), RUN.c.id.desc())
        .limit(1)
        .correlate(SOURCE)
        .scalar_subquery()
    )
    states: dict[int, ScrapeState] = {}
    for start in range(0, len(source_ids), _STATE_CHUNK):
        chunk = [int(i) for i in source_ids[start : start + _STATE_CHUNK]]
        stmt = select(
            SOURCE.c.id, SOURCE.c.etag, SOURCE.c.last_modified, latest_at, latest_id
        ).where(SOURCE.c.id.in_(chunk))
        rows = conn.execute(stmt).all()
        run_ids = [int(row[4]) for row in rows if row[4] is not None]
        runs: dict[int, Any] = {}
        if run_ids:
            found = select(RUN.c.id, RUN.c.status, RUN.c.observed_at, RUN.c.body_hash)
            runs = {r.id: r for r in conn.execute(found.where(RUN.c.id.in_(run_ids)))}
        for sid, etag, modified, latest, run_id in rows:
            run = runs.get(run_id) if run_id is not None else None
            status, at = (run.status, as_utc(run.observed_at)) if run is not None else (None, None)
            states[int(sid)] = ScrapeState(
                etag,
                modified,
                as_utc(latest) if latest is not None else None,
                at if status == "ok" else None,
                run.body_hash if run is not None and status == "ok" else None,
                at if status == "suspect" else None,
            )
    return states


def _previous_ok_at(conn: Connection, source_id: int) -> datetime | None:
    """``observed_at`` of the latest non-failed run when that run was ``ok``."""
    latest = _latest_non_failed(conn, source_id)
    return latest[1] if latest is not None and latest[0] == "ok" else None


def can_revalidate(session: Session, source_id: int) -> bool:
    """True when a 304 may stand for the board: the latest non-failed run was ``ok``."""
    return _previous_ok_at(session.connection(), source_id) is not None


def known_signatures(session: Session, source_id: int) -> dict[str, str | None]:
    """Every posting the source ever had (open or closed) -> its stored list signature."""
    return known_signatures_in(session.connection(), source_id)


def known_signatures_in(conn: Connection, source_id: int) -> dict[str, str | None]:
    """:func:`known_signatures` on a Core connection."""
    return dict(driver.rows(conn, _SIGNATURES.format(driver.mark(conn)), (source_id,)))


def set_signatures(
    session: SessionLike,
    source_id: int,
    signatures: dict[str, str | None],
    known: Mapping[str, str | None] | None = None,
) -> None:
    """Store list signatures (None: the posting's detail is still to be fetched).

    ``known``: what the database held before this run (``known_signatures``, read under the
    lease this writer holds): only known postings whose signature differs are updated, by
    ``(source, external id)``, without reading the postings again (new postings got theirs in
    their INSERT)."""
    if not signatures:
        return
    conn = session.connection()
    if known is not None:
        updates = [
            (sig, source_id, ext)
            for ext, sig in signatures.items()
            if ext in known and known[ext] != sig
        ]
        driver.write_many(conn, _SET_SIGNATURE.format(driver.mark(conn)), updates)
        return
    rows = conn.execute(
        select(POSTING.c.id, POSTING.c.external_id, POSTING.c.signature).where(
            POSTING.c.source_id == source_id
        )
    )
    changed = [
        {"pid": pid, "sig": signatures[ext]}
        for pid, ext, sig in rows
        if ext in signatures and signatures[ext] != sig
    ]
    if changed:
        stmt = (
            update(POSTING)
            .where(POSTING.c.id == bindparam("pid"))
            .values(signature=bindparam("sig"))
        )
        conn.execute(stmt, changed)


_SET_SIGNATURE = (
    "UPDATE posting SET signature = {0} WHERE posting.source_id = {0} AND posting.external_id = {0}"
)
