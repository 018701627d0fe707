"""PostgreSQL engines ping a pooled connection only after it sat idle, and replace a dead one."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import db.session
from db.session import make_engine

PID = text("select pg_backend_pid()")


def test_dead_idle_connection_is_replaced(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(pg_url)
    other = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            first = conn.execute(PID).scalar()
        with other.begin() as conn:  # the server drops the pooled connection
            conn.execute(text("select pg_terminate_backend(:p)"), {"p": first})
        monkeypatch.setattr(db.session, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long"
        with engine.connect() as conn:
            second = conn.execute(PID).scalar()
        assert second is not None and second != first
    finally:
        engine.dispose()
        other.dispose()


def test_recently_used_connection_is_not_pinged(pg_url: str) -> None:
    engine = make_engine(pg_url)
    pings: list[object] = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or original(dbapi_connection)  # type: ignore[method-assign]
    try:
        for _ in range(3):
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        assert pings == []
    finally:
        engine.dispose()
