"""A not-modified run (a 304, or the same body again) in the fewest statements.

Most runs of a big scrape change nothing: the board answers 304, or its body has the digest
of the last ``ok`` run. :func:`db.store.record_not_modified` records such a run in a general
transaction (the write lock, the source row and its lease checked, the seen mark moved, the
postings counted, the run inserted, the lease freed: seven statements on SQLite).
:func:`record_not_modified_at_once` writes the same rows for the common case, where the run
holds the source's lease and its state was read under it:

- PostgreSQL: one statement in autocommit (:data:`_PG`);
- SQLite (3.35 or later: ``RETURNING``): the write lock, one fenced update of the source that
  moves its mark and stores the validators (:data:`_SQLITE_MARK`), one insert of the run that
  counts its postings (:data:`_SQLITE_RUN`), the lease freed, the commit.

The fence is the lease row: it must still carry this writer's token, or nothing is written
and the caller takes the transaction path, which says why. The seen mark and the count are
:data:`db.seen.MARK_SQL` and :data:`db.seen.COUNT_SQL`, written into these statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from db import driver
from db.leases import Lease, forget, held_token, lock_for_write, writer_id
from db.leases import release as release_lease
from db.session import connection
from db.tables import as_utc, utcnow
from tracker.domain import RunResult

if TYPE_CHECKING:
    from db.store import ScrapeState

# PostgreSQL: a whole not-modified run, fenced, in one autocommit statement. Its commit does not
# wait for the WAL flush (``synchronous_commit`` off for this transaction only, as SQLite's
# ``synchronous=NORMAL`` here): should the server crash within a fraction of a second, the run
# is lost whole (its rows, its lease release, its last_seen move), never half, and the next
# scrape sees the board again. Runs that open, change or close postings commit as usual; a
# later synchronous commit flushes every earlier one with it.
_PG = (
    'WITH fence AS (SELECT source.id, source."key", source.seen_mark, source.seen_until'
    ' FROM source JOIN source_lease ON source_lease."key" = source."key"'
    " WHERE source.id = %s AND source_lease.token = %s FOR UPDATE),"
    " marked AS (UPDATE source SET seen_mark = COALESCE(CASE WHEN fence.seen_until ="
    " %s::timestamp THEN fence.seen_mark END, %s::timestamp), seen_until = %s::timestamp,"
    " etag = %s, last_modified = %s FROM fence WHERE source.id = fence.id"
    " RETURNING source.seen_mark AS mark),"
    " released AS (UPDATE source_lease SET holder = NULL, token = NULL, expires_at = NULL"
    ' FROM fence WHERE source_lease."key" = fence."key" AND source_lease.token = %s RETURNING 1),'
    " lazily AS (SELECT set_config('synchronous_commit', 'off', true) AS done)"
    " INSERT INTO run (source_id, observed_at, started_at, finished_at, status, error, seen,"
    " new, changed, closed, reopened, unchanged, writer, body_hash)"
    " SELECT fence.id, %s::timestamp, %s::timestamp, %s::timestamp, 'ok', NULL, n, 0, 0, 0, 0,"
    " n, %s::varchar, %s::varchar FROM fence, lazily,"
    " (SELECT count(*)::int AS n FROM posting, marked"
    " WHERE posting.source_id = %s AND posting.closed_at IS NULL"
    " AND posting.last_seen >= marked.mark) AS counted"
    ' RETURNING id, seen, (SELECT "key" FROM fence)'
)

# SQLite, after ``BEGIN IMMEDIATE``: the fence and the mark (with the validators) in one update,
# then the run with its count in one insert.
_SQLITE_MARK = (
    "UPDATE source SET seen_mark = COALESCE(CASE WHEN seen_until = ? THEN seen_mark END, ?),"
    " seen_until = ?, etag = ?, last_modified = ? WHERE id = ? AND EXISTS (SELECT 1 FROM"
    ' source_lease WHERE source_lease."key" = source."key" AND source_lease.token = ?)'
    ' RETURNING "key", seen_mark'
)
_SQLITE_RUN = (
    "INSERT INTO run (source_id, observed_at, started_at, finished_at, status, error, seen,"
    " new, changed, closed, reopened, unchanged, writer, body_hash)"
    " SELECT ?, ?, ?, ?, 'ok', NULL, n, 0, 0, 0, 0, n, ?, ? FROM (SELECT count(*) AS n"
    " FROM posting WHERE source_id = ? AND closed_at IS NULL AND last_seen >= ?)"
    " RETURNING id, seen"
)
SQLITE_RETURNING = (3, 35, 0)  # the first SQLite with RETURNING


def record_not_modified_at_once(
    engine: Any,
    source_id: int,
    observed_at: datetime,
    *,
    started_at: datetime,
    body_hash: str | None,
    state: ScrapeState | None,
    release: Lease | None,
    validators: tuple[str | None, str | None] | None = None,
) -> RunResult | None:
    """:func:`db.store.record_not_modified` in the fewest statements (see the module
    docstring), for the common case: the run holds the source's lease (``release``, freed
    with the run), its state was read under it and the latest run that did not fail was
    ``ok``. ``validators``: the fetch's new ``(ETag, Last-Modified)``, stored with the run
    (None: the state's stay). None: not that case, another database, or the fence failed;
    the caller takes the transaction path, which says why."""
    if state is None or release is None or state.previous_ok_at is None:
        return None
    observed_at = as_utc(observed_at)
    if state.latest_at is not None and observed_at < as_utc(state.latest_at):
        return None
    run = _Run(
        source_id,
        observed_at,
        as_utc(started_at),
        body_hash if body_hash is not None else state.body_hash,
        validators if validators is not None else state.validators,
        state.previous_ok_at,
        release,
    )
    if engine.dialect.name == "postgresql":
        found = _postgres(engine, run)
    elif engine.dialect.name == "sqlite" and _returning(engine):
        found = _sqlite(engine, run)
    else:
        return None
    if found is None:
        return None
    key, run_id, count = found
    return RunResult(key, "ok", observed_at, seen=count, unchanged=count, run_id=run_id)


def _returning(engine: Any) -> bool:
    version = getattr(engine.dialect.dbapi, "sqlite_version_info", (0, 0, 0))
    return tuple(version) >= SQLITE_RETURNING


class _Run(NamedTuple):
    """What the run writes: its times, the board's digest, the validators to store, the
    previous ``ok`` run's time (the seen mark's rule) and the lease it frees."""

    source_id: int
    observed_at: datetime
    started_at: datetime
    digest: str | None
    validators: tuple[str | None, str | None]
    previous_ok_at: datetime
    lease: Lease

    def times(self, conn: Any) -> list[Any]:
        """observed, started and finished (now), as the driver takes them."""
        return [driver.db_time(conn, t) for t in (self.observed_at, self.started_at, utcnow())]


Found = tuple[str, int, int]  # the source's key, the run's id, its count of postings seen


def _postgres(engine: Any, run: _Run) -> Found | None:
    with engine.connect() as conn:
        if held_token(conn, run.lease.key) != run.lease.token:
            return None
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        at, before = driver.db_time(conn, run.observed_at), driver.db_time(conn, run.previous_ok_at)
        token = run.lease.token
        fence = (run.source_id, token, before, before, at, *run.validators, token)
        params = (*fence, *run.times(conn), writer_id(), run.digest, run.source_id)
        row = driver.first(conn, _PG, params)
        if row is None:
            return None
        forget(conn, run.lease)
    return str(row[2]), int(row[0]), int(row[1])


def _sqlite(engine: Any, run: _Run) -> Found | None:
    with connection(engine) as conn:  # a scrape's loop keeps one (db.session.kept_connection)
        if held_token(conn, run.lease.key) != run.lease.token:
            return None
        at, before = driver.db_time(conn, run.observed_at), driver.db_time(conn, run.previous_ok_at)
        with conn.begin() as transaction:
            lock_for_write(conn)
            fence = (before, before, at, *run.validators, run.source_id, run.lease.token)
            marked = driver.first(conn, _SQLITE_MARK, fence)
            if marked is None:  # not ours any more: nothing was written
                transaction.rollback()
                return None
            key, mark = marked
            params = (run.source_id, *run.times(conn), writer_id(), run.digest, run.source_id, mark)
            row = driver.first(conn, _SQLITE_RUN, params)
            assert row is not None  # INSERT ... SELECT of one aggregate row
            release_lease(conn, run.lease)
    return str(key), int(row[0]), int(row[1])
