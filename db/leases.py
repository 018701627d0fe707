"""One writer per source (docs/concepts.md: lifecycle rule 7 and several daemons).

A **lease** is a row of ``source_lease`` per source key: ``holder`` (``host:pid``), a ``token``
naming one acquisition, and ``expires_at``. A writer takes it before it reads the source's state
(before the fetch), keeps it alive with heartbeats and frees it after its run is recorded. A
lease whose holder stopped heart-beating (SIGKILL, lost host) is taken over once it expires, or
at once when the holder is a dead process on this host.

At record time :func:`hold_for_write` takes the database's write lock for the source up front
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``SELECT ... FOR UPDATE`` on the source and lease
rows) and checks that the writer still holds the lease (a fencing check): a writer whose lease
was taken over writes nothing.

``claimed_at`` is when the source's latest scrape was claimed, by anyone. A daemon claims a
source only when that is at least ``fresh_for`` ago, so N daemons sharing one PostgreSQL
database fetch each board about as often as one daemon. A ``scrape``/``ingest`` that waits
marks itself as ``waiter``; daemons let it go next, so a short interval cannot starve it.

Helpers take a Connection inside the caller's transaction and never commit. This process's
held leases are remembered (:func:`remember` / :func:`forget`) so that the store can fence:
:func:`hold_for_write` says why a writer may not write, and :mod:`db.store` raises.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select, text, update

from db import driver
from db.tables import LEASE, SOURCE, utcnow

QUEUE_FOR = timedelta(seconds=3)  # a waiting writer's place in the queue lasts this long
DAEMON_KEY = "@daemon"  # the SQLite daemon's lease: one daemon per SQLite database


@dataclass(frozen=True)
class Lease:
    """A held lease. ``took_over`` names the previous holder whose lease had expired/died."""

    key: str
    holder: str
    token: str
    expires_at: datetime
    took_over: str | None = None


@dataclass(frozen=True)
class Busy:
    """Someone else holds the lease (``holder`` is ``host:pid``) until ``expires_at``."""

    key: str
    holder: str
    expires_at: datetime


@dataclass(frozen=True)
class Fresh:
    """Nobody holds it, but the source was claimed ``claimed_at``: not due yet."""

    key: str
    claimed_at: datetime


Claim = Lease | Busy | Fresh

_HELD: dict[tuple[str, str], str] = {}  # (database, key) -> token of a lease this process holds


def writer_id() -> str:
    """``host:pid`` of this process (stored on runs and leases)."""
    return f"{socket.gethostname()}:{os.getpid()}"


_NAMES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _database(conn: Connection) -> str:
    """The engine's URL without its password (rendered once per engine: every run asks)."""
    engine = conn.engine
    name = _NAMES.get(engine)
    if name is None:
        name = _NAMES[engine] = engine.url.render_as_string(hide_password=True)
    return name


def remember(conn: Connection, lease: Lease) -> None:
    """Note that this process holds ``lease`` (the store fences its writes with it)."""
    _HELD[(_database(conn), lease.key)] = lease.token


def held_token(conn: Connection, key: str) -> str | None:
    """The token of the lease on ``key`` this process holds on ``conn``'s database, if any."""
    return _HELD.get((_database(conn), key))


def forget(conn: Connection, lease: Lease) -> None:
    if _HELD.get((_database(conn), lease.key)) == lease.token:
        del _HELD[(_database(conn), lease.key)]


def db_now(conn: Connection) -> datetime:
    """The database server's clock on PostgreSQL (hosts may disagree); ours on SQLite."""
    if conn.dialect.name == "postgresql":
        value: datetime = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
        return value
    return utcnow()


def lock_for_write(conn: Connection) -> None:
    """SQLite: take the write lock now (``BEGIN IMMEDIATE``; waits up to the busy timeout),
    unless this transaction already writes. PostgreSQL: nothing (row locks do it)."""
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not getattr(dbapi, "in_transaction", True):
        driver.write(conn, "BEGIN IMMEDIATE")


