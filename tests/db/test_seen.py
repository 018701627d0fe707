"""The lazy ``last_seen`` (``db.seen``): runs that see what the latest run saw write no posting
row, and every read still answers the time each posting was last seen (lifecycle rule 2), on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event, select, text, update
from sqlmodel import Session

from db.queries import roles_at
from db.session import alembic_config
from db.store import record_not_modified
from db.tables import POSTING, SOURCE
from tests.db.factories import at, board, make_source, posting, posting_row, run
from tracker.domain import RoleFilter

ALL = RoleFilter(include_all=True)


def not_modified(session: Session, sid: int, hours: float) -> Any:
    return record_not_modified(session, sid, at(hours))


def last_seen(session: Session, sid: int) -> dict[str, datetime]:
    """external id -> last_seen, as the queries answer it (open postings)."""
    return {r.external_id: r.last_seen for r in roles_at(session, at(1000), ALL)}


def stored(session: Session, sid: int) -> dict[str, datetime]:
    """external id -> the posting row's own ``last_seen`` column."""
    rows = session.connection().execute(
        select(POSTING.c.external_id, POSTING.c.last_seen).where(POSTING.c.source_id == sid)
    )
    return {ext: seen for ext, seen in rows}


def posting_writes(engine: Engine, action: Any) -> list[str]:
    """The statements that wrote posting rows while ``action()`` ran."""
    found: list[str] = []

    def capture(*args: Any) -> None:
        sql = " ".join(args[2].split()).upper()
        if "UPDATE POSTING " in sql or "INSERT INTO POSTING " in sql:
            found.append(sql)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return found


def test_not_modified_runs_write_no_posting_and_reads_move_on(
    session: Session, engine: Engine
) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(4))
    writes = posting_writes(engine, lambda: [not_modified(session, sid, h) for h in (6, 12)])
    assert writes == []
    assert stored(session, sid) == dict.fromkeys(("p0", "p1", "p2", "p3"), at(0))
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1", "p2", "p3"), at(12))
    assert posting_row(session, sid, "p2").last_seen == at(12)


def test_a_posting_gone_after_304s_closes_last_seen_at_the_last_304(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(3))
    not_modified(session, sid, 6)
    not_modified(session, sid, 12)
    result = run(session, sid, 18, [posting("p0"), posting("p1"), posting("n1")])
    assert (result.new, result.closed, result.unchanged) == (1, 1, 2)
    gone = posting_row(session, sid, "p2")
    assert gone.closed_at == at(18) and gone.last_seen == at(12)  # its own time, written down
    assert last_seen(session, sid) == {"p0": at(18), "p1": at(18), "n1": at(18)}
    not_modified(session, sid, 24)
    assert last_seen(session, sid) == {"p0": at(24), "p1": at(24), "n1": at(24)}
    assert posting_row(session, sid, "p2").last_seen == at(12)  # a closed one stays put


def test_a_changed_board_writes_only_what_it_must(session: Session, engine: Engine) -> None:
    """Unchanged postings seen again by a changed board are not written; the new one is
    inserted and the closed one settled: nothing else."""
    sid = make_source(session)
    run(session, sid, 0, board(20))
    not_modified(session, sid, 6)
    fresh = [*board(19), posting("n1")]  # p19 gone, n1 new
    writes = posting_writes(engine, lambda: run(session, sid, 12, fresh))
    touched = [w for w in writes if w.startswith("UPDATE POSTING SET LAST_SEEN")]
    assert len(touched) <= 1  # the settled p19 only (on PostgreSQL inside the run's statement)
    assert posting_row(session, sid, "p19").last_seen == at(6)
    assert set(last_seen(session, sid).values()) == {at(12)}


def test_reopened_after_304s(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(3))
    not_modified(session, sid, 6)
    run(session, sid, 12, board(2))  # p2 closes
    not_modified(session, sid, 18)
    result = run(session, sid, 24, board(3))  # p2 is back
    assert result.reopened == 1
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1", "p2"), at(24))
    not_modified(session, sid, 30)
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1", "p2"), at(30))


def test_suspect_after_304s_keeps_the_missing_ones_at_their_time(session: Session) -> None:
    """A suspect run keeps the postings it missed open, last seen at the 304 before it; the
    run confirming their disappearance closes exactly them (rule 3)."""
    sid = make_source(session)
    run(session, sid, 0, board(10))
    not_modified(session, sid, 6)
    result = run(session, sid, 12, board(2))  # 8 of 10 missing: suspect
    assert result.status == "suspect" and result.closed == 0
    seen = last_seen(session, sid)
    assert seen["p0"] == seen["p1"] == at(12)
    assert {seen[f"p{i}"] for i in range(2, 10)} == {at(6)}
    result = run(session, sid, 18, [*board(2), posting("p9")])  # p9 is back in time
    assert (result.status, result.closed) == ("ok", 7)
    assert last_seen(session, sid) == {"p0": at(18), "p1": at(18), "p9": at(18)}
    assert posting_row(session, sid, "p5").last_seen == at(6)
    not_modified(session, sid, 24)
    assert last_seen(session, sid) == {"p0": at(24), "p1": at(24), "p9": at(24)}


def test_rows_from_before_the_mark_columns(session: Session) -> None:
    """A source whose runs were written before ``seen_mark`` existed (null) or whose mark does
    not stand for its latest run: the run starts the mark from that run's time."""
    sid = make_source(session)
    run(session, sid, 0, board(3))
    conn = session.connection()
    conn.execute(update(SOURCE).values(seen_mark=None, seen_until=None))
    assert not_modified(session, sid, 6).seen == 3
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1", "p2"), at(6))
    conn.execute(update(SOURCE).values(seen_until=at(3)))  # stands for no run
    conn.execute(update(POSTING).values(last_seen=at(6)))  # as the old code wrote them
    assert not_modified(session, sid, 12).seen == 3
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1", "p2"), at(12))
    conn.execute(update(SOURCE).values(seen_mark=None, seen_until=None))
    conn.execute(update(POSTING).values(last_seen=at(12)))
    result = run(session, sid, 18, board(2))
    assert (result.closed, result.unchanged) == (1, 2)
    assert posting_row(session, sid, "p2").last_seen == at(12)
    assert last_seen(session, sid) == {"p0": at(18), "p1": at(18)}


def test_a_failed_run_between_keeps_the_mark(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(2))
    not_modified(session, sid, 6)
    run(session, sid, 12, None, error="HTTP 503")
    assert not_modified(session, sid, 18).seen == 2
    assert last_seen(session, sid) == dict.fromkeys(("p0", "p1"), at(18))


def test_the_open_roles_view_reads_the_lazy_last_seen(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(2))
    not_modified(session, sid, 6)
    session.commit()
    rows = session.connection().execute(text("SELECT last_seen FROM open_roles")).all()
    values = {datetime.fromisoformat(str(r[0])).replace(tzinfo=None) for r in rows}
    assert values == {at(6).replace(tzinfo=None)}


def test_downgrade_writes_the_lazy_last_seen_back(session: Session, engine: Engine) -> None:
    from alembic import command

    sid = make_source(session)
    run(session, sid, 0, board(2))
    not_modified(session, sid, 6)
    session.commit()
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008_views")
    with engine.connect() as conn:
        seen = conn.execute(text("SELECT last_seen FROM posting")).scalars().all()
        view = conn.execute(text("SELECT count(*) FROM open_roles")).scalar()
    assert {datetime.fromisoformat(str(s)).replace(tzinfo=None) for s in seen} == {
        at(6).replace(tzinfo=None)
    }
    assert view == 2
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
