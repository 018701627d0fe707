"""Per-source leases (db.leases) and the store's fencing check, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

from db import leases, store
from db.leases import Busy, Fresh, Lease
from db.session import session_scope
from db.tables import LEASE
from tracker.domain import SourceRef

TTL = timedelta(seconds=60)
KEY = "greenhouse:acme"


def _source(engine: Engine) -> int:
    ref = SourceRef(ats="greenhouse", token="acme", company="Acme", company_slug="acme")
    with session_scope(engine) as session:
        row, _ = store.upsert_source(session, ref)
        return int(row.id or 0)


def _acquire(engine: Engine, **kw: object) -> leases.Claim:
    with engine.begin() as conn:
        return leases.try_acquire(conn, KEY, TTL, **kw)  # type: ignore[arg-type]


def _release(engine: Engine, lease: Lease) -> None:
    with engine.begin() as conn:
        leases.release(conn, lease)


def test_one_holder_at_a_time_and_release(engine: Engine) -> None:
    first = _acquire(engine)
    assert isinstance(first, Lease) and first.holder == leases.writer_id()
    _HELD_BY_OTHER(engine, "otherhost:42", datetime.now(UTC) + TTL)
    busy = _acquire(engine)
    assert isinstance(busy, Busy) and busy.holder == "otherhost:42"
    _HELD_BY_OTHER(engine, None, None)
    again = _acquire(engine)
    assert isinstance(again, Lease)
    _release(engine, again)
    with engine.connect() as conn:
        assert leases.live_leases(conn) == {}


def _HELD_BY_OTHER(engine: Engine, holder: str | None, expires: datetime | None) -> None:
    token = "t-other" if holder else None
    with engine.begin() as conn:
        stmt = update(LEASE).where(LEASE.c.key == KEY)
        conn.execute(stmt.values(holder=holder, token=token, expires_at=expires))


def test_an_expired_lease_of_another_host_is_taken_over(engine: Engine) -> None:
    assert isinstance(_acquire(engine), Lease)
    _HELD_BY_OTHER(engine, "otherhost:42", datetime.now(UTC) - timedelta(seconds=1))
    taken = _acquire(engine)
    assert isinstance(taken, Lease) and taken.took_over == "otherhost:42"


def test_a_dead_local_process_is_taken_over_at_once(engine: Engine) -> None:
    assert isinstance(_acquire(engine), Lease)
    dead = f"{leases.writer_id().rsplit(':', 1)[0]}:{2**22 + 7}"  # above Linux's pid_max
    _HELD_BY_OTHER(engine, dead, datetime.now(UTC) + TTL)
    assert isinstance(_acquire(engine), Lease)


def test_a_recently_claimed_source_is_not_due_for_a_daemon(engine: Engine) -> None:
    lease = _acquire(engine)
    assert isinstance(lease, Lease)
    _release(engine, lease)
    fresh = _acquire(engine, fresh_for=timedelta(hours=1))
    assert isinstance(fresh, Fresh)
    assert isinstance(_acquire(engine, fresh_for=timedelta(0)), Lease)


def test_a_waiting_writer_goes_before_a_daemon(engine: Engine) -> None:
    _acquire(engine)
    _HELD_BY_OTHER(engine, "otherhost:42", datetime.now(UTC) + TTL)
    assert isinstance(_acquire(engine), Busy)  # a scrape waits: it queues itself
    _HELD_BY_OTHER(engine, None, None)
    with engine.begin() as conn:  # a daemon (another process) comes first: it yields
        conn.execute(update(LEASE).where(LEASE.c.key == KEY).values(waiter="otherhost:43"))
    assert isinstance(_acquire(engine, fresh_for=timedelta(0)), Busy)


def test_store_refuses_a_writer_whose_lease_was_taken_over(engine: Engine) -> None:
    source_id = _source(engine)
    lease = _acquire(engine)
    assert isinstance(lease, Lease)
    _HELD_BY_OTHER(engine, "otherhost:42", datetime.now(UTC) + TTL)
    now = datetime.now(UTC)
    lost = pytest.raises(store.WriterConflict, match="lease lost to otherhost:42")
    with lost, session_scope(engine) as session:
        store.record_run(session, source_id, now, [])
    with engine.begin() as conn:
        leases.forget(conn, lease)
    busy = pytest.raises(store.WriterConflict, match="is being scraped by otherhost:42")
    with busy, session_scope(engine) as session:
        store.record_run(session, source_id, now, [])
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM run").scalar() == 0
    _HELD_BY_OTHER(engine, None, None)
    with session_scope(engine) as session:
        result = store.record_run(session, source_id, now, [])
    assert result.status == "ok"
    with engine.connect() as conn:
        writer = conn.exec_driver_sql("SELECT writer FROM run").scalar()
    assert writer == leases.writer_id()


def test_a_scrape_claims_many_keys_at_once(engine: Engine) -> None:
    """``try_acquire_many`` (one statement per step on PostgreSQL): new keys get a row and a
    lease; a live holder's key is Busy and untouched; another writer's place in the queue is
    kept, ours is cleared; every lease row says who holds it until when, with its token."""
    me = leases.writer_id()
    soon = datetime.now(UTC) + TTL
    with engine.begin() as conn:
        for key in ("a:held", "a:queued", "a:ours"):
            leases.try_acquire(conn, key, TTL)  # creates the rows
        conn.execute(update(LEASE).values(holder=None, token=None, expires_at=None))
        stmt = update(LEASE)
        conn.execute(stmt.where(LEASE.c.key == "a:held").values(holder="x:1", expires_at=soon))
        conn.execute(stmt.where(LEASE.c.key == "a:queued").values(waiter="y:2", waiter_until=soon))
        conn.execute(stmt.where(LEASE.c.key == "a:ours").values(waiter=me, waiter_until=soon))
    keys = ["a:held", "a:queued", "a:ours", "a:new1", "a:new2"]
    with engine.begin() as conn:
        claims = leases.try_acquire_many(conn, keys, TTL)
    assert isinstance(claims["a:held"], Busy) and claims["a:held"].holder == "x:1"
    won = {k: c for k, c in claims.items() if isinstance(c, Lease)}
    assert sorted(won) == ["a:new1", "a:new2", "a:ours", "a:queued"]
    assert len({c.token for c in won.values()}) == 4
    with engine.connect() as conn:
        rows = {r.key: r for r in conn.execute(LEASE.select().where(LEASE.c.key.in_(keys)))}
    assert (rows["a:held"].holder, rows["a:held"].token) == ("x:1", None)
    for key, lease in won.items():
        row = rows[key]
        assert (row.holder, row.token) == (me, lease.token)
        assert row.expires_at == lease.expires_at
        assert row.acquired_at == row.heartbeat_at == row.claimed_at
        assert row.expires_at - row.acquired_at == TTL
    assert (rows["a:queued"].waiter, rows["a:queued"].waiter_until is not None) == ("y:2", True)
    assert (rows["a:ours"].waiter, rows["a:ours"].waiter_until) == (None, None)
    assert (rows["a:new1"].waiter, rows["a:new1"].waiter_until) == (None, None)
    with engine.begin() as conn:
        for lease in won.values():
            leases.release(conn, lease)