def process_gone(holder: str) -> bool:
    """True when ``holder`` is a process of this host that no longer runs (or is a zombie)."""
    host, _, pid_text = holder.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def _live(row: Any, now: datetime) -> bool:
    """A lease row held by a writer that still heart-beats (and is not a dead local process)."""
    return bool(row.holder and row.expires_at and row.expires_at > now) and not process_gone(
        row.holder
    )


_KEY: Any = bindparam("lease_key")
_SELECT = select(LEASE).where(LEASE.c.key == _KEY)
_SELECT_FOR_UPDATE = _SELECT.with_for_update()
_SOURCE_FOR_UPDATE = select(SOURCE.c.id).where(SOURCE.c.key == _KEY).with_for_update()


@functools.cache
def _ensure_stmt(dialect_name: str) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` of a lease row, built once per dialect."""
    insert: Any
    if dialect_name == "postgresql":  # only writers need a dialect's insert, and only theirs
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LEASE).values(key=_KEY).on_conflict_do_nothing()


def _ensure_row(conn: Connection, key: str) -> None:
    conn.execute(_ensure_stmt(conn.dialect.name), {"lease_key": key})


def try_acquire(
    conn: Connection,
    key: str,
    ttl: timedelta,
    fresh_for: timedelta | None = None,
    waited: timedelta = timedelta(0),
    scrape: bool = True,
) -> Claim:
    """Take the lease of ``key`` unless a live writer holds it (:class:`Busy`) or, with
    ``fresh_for``, the source was claimed less than that before ``now - waited`` (:class:`Fresh`).

    ``waited`` is how long the caller queued since its scrape was due, so that a daemon's own
    schedule compares due times with due times; ``scrape=False`` (an ingest of a captured
    payload) leaves ``claimed_at`` alone. Call in a short transaction of its own.
    """
    me = writer_id()
    seen = conn.execute(_SELECT, {"lease_key": key}).first()
    if seen is not None and fresh_for is None and _live(seen, db_now(conn)):
        _queue(conn, key, me)  # cheap path: no lease write; a daemon lets this writer go next
        return Busy(key, seen.holder, seen.expires_at)
    lock_for_write(conn)
    if seen is None:  # lease rows are never deleted: one seen is still there
        _ensure_row(conn, key)
    row = conn.execute(_SELECT_FOR_UPDATE, {"lease_key": key}).one()
    now = db_now(conn)
    if _live(row, now):
        if fresh_for is None:
            _queue(conn, key, me)
        return Busy(key, row.holder, row.expires_at)
    queued = row.waiter and row.waiter != me and row.waiter_until and row.waiter_until > now
    if fresh_for is not None and queued:  # a daemon yields to a waiting `scrape`/`ingest`
        return Busy(key, row.waiter, row.waiter_until)
    due = now - waited
    if fresh_for is not None and row.claimed_at is not None and due - row.claimed_at < fresh_for:
        return Fresh(key, row.claimed_at)
    lease = Lease(key, writer_id(), uuid.uuid4().hex, now + ttl, took_over=row.holder or None)
    values: dict[str, Any] = {"acquired_at": now, "heartbeat_at": now}
    if scrape:
        values["claimed_at"] = due
    if row.waiter == me:
        values.update(waiter=None, waiter_until=None)
    conn.execute(
        update(LEASE)
        .where(LEASE.c.key == key)
        .values(holder=lease.holder, token=lease.token, expires_at=lease.expires_at, **values)
    )
    remember(conn, lease)
    return lease


_CHUNK = 500  # keys per IN list (well under every bind-parameter limit)


def try_acquire_many(conn: Connection, keys: list[str], ttl: timedelta) -> dict[str, Claim]:
    """:func:`try_acquire` for a ``scrape`` (no ``fresh_for``) of many keys at once: one
    write lock, a bounded number of statements, ``{key: Lease | Busy}``. A busy key is not
    queued here (the caller waits for it with :func:`try_acquire`, which queues)."""
    if not keys:
        return {}
    me = writer_id()
    lock_for_write(conn)
    postgres = conn.dialect.name == "postgresql"
    if postgres:  # one statement, not one per key (each costs both sides ~0.05 ms)
        driver.write(conn, _ENSURE_MANY, (list(keys),))
    else:  # SQLite's executemany loops in C
        driver.write_many(conn, _ENSURE_SQLITE, [(key,) for key in keys])
    rows = _lease_rows(conn, keys)
    now = db_now(conn)
    claims: dict[str, Claim] = {}
    taken: list[tuple[str, str, str | None, Any]] = []  # key, token, waiter, waiter_until
    for key in keys:
        row = rows[key]
        if _live(row, now):
            assert row.holder is not None and row.expires_at is not None  # a live lease has both
            claims[key] = Busy(key, row.holder, row.expires_at)
            continue
        lease = Lease(key, me, uuid.uuid4().hex, now + ttl, took_over=row.holder or None)
        claims[key] = lease
        if row.waiter == me:  # our own place in its queue ends with the claim
            taken.append((key, lease.token, None, None))
        else:
            taken.append((key, lease.token, row.waiter, driver.db_time(conn, row.waiter_until)))
    if taken and postgres:
        _take_many(conn, taken, me, now, now + ttl)
    elif taken:
        at, until = driver.db_time(conn, now), driver.db_time(conn, now + ttl)
        seq = [(me, token, until, at, at, at, w, w_until, key) for key, token, w, w_until in taken]
        driver.write_many(conn, _TAKE_SQLITE, seq)
    for claim in claims.values():
        if isinstance(claim, Lease):
            remember(conn, claim)
    return claims


class _LeaseRow(NamedTuple):
    """What :func:`try_acquire_many` reads of a lease row (times aware UTC)."""

    holder: str | None
    expires_at: datetime | None
    waiter: str | None
    waiter_until: datetime | None


def _lease_rows(conn: Connection, keys: list[str]) -> dict[str, _LeaseRow]:
    """The lease rows of ``keys``, locked (PostgreSQL: ``FOR UPDATE``; SQLite: the write lock
    is already held), read straight from the driver."""
    mark = driver.mark(conn)
    lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""
    read = driver.time_reader(conn)
    rows: dict[str, _LeaseRow] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        sql = _LEASE_ROWS.format(", ".join([mark] * len(chunk)), lock)
        for key, holder, expires, waiter, waiter_until in driver.rows(conn, sql, chunk):
            rows[key] = _LeaseRow(holder, read(expires), waiter, read(waiter_until))
    return rows


_LEASE_ROWS = (
    'SELECT "key", holder, expires_at, waiter, waiter_until FROM source_lease'
    ' WHERE "key" IN ({0}){1}'
)
# A claim's statements: make sure each key has its lease row, then take the free ones (one
# holder, expiry and time; a token and a waiter per key). SQLite: the driver's executemany
_ENSURE_SQLITE = 'INSERT INTO source_lease ("key") VALUES (?) ON CONFLICT DO NOTHING'
_TAKE_SQLITE = (
    "UPDATE source_lease SET holder = ?, token = ?, expires_at = ?, acquired_at = ?,"
    ' heartbeat_at = ?, claimed_at = ?, waiter = ?, waiter_until = ? WHERE "key" = ?'
)


# PostgreSQL: the same, one statement each over arrays
_ENSURE_MANY = (
    'INSERT INTO source_lease ("key") SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING'
)
_TAKE_MANY = (
    "UPDATE source_lease SET holder = %s, token = v.token, expires_at = %s, acquired_at = %s,"
    " heartbeat_at = %s, claimed_at = %s, waiter = v.waiter, waiter_until = v.waiter_until"
    " FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::timestamp[])"
    ' AS v("key", token, waiter, waiter_until) WHERE source_lease."key" = v."key"'
)


def _take_many(
    conn: Connection,
    taken: list[tuple[str, str, str | None, Any]],
    me: str,
    now: datetime,
    expires: datetime,
) -> None:
    """PostgreSQL: :data:`_TAKE_SQLITE` of every ``(key, token, waiter, waiter_until)`` in one
    statement (every lease of the claim has the same holder, expiry and time; token and
    waiter differ per key; ``waiter_until`` as the driver takes it)."""
    at = driver.db_time(conn, now)
    keys, tokens, waiters, untils = (list(column) for column in zip(*taken, strict=True))
    params = (me, driver.db_time(conn, expires), at, at, at, keys, tokens, waiters, untils)
    driver.write(conn, _TAKE_MANY, params)


def _queue(conn: Connection, key: str, me: str) -> None:
    """Mark ``me`` as waiting for the lease for a few seconds (refreshed while it polls)."""
    until = db_now(conn) + QUEUE_FOR
    conn.execute(update(LEASE).where(LEASE.c.key == key).values(waiter=me, waiter_until=until))


def renew(conn: Connection, lease: Lease, ttl: timedelta) -> bool:
    """Heartbeat: push the lease's expiry ``ttl`` ahead; False when it was taken over."""
    now = db_now(conn)
    stmt = (
        update(LEASE)
        .where(LEASE.c.key == lease.key, LEASE.c.token == lease.token)
        .values(heartbeat_at=now, expires_at=now + ttl)
    )
    return bool(conn.execute(stmt).rowcount)


def release(conn: Connection, lease: Lease) -> None:
    """Free the lease (only if still ours); ``claimed_at`` stays for the daemons' schedule."""
    forget(conn, lease)
    mark = driver.mark(conn)
    sql = (
        "UPDATE source_lease SET holder = NULL, token = NULL, expires_at = NULL"
        f' WHERE source_lease."key" = {mark} AND source_lease.token = {mark}'
    )
    driver.write(conn, sql, (lease.key, lease.token))


def hold_for_write(conn: Connection, key: str) -> str | None:
    """At the start of a run's write transaction: take the write lock for source ``key`` and
    check this writer may write it; else say why not (the caller writes nothing)."""
    lock_for_write(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(_SOURCE_FOR_UPDATE, {"lease_key": key})
    row = conn.execute(_SELECT_FOR_UPDATE, {"lease_key": key}).first()
    mine = _HELD.get((_database(conn), key))
    if row is None or (row.token is not None and row.token == mine):
        return None
    if mine is not None:
        return f"{key}: lease lost to {row.holder or 'nobody'} during the run; run not recorded"
    if _live(row, db_now(conn)):
        return f"{key} is being scraped by {row.holder}"
    return None


class SourceIds(NamedTuple):
    """What a run's write needs of its source row."""

    id: int
    key: str
    company_id: int
    seen_mark: Any = None  # the lazy last_seen (db.tables), as the driver returns them
    seen_until: Any = None


_SOURCE_COLS = 'source.id, source."key", source.company_id, source.seen_mark, source.seen_until'


def hold_source(conn: Connection, source_id: int) -> tuple[SourceIds | None, str | None]:
    """:func:`hold_for_write` by source id: ``(the source or None, why this writer may not
    write it or None)``. When this writer holds the source's lease (a scrape's every run) the
    lock, the source row and the fencing check take one statement after the write lock."""
    lock_for_write(conn)
    mark = driver.mark(conn)
    lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""  # both rows
    sql = (
        f"SELECT {_SOURCE_COLS}, source_lease.token FROM source JOIN source_lease"
        f' ON source_lease."key" = source."key" WHERE source.id = {mark}{lock}'
    )
    row = driver.first(conn, sql, (source_id,))
    if row is not None and row[5] is not None and row[5] == held_token(conn, row[1]):
        return SourceIds(*row[:5]), None
    sql = f"SELECT {_SOURCE_COLS} FROM source WHERE source.id = {mark}"
    found = driver.first(conn, sql, (source_id,))
    if found is None:
        return None, None
    source = SourceIds(*found)
    return source, hold_for_write(conn, source.key)  # no lease row, or not ours: the full check


@dataclass(frozen=True)
class Holding:
    """A live lease, for ``tracker status``."""

    key: str
    holder: str
    acquired_at: datetime | None
    expires_at: datetime


def live_leases(conn: Connection) -> dict[str, Holding]:
    """Unexpired leases by key (the SQLite daemon's under :data:`DAEMON_KEY`)."""
    now = db_now(conn)
    stmt = select(LEASE).where(LEASE.c.holder.is_not(None), LEASE.c.expires_at > now)
    return {
        row.key: Holding(row.key, row.holder, row.acquired_at, row.expires_at)
        for row in conn.execute(stmt)
    }
