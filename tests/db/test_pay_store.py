"""Pay in the store (issue 9): every band and the pay lines kept per version; an exchange-rate
move is no change, also against hashes stored by the older rule; a real pay change still is."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update
from sqlmodel import Session

from db.queries import roles_at
from db.tables import POSTING, VERSION
from tests.db.factories import at, make_source, posting, posting_row, run, versions
from tracker.domain import RoleFilter, SalaryBand

ALL = RoleFilter(include_all=True)
JPY = SalaryBand(8_000_000, 12_000_000, "JPY", "year", "text", 52_000, 78_000, "年収")
USD = SalaryBand(60_000, 90_000, "USD", "year", "text", 60_000, 90_000, "US")


def test_every_band_and_pay_lines_are_kept(session: Session) -> None:
    sid = make_source(session)
    lines = ("年収 800万円〜1,200万円; US $60,000 - $90,000",)
    run(session, sid, 0, [posting("a", salary=JPY, salaries=(JPY, USD), pay_lines=lines)])
    (role,) = roles_at(session, at(0), ALL)
    assert role.salary == JPY and role.salaries == (JPY, USD)


def test_rate_move_is_no_change(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a", salary=JPY, salaries=(JPY,))])
    moved = replace(JPY, min_usd=55_000, max_usd=82_000)
    result = run(session, sid, 24, [posting("a", salary=moved, salaries=(moved,))])
    assert (result.changed, result.unchanged) == (0, 1)


def test_hash_by_the_older_rule_is_settled_not_changed(session: Session) -> None:
    """Hashes stored before this release counted US dollars: the next run must not read every
    posting with pay as changed; it refreshes the stored hash instead."""
    sid = make_source(session)
    first = posting("a", salary=JPY, salaries=(JPY,))
    run(session, sid, 0, [first])
    row = posting_row(session, sid, "a")
    conn = session.connection()
    conn.execute(update(POSTING).where(POSTING.c.id == row.id).values(content_hash="legacy"))
    moved = replace(JPY, min_usd=55_000, max_usd=82_000)
    result = run(session, sid, 24, [posting("a", salary=moved, salaries=(moved,))])
    assert (result.changed, result.unchanged) == (0, 1)
    assert len(versions(session, row.id)) == 1
    assert posting_row(session, sid, "a").content_hash == first.content_hash


def test_real_pay_change_is_a_change(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a", salary=JPY, salaries=(JPY,))])
    raised = replace(JPY, max=13_000_000)
    result = run(session, sid, 24, [posting("a", salary=raised, salaries=(raised,))])
    assert result.changed == 1
    second = posting("a", salary=raised, salaries=(raised, USD))
    assert run(session, sid, 48, [second]).changed == 1  # a new second band is a change too


def test_version_from_before_every_band_was_kept_is_filled_not_changed(session: Session) -> None:
    """Upgrading: a version stored with only its primary band (and an older hash) meets the
    same posting read with all its bands: no new version; the bands are filled in."""
    sid = make_source(session)
    run(session, sid, 0, [posting("a", salary=JPY, salaries=(JPY,))])
    row = posting_row(session, sid, "a")
    conn = session.connection()
    conn.execute(update(POSTING).where(POSTING.c.id == row.id).values(content_hash="legacy"))
    conn.execute(update(VERSION).where(VERSION.c.posting_id == row.id).values(salary_bands=None))
    full = posting("a", salary=JPY, salaries=(JPY, USD), pay_lines=("年収 ...",))
    result = run(session, sid, 24, [full])
    assert (result.changed, result.unchanged) == (0, 1)
    assert len(versions(session, row.id)) == 1
    (role,) = roles_at(session, at(24), ALL)
    assert role.salaries == (JPY, USD)
    assert run(session, sid, 48, [full]).unchanged == 1  # and the refreshed hash holds
