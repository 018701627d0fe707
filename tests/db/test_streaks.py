"""db.streaks.failing_since: when each source's current run of failures began, in one query."""

from __future__ import annotations

from sqlmodel import Session

from db.streaks import failing_since
from tests.db.factories import at, board, make_source, run


def test_streak_starts_at_the_first_failure_after_the_last_ok(session: Session) -> None:
    healthy = make_source(session, "healthy", "Healthy")
    broken = make_source(session, "broken", "Broken")
    never = make_source(session, "never", "Never")
    run(session, healthy, 0, board(2))
    run(session, healthy, 6, None, error="HTTP 503")
    run(session, healthy, 12, board(2))
    run(session, broken, 0, None, error="HTTP 503")  # an earlier streak, ended by an ok run
    run(session, broken, 6, board(2))
    run(session, broken, 12, None, error="HTTP 503")
    run(session, broken, 18, None, error="timeout")
    run(session, broken, 30, board(2))  # after the report's end
    run(session, never, 3, None, error="HTTP 404")
    run(session, never, 9, None, error="HTTP 404")
    keys = ["greenhouse:healthy", "greenhouse:broken", "greenhouse:never", "greenhouse:none"]
    conn = session.connection()
    assert failing_since(conn, keys, at(24)) == {
        "greenhouse:broken": at(12),
        "greenhouse:never": at(3),
    }
    assert failing_since(conn, keys, at(8)) == {
        "greenhouse:healthy": at(6),
        "greenhouse:never": at(3),
    }
    assert failing_since(conn, keys, at(40)) == {"greenhouse:never": at(3)}
    assert failing_since(conn, ["greenhouse:broken"], at(13)) == {"greenhouse:broken": at(12)}
    assert failing_since(conn, [], at(40)) == {}
