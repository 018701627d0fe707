"""The posting lifecycle rules 1-6 (docs/concepts.md), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from db.queries import roles_at
from db.store import StoreError, record_run
from tests.db.factories import (
    AUSTIN,
    DUBLIN,
    SYDNEY,
    USD_BAND,
    at,
    board,
    count_rows,
    make_source,
    posting,
    posting_row,
    run,
    spans,
    versions,
)
from tracker.domain import RoleFilter

ALL = RoleFilter(include_all=True)


def open_ids(session: Session, hours: float) -> set[str]:
    return {role.external_id for role in roles_at(session, at(hours), ALL)}


# rule 2: new and unchanged ------------------------------------------------------------------


def test_new_postings_are_inserted_with_span_version_and_places(session: Session) -> None:
    sid = make_source(session)
    result = run(session, sid, 0, [posting("a", places=(SYDNEY, DUBLIN)), posting("b")])
    assert (result.status, result.seen, result.new, result.closed) == ("ok", 2, 2, 0)
    assert result.source == "greenhouse:anthropic" and result.run_id is not None
    row = posting_row(session, sid, "a")
    assert row.first_seen == at(0) and row.last_seen == at(0) and row.closed_at is None
    assert row.first_seen.tzinfo is not None and row.first_seen.utcoffset() == timedelta(0)
    assert spans(session, row.id) == [(at(0), None)]
    (version,) = versions(session, row.id)
    assert version.valid_from == at(0) and version.valid_to is None
    assert version.id == row.current_version_id and version.run_id == result.run_id
    assert row.content_hash == posting("a", places=(SYDNEY, DUBLIN)).content_hash
    (role,) = [r for r in roles_at(session, at(0), ALL) if r.external_id == "a"]
    assert role.locations == (SYDNEY, DUBLIN)


def test_unchanged_posting_only_refreshes_last_seen(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(3))
    before = count_rows(session)
    result = run(session, sid, 6, board(3))
    assert (result.seen, result.new, result.unchanged, result.changed) == (3, 0, 3, 0)
    after = count_rows(session)
    assert after == {**before, "run": before["run"] + 1}
    row = posting_row(session, sid, "p1")
    assert (row.first_seen, row.last_seen) == (at(0), at(6))
    assert [v.valid_to for v in versions(session, row.id)] == [None]


def test_unchanged_postings_refresh_without_writing_them(session: Session, engine: Engine) -> None:
    """50 unchanged postings seen again: no posting row is written; the source's mark moves on
    (``db.seen``) and every one of them reads as last seen now."""
    sid = make_source(session)
    run(session, sid, 0, board(50))
    statements: list[str] = []

    def capture(*args: Any) -> None:
        statements.append(" ".join(args[2].split()).upper())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run(session, sid, 6, board(50))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert not [s for s in statements if "UPDATE POSTING " in s]
    marks = [s for s in statements if "UPDATE SOURCE SET SEEN_MARK" in s]
    assert len(marks) == 1
    assert {posting_row(session, sid, f"p{i}").last_seen for i in range(50)} == {at(6)}


# rule 2: changed ----------------------------------------------------------------------------

CHANGES: dict[str, dict[str, Any]] = {
    "title": {"title": "Senior Data Center Technician"},
    "places": {"places": (AUSTIN,)},
    "salary": {"salary": USD_BAND},
    "category": {"category": "dc_electrical", "category_rule": "title:electrical"},
}


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_changed_content_records_a_new_version(session: Session, what: str) -> None:
    sid = make_source(session)
    first = run(session, sid, 0, [posting("a"), posting("b")])
    result = run(session, sid, 6, [posting("a", **CHANGES[what]), posting("b")])
    assert (result.changed, result.unchanged, result.new, result.closed) == (1, 1, 0, 0)
    row = posting_row(session, sid, "a")
    old, new = versions(session, row.id)
    assert (old.valid_from, old.valid_to, old.run_id) == (at(0), at(6), first.run_id)
    assert (new.valid_from, new.valid_to, new.run_id) == (at(6), None, result.run_id)
    assert row.current_version_id == new.id and row.last_seen == at(6)
    assert row.content_hash == posting("a", **CHANGES[what]).content_hash
    before = {r.external_id: r for r in roles_at(session, at(5), ALL)}["a"]
    after = {r.external_id: r for r in roles_at(session, at(6), ALL)}["a"]
    for name, value in CHANGES[what].items():
        field = "locations" if name == "places" else name
        assert getattr(after, field) == value
        assert getattr(before, field) != value


# rule 3: closing ----------------------------------------------------------------------------


def test_absent_posting_is_closed(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(3))
    result = run(session, sid, 6, board(2))
    assert (result.status, result.closed, result.unchanged) == ("ok", 1, 2)
    row = posting_row(session, sid, "p2")
    assert row.closed_at == at(6) and row.last_seen == at(0)
    assert spans(session, row.id) == [(at(0), at(6))]
    assert [v.valid_to for v in versions(session, row.id)] == [None]
    assert open_ids(session, 6) == {"p0", "p1"}


@pytest.mark.parametrize(
    ("open_count", "absent", "suspect"),
    [
        (10, 6, True),  # more than half and >= 5
        (10, 5, False),  # exactly half: not more than half
        (9, 5, True),  # 5 of 9
        (5, 5, True),  # all of 5
        (5, 4, False),  # more than half but fewer than 5
        (4, 4, False),  # a small board may empty out
        (20, 10, False),
    ],
)
def test_suspect_guard_boundaries(
    session: Session, open_count: int, absent: int, suspect: bool
) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(open_count))
    result = run(session, sid, 6, board(open_count)[absent:])
    assert result.status == ("suspect" if suspect else "ok")
    assert result.closed == (0 if suspect else absent)
    assert len(open_ids(session, 6)) == (open_count if suspect else open_count - absent)
    if suspect:
        assert result.error and "not closed" in result.error


def test_suspect_run_still_records_new_changed_and_seen(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(10))
    payload = [posting("p0", title="Renamed"), posting("p1"), posting("new")]
    result = run(session, sid, 6, payload)
    assert result.status == "suspect"
    assert (result.new, result.changed, result.unchanged, result.closed) == (1, 1, 1, 0)
    assert posting_row(session, sid, "p1").last_seen == at(6)
    assert posting_row(session, sid, "p5").last_seen == at(0)
    assert len(open_ids(session, 6)) == 11


def test_suspect_is_confirmed_by_the_next_run(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(10))
    assert run(session, sid, 6, board(3)).status == "suspect"
    result = run(session, sid, 12, board(3))
    assert (result.status, result.closed, result.unchanged) == ("ok", 7, 3)
    assert posting_row(session, sid, "p9").closed_at == at(12)
    assert open_ids(session, 11) == {f"p{i}" for i in range(10)}
    assert open_ids(session, 12) == {"p0", "p1", "p2"}


def test_board_back_after_suspect_closes_nothing(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(10))
    run(session, sid, 6, board(3))
    result = run(session, sid, 12, board(10))
    assert (result.status, result.closed, result.unchanged) == ("ok", 0, 10)


def test_confirmation_closes_only_postings_absent_from_both_runs(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(10))
    run(session, sid, 6, board(3))  # p3..p9 missing: suspect
    result = run(session, sid, 12, board(5)[1:])  # p0 newly missing, p3 p4 back
    assert (result.status, result.closed) == ("ok", 6)  # p5..p9 confirmed, p0 closes normally
    assert open_ids(session, 12) == {"p1", "p2", "p3", "p4"}


def test_guard_applies_to_the_unconfirmed_remainder(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(20))
    assert run(session, sid, 6, board(9)).status == "suspect"  # 11 of 20 missing
    second = run(session, sid, 12, board(9)[5:])  # 11 confirmed; 5 of remaining 9 missing
    assert (second.status, second.closed) == ("suspect", 11)
    assert len(open_ids(session, 12)) == 9
    third = run(session, sid, 18, board(9)[5:])
    assert (third.status, third.closed) == ("ok", 5)
    assert open_ids(session, 18) == {"p5", "p6", "p7", "p8"}


def test_failed_run_between_suspect_and_confirmation(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(10))
    run(session, sid, 6, board(3))
    run(session, sid, 9, None, error="HTTP 503")
    result = run(session, sid, 12, board(3))
    assert (result.status, result.closed) == ("ok", 7)


# rule 4: failed runs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{"postings": None}, {"postings": [], "error": "HTTP 503"}, {"postings": None, "error": "x"}],
)
def test_failed_run_changes_no_posting(session: Session, kwargs: dict[str, Any]) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(3))
    before = count_rows(session)
    kwargs = dict(kwargs)
    payload = kwargs.pop("postings")
    result = run(session, sid, 6, payload, **kwargs)
    assert result.status == "failed" and result.error
    assert (result.seen, result.closed, result.new) == (0, 0, 0)
    assert count_rows(session) == {**before, "run": before["run"] + 1}
    assert posting_row(session, sid, "p0").last_seen == at(0)
    assert open_ids(session, 7) == {"p0", "p1", "p2"}


# rule 5: reopen -----------------------------------------------------------------------------


def test_reopened_posting_shows_the_gap(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(2))
    run(session, sid, 6, board(1))  # p1 closes at 6
    result = run(session, sid, 12, board(2))
    assert (result.reopened, result.new, result.unchanged, result.changed) == (1, 0, 1, 0)
    row = posting_row(session, sid, "p1")
    assert row.closed_at is None and row.first_seen == at(0) and row.last_seen == at(12)
    assert spans(session, row.id) == [(at(0), at(6)), (at(12), None)]
    assert len(versions(session, row.id)) == 1
    assert "p1" in open_ids(session, 5)
    assert "p1" not in open_ids(session, 6) and "p1" not in open_ids(session, 11)
    assert "p1" in open_ids(session, 12)


def test_reopened_posting_with_new_content_gets_a_version(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a")])
    run(session, sid, 6, [])
    result = run(session, sid, 12, [posting("a", title="Data Center Lead")])
    assert (result.reopened, result.changed) == (1, 0)
    old, new = versions(session, posting_row(session, sid, "a").id)
    assert old.valid_to == at(12) and new.valid_from == at(12) and new.title == "Data Center Lead"


# rule 6: open at T --------------------------------------------------------------------------


def test_open_at_boundaries(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, board(1))
    run(session, sid, 6, [])
    tick = timedelta(microseconds=1)
    assert not roles_at(session, at(0) - tick, ALL)
    assert [r.external_id for r in roles_at(session, at(0), ALL)] == ["p0"]  # first_seen == T
    assert roles_at(session, at(6) - tick, ALL)
    assert not roles_at(session, at(6), ALL)  # closed_at == T is not open


def test_times_are_utc_whatever_zone_they_come_in(session: Session) -> None:
    sid = make_source(session)
    tokyo = datetime(2026, 4, 15, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    result = record_run(session, sid, tokyo, board(1))
    assert result.observed_at == datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    role = roles_at(session, datetime(2026, 4, 15, 9, 0), ALL)[0]  # naive read as UTC
    assert role.first_seen == datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    assert role.first_seen.tzinfo is not None


# ordering, duplicates, size -----------------------------------------------------------------


def test_out_of_order_run_is_refused_and_writes_nothing(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 6, board(2))
    before = count_rows(session)
    with pytest.raises(StoreError, match="chronological order"):
        run(session, sid, 0, board(3))
    with pytest.raises(StoreError, match="chronological order"):
        run(session, sid, 5, None, error="HTTP 500")
    assert count_rows(session) == before
    assert run(session, sid, 6, board(2)).status == "ok"  # same time is not older


def test_other_sources_do_not_constrain_order(session: Session) -> None:
    first, second = make_source(session), make_source(session, "acme", "Acme")
    run(session, first, 6, board(2))
    assert run(session, second, 0, board(2)).new == 2


def test_unknown_source_is_an_error(session: Session) -> None:
    with pytest.raises(StoreError, match="no source"):
        run(session, 999, 0, board(1))


def test_duplicate_external_ids_keep_the_first(session: Session) -> None:
    sid = make_source(session)
    payload = [posting("a", title="First"), posting("b"), posting("a", title="Second")]
    result = run(session, sid, 0, payload)
    assert (result.seen, result.new) == (2, 2)
    titles = {r.external_id: r.title for r in roles_at(session, at(0), ALL)}
    assert titles == {"a": "First", "b": "Data Center Technician b"}


def test_a_5000_posting_board(session: Session) -> None:
    sid = make_source(session)
    big = board(5000)
    first = run(session, sid, 0, big)
    assert (first.new, first.seen) == (5000, 5000)
    payload = [posting("p0", title="Changed"), *big[1:4000], posting("x")]
    second = run(session, sid, 6, payload)
    assert (second.status, second.new, second.changed) == ("ok", 1, 1)
    assert (second.unchanged, second.closed, second.seen) == (3999, 1000, 4001)
    assert count_rows(session)["version"] == 5002
    assert len(roles_at(session, at(6), ALL)) == 4001
