"""The run's driver-level statements (db.driver) and the fast paths built on them, on SQLite and
PostgreSQL: same values as SQLAlchemy's, errors raised as SQLAlchemy raises them, statement
events still seen, the one-statement fence, settle's one-statement read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import driver, leases, store
from db.at_once import record_not_modified_at_once
from db.leases import Lease
from db.queries import roles_at
from db.renorm import current_postings
from db.session import session_scope
from db.settle import _current
from db.tables import LAST_SEEN, POSTING, RUN, VERSION, UTCDateTime
from tests.db.factories import (
    AUSTIN,
    DUBLIN,
    USD_BAND,
    at,
    make_source,
    posting,
    run,
    stored_postings,
)
from tracker.domain import RoleFilter


def test_times_read_back_as_sqlalchemy_reads_them(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a")])
    conn = session.connection()
    expected = conn.execute(select(RUN.c.observed_at, RUN.c.finished_at)).one()
    raw = driver.first(conn, "SELECT observed_at, finished_at FROM run")
    assert raw is not None
    read = driver.time_reader(conn)
    assert (read(raw[0]), read(raw[1])) == tuple(expected)
    assert read(raw[0]).tzinfo is UTC
    mark = driver.mark(conn)
    sql = f"SELECT count(*) FROM run WHERE observed_at = {mark}"
    assert driver.first(conn, sql, (driver.db_time(conn, at(0)),)) == (1,)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 30, 6, 21, 40, 852336, tzinfo=UTC),
        datetime(2026, 1, 1),  # naive: taken as UTC already
        datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=9))),  # to UTC: the day before
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),  # a short year, a lone microsecond
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=timezone(timedelta(0))),  # UTC, but not the UTC object
        None,
    ],
)
def test_times_bind_as_sqlalchemy_binds_them(session: Session, value: datetime | None) -> None:
    """The driver's own binding of a timestamp (SQLite: a quicker path) gives the driver what
    SQLAlchemy's ``UTCDateTime`` gives it, so both find the same rows."""
    conn = session.connection()
    sqlalchemy_binds = UTCDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
    assert sqlalchemy_binds is not None
    assert driver.db_time(conn, value) == sqlalchemy_binds(value)


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a")])
    conn = session.connection()
    mark = driver.mark(conn)
    cols = "id, source_id, company_id, external_id, first_seen, last_seen, content_hash"
    copied = cols.replace("source_id", mark)
    sql = f"INSERT INTO posting ({cols}) SELECT {copied} FROM posting"  # a duplicate id
    with pytest.raises(IntegrityError):
        driver.write(conn, sql, (sid,))


def test_bulk_rows_keep_every_character_and_null(session: Session) -> None:
    """A board big enough for PostgreSQL's COPY path: tabs, newlines, backslashes, quotes,
    non-Latin text and nulls come back exactly as written."""
    odd = [
        "tab\there",
        "line\nbreak",
        "back\\slash \\N",
        "quote ' \" done",
        "東京 データセンター",
        "\\.",
    ]
    board = [
        posting(f"x{i}", title=odd[i % len(odd)] + f" {i}", team=None if i % 2 else odd[i % 3])
        for i in range(24)
    ]
    sid = make_source(session)
    result = run(session, sid, 0, board)
    assert result.new == 24
    found = {r.external_id: r for r in roles_at(session, at(1), RoleFilter(include_all=True))}
    for p in board:
        assert (found[p.external_id].title, found[p.external_id].team) == (p.title, p.team)
    assert run(session, sid, 6, board).unchanged == 24  # the stored content hashes match


