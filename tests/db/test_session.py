"""Engines, connection checks and transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from db import driver, leases
from db.queries import list_sources
from db.session import (
    DatabaseError,
    check_connection,
    connection,
    core_scope,
    kept_connection,
    make_engine,
    normalize_url,
    session_scope,
    upgrade,
)
from tests.db.factories import make_source


def test_postgres_urls_use_psycopg() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        assert normalize_url(url).drivername == "postgresql+psycopg"


def test_sqlite_engine_settings_and_parent_dir(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "tracker.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert int(conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
        assert path.exists()
    finally:
        engine.dispose()


def test_unreachable_database_is_one_clear_line_without_password() -> None:
    engine = make_engine("postgresql://tracker:s3cret-pw@127.0.0.1:1/tracker")
    with pytest.raises(DatabaseError) as info:
        check_connection(engine)
    message = str(info.value)
    assert message.startswith(
        "cannot connect to database postgresql+psycopg://tracker:***@127.0.0.1:1/tracker: "
    )
    assert "s3cret" not in message and "\n" not in message


def test_bad_url_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="bad database URL"):
        make_engine("not a url")


def test_check_connection_ok(engine: Engine) -> None:
    check_connection(engine)


def test_session_scope_commits_or_rolls_back(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_source(session, "kept")
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        make_source(session, "dropped")
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert [s.key for s in list_sources(session)] == ["greenhouse:kept"]


def test_core_scope_commits_what_went_straight_to_the_driver(engine: Engine) -> None:
    """Runs are written through ``core_scope`` with statements sent straight to the DB-API
    cursor (``db.driver``), after SQLite's ``BEGIN IMMEDIATE``: they commit with the block, and
    roll back when it raises."""
    with session_scope(engine) as session:
        make_source(session, "kept")
    sql = "UPDATE source SET etag = {0} WHERE token = {0}"
    with core_scope(engine) as session:
        conn = session.connection()
        leases.lock_for_write(conn)
        driver.write(conn, sql.format(driver.mark(conn)), ("v1", "kept"))
    with pytest.raises(RuntimeError), core_scope(engine) as session:
        conn = session.connection()
        leases.lock_for_write(conn)
        driver.write(conn, sql.format(driver.mark(conn)), ("v2", "kept"))
        raise RuntimeError("boom")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT etag FROM source")).scalar() == "v1"


def test_database_directory_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(DatabaseError, match="cannot create directory"):
        make_engine(f"sqlite:///{blocker / 'sub' / 'tracker.db'}")


def test_database_from_a_newer_tracker_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseError, match="revision 9999"):
        upgrade(engine)


def test_a_kept_connection_serves_its_own_thread_only(engine: Engine) -> None:
    """Inside ``kept_connection`` this thread's short writes share one connection, committed
    one by one; another thread, or a connection caught inside a transaction, gets one of its
    own; outside the block every call checks one out of the pool again."""
    import threading

    def one() -> Connection:
        with connection(engine) as conn:
            return conn

    with kept_connection(engine):
        first = one()
        assert one() is first
        for value in ("a", "b"):
            with connection(engine) as conn, conn.begin():
                conn.execute(text("CREATE TABLE IF NOT EXISTS kept_t (v TEXT)"))
                conn.execute(text("INSERT INTO kept_t VALUES (:v)"), {"v": value})
        elsewhere: list[Connection] = []
        thread = threading.Thread(target=lambda: elsewhere.append(one()))
        thread.start()
        thread.join()
        assert elsewhere[0] is not first
        with first.begin():  # busy: another call gets a connection of its own
            assert one() is not first
        assert one() is first
    assert first.closed and one() is not first
    with engine.connect() as conn:  # every short transaction committed on its own
        assert conn.execute(text("SELECT v FROM kept_t ORDER BY v")).scalars().all() == ["a", "b"]
        conn.execute(text("DROP TABLE kept_t"))
        conn.commit()