def test_a_bulk_insert_error_is_raised_as_sqlalchemy_raises_it(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a")])
    conn = session.connection()
    rows = [(f"k{i}", "h") for i in range(12)] * 2  # every key twice
    with pytest.raises(IntegrityError):
        if conn.dialect.name == "postgresql":
            driver.copy_in(conn, "company", ("slug", "name"), rows)
        else:
            driver.write_many(conn, "INSERT INTO company (slug, name) VALUES (?, ?)", rows)


def test_statement_events_still_see_driver_statements(session: Session, engine: Engine) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a"), posting("b")])
    seen: list[str] = []

    def capture(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", capture)
    try:
        conn = session.connection()
        sql = f"SELECT external_id FROM posting WHERE source_id = {driver.mark(conn)}"
        found = driver.rows(conn, sql, (sid,))
        sign = f"UPDATE posting SET signature = 'x' WHERE id = {driver.mark(conn)}"
        driver.write_many(conn, sign, [(1,), (2,)])
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sorted(found) == [("a",), ("b",)]
    assert any(s.startswith("SELECT external_id") for s in seen)
    assert any(s.startswith("UPDATE posting SET signature") for s in seen)
    sigs = session.connection().execute(select(POSTING.c.signature)).scalars().all()
    assert sigs == ["x", "x"]


def test_many_ids_go_inline_and_a_few_as_parameters(session: Session) -> None:
    from db.apply import _LISTED, listed

    conn = session.connection()
    within, params = listed(conn, [3, 1, 2])
    assert params == (3, 1, 2) and within.count(driver.mark(conn)) == 3
    ids = list(range(_LISTED + 1))
    within, params = listed(conn, ids)
    assert params == () and within == ", ".join(map(str, ids))


def test_not_modified_fast_fence_under_a_held_lease(engine: Engine) -> None:
    with session_scope(engine) as session:
        sid = make_source(session)
        store.record_run(session, sid, at(0), [posting("a"), posting("b")])
    with engine.begin() as conn:
        lease = leases.try_acquire(conn, "greenhouse:anthropic", timedelta(seconds=60))
    assert isinstance(lease, Lease)
    with session_scope(engine) as session:
        result = store.record_not_modified(session, sid, at(6))
        leases.release(session.connection(), lease)
    assert (result.status, result.seen, result.unchanged) == ("ok", 2, 2)
    with engine.connect() as conn:
        rows = conn.execute(select(RUN.c.seen, RUN.c.unchanged).order_by(RUN.c.id)).all()
        seen = conn.execute(stored_postings().with_only_columns(LAST_SEEN)).scalars().all()
        holder = conn.exec_driver_sql("SELECT holder, token FROM source_lease").one()
    assert [tuple(r) for r in rows] == [(2, 0), (2, 2)]
    assert seen == [at(6), at(6)]
    assert tuple(holder) == (None, None)
    with engine.begin() as conn:  # taken over during the next run: nothing is written
        lease = leases.try_acquire(conn, "greenhouse:anthropic", timedelta(seconds=60))
    assert isinstance(lease, Lease)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE source_lease SET token = 'other', holder = 'otherhost:1'")
    lost = pytest.raises(store.WriterConflict, match="lease lost to otherhost:1")
    with lost, session_scope(engine) as session:
        store.record_not_modified(session, sid, at(12))
    with engine.begin() as conn:
        leases.forget(conn, lease)
        assert conn.exec_driver_sql("SELECT count(*) FROM run").scalar() == 2


def test_settle_reads_what_current_postings_reads(session: Session) -> None:
    sid = make_source(session)
    board = [
        posting("a", places=(AUSTIN, DUBLIN), salary=USD_BAND, salaries=(USD_BAND,)),
        posting("b", places=()),
        posting("c", salary=USD_BAND, salaries=(USD_BAND,)),
    ]
    run(session, sid, 0, board)
    conn = session.connection()
    old = conn.execute(select(POSTING.c.current_version_id).where(POSTING.c.external_id == "c"))
    conn.execute(update(VERSION).where(VERSION.c.id == old.scalar()).values(salary_bands=None))
    ids = dict(conn.execute(select(POSTING.c.external_id, POSTING.c.id)).all())
    stored, legacy = _current(conn, sid, sorted(ids.values()))
    assert stored == current_postings(conn, sid, ids)
    assert list(legacy) == ["c"]
    assert stored["a"].places == (AUSTIN, DUBLIN) and stored["b"].places == ()


def test_runs_record_the_same_rows_with_and_without_statement_events(
    session: Session, engine: Engine
) -> None:
    """The event-listened path (exec_driver_sql) and the raw cursor write the same history."""
    sid = make_source(session)
    other = make_source(session, token="other", company="Other")
    boards = [
        [posting("a"), posting("b"), posting("c")],
        [posting("a", title="New"), posting("b")],
        [posting("a", title="New"), posting("b"), posting("c")],
    ]
    listener: Any = lambda *args: None  # noqa: E731
    for hours, board in enumerate(boards):
        run(session, sid, hours, board)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            run(session, other, hours, board)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    conn = session.connection()
    cols = [POSTING.c.external_id, POSTING.c.first_seen, LAST_SEEN, POSTING.c.closed_at]

    def history(source_id: int) -> list[Any]:
        stmt = stored_postings().with_only_columns(*cols).where(POSTING.c.source_id == source_id)
        return [tuple(r) for r in conn.execute(stmt.order_by(POSTING.c.external_id))]

    assert history(sid) == history(other)
    assert history(sid)[2] == ("c", at(0), at(2), None)


def test_a_not_modified_run_at_once_is_the_transactions_run(engine: Engine) -> None:
    """The shortest 304 run (PostgreSQL: one statement; SQLite: two and the lease) writes what
    the transaction path writes (run row, last_seen, validators, lease freed), and writes
    nothing when the lease was lost or the case is not its own (no state, no lease): the
    transaction path then decides."""
    key = "greenhouse:anthropic"
    with session_scope(engine) as session:
        sid = make_source(session)
        store.record_run(session, sid, at(0), [posting("a"), posting("b")], body_hash="h0")
    with engine.connect() as conn:
        state = store.scrape_states(conn, [sid])[sid]

    def claim() -> Lease:
        with engine.begin() as conn:
            lease = leases.try_acquire(conn, key, timedelta(seconds=60))
        assert isinstance(lease, Lease)
        return lease

    def at_once(hours: float, lease: Lease | None, **kw: Any) -> Any:
        args: dict[str, Any] = {"state": state, "release": lease, "body_hash": None, **kw}
        return record_not_modified_at_once(engine, sid, at(hours), started_at=at(hours), **args)

    lease = claim()
    assert at_once(6, None) is None and at_once(6, lease, state=None) is None
    result = at_once(6, lease)
    assert result is not None
    assert (result.source, result.status, result.seen, result.unchanged) == (key, "ok", 2, 2)
    with engine.connect() as conn:
        runs = conn.execute(
            select(RUN.c.id, RUN.c.seen, RUN.c.unchanged, RUN.c.status, RUN.c.body_hash).order_by(
                RUN.c.id
            )
        ).all()
        seen = conn.execute(stored_postings().with_only_columns(LAST_SEEN)).scalars().all()
        holder = conn.exec_driver_sql("SELECT holder, token FROM source_lease").one()
    assert [tuple(r)[1:] for r in runs] == [(2, 0, "ok", "h0"), (2, 2, "ok", "h0")]
    assert runs[-1][0] == result.run_id and seen == [at(6), at(6)]
    assert tuple(holder) == (None, None)  # freed in the statement
    with engine.connect() as conn:
        assert leases.held_token(conn, key) is None  # and forgotten by this process
        if engine.dialect.name == "postgresql":
            # the run alone committed without waiting for the WAL flush: the session did not
            # change
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
        assert tuple(conn.exec_driver_sql("SELECT etag, last_modified FROM source").one()) == (
            None,
            None,
        )
    lease = claim()  # new validators go in with the run
    with engine.connect() as conn:
        state = store.scrape_states(conn, [sid])[sid]
    assert at_once(9, lease, validators=('"v2"', "Mon, 30 Nov 2026 00:00:00 GMT")) is not None
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT etag, last_modified FROM source").one()
        assert tuple(stored) == ('"v2"', "Mon, 30 Nov 2026 00:00:00 GMT")
        assert conn.exec_driver_sql("SELECT count(*) FROM run").scalar() == 3
    lease = claim()  # lost to another writer before the next run: nothing is written
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE source_lease SET token = 'other', holder = 'otherhost:1'")
    with engine.connect() as conn:
        state = store.scrape_states(conn, [sid])[sid]
    assert at_once(12, lease) is None
    lost = pytest.raises(store.WriterConflict, match="lease lost to otherhost:1")
    with lost, session_scope(engine) as session:  # the transaction path says why
        store.record_not_modified(session, sid, at(12), state=state, release=lease)
    with engine.begin() as conn:
        leases.forget(conn, lease)
        assert conn.exec_driver_sql("SELECT count(*) FROM run").scalar() == 3
        assert conn.execute(stored_postings().with_only_columns(LAST_SEEN)).scalars().all() == [
            at(9),
            at(9),
        ]
