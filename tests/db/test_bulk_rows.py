"""Bulk rows (db.apply): what a run writes through the driver reads back exactly as given, on
SQLite (executemany) and PostgreSQL (INSERT ... SELECT FROM unnest): mixed int and float pay,
nulls, quotes and non-ASCII text, many places, ids reserved past the highest ever used."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from db.tables import PLACE, POSTING, SPAN, VERSION
from tests.db.factories import T0, TOKYO, at, make_source, posting, run
from tracker.domain import Place, SalaryBand


def test_bulk_rows_read_back_as_written(session: Session) -> None:
    source = make_source(session)
    odd = Place('Zürich; "HQ" — it\'s 100%', None, "CH", "EMEA")
    band = SalaryBand(min=120000, max=150000.5, currency="CHF", min_usd=135000.25, max_usd=None)
    items = [
        posting("a", "Ingénieur « data center »", places=(TOKYO, odd), salary=band,
                salaries=(band,)),
        posting("b", "It's 'quoted' %s and %(x)s", places=(), salary=None, team="Ops"),
        posting("c", "Plain", places=tuple(Place(f"Site {i}") for i in range(40))),
    ]  # fmt: skip
    first = run(session, source, 0, items)
    assert first.new == 3
    conn = session.connection()
    rows = {
        r.external_id: r
        for r in conn.execute(
            select(POSTING, VERSION.c.title, VERSION.c.team, VERSION.c.salary_min,
                   VERSION.c.salary_max, VERSION.c.salary_min_usd, VERSION.c.salary_max_usd,
                   VERSION.c.valid_from, VERSION.c.compute)
            .join(VERSION, VERSION.c.id == POSTING.c.current_version_id)
        )
    }  # fmt: skip
    assert rows["a"].title == "Ingénieur « data center »"
    assert (rows["a"].salary_min, rows["a"].salary_max) == (120000.0, 150000.5)
    assert (rows["a"].salary_min_usd, rows["a"].salary_max_usd) == (135000.25, None)
    assert rows["b"].title == "It's 'quoted' %s and %(x)s" and rows["b"].salary_min is None
    assert rows["b"].team == "Ops" and rows["a"].team is None
    assert all(r.first_seen == r.last_seen == r.valid_from == T0 for r in rows.values())
    assert all(r.closed_at is None and r.compute is True for r in rows.values())
    places = conn.execute(
        select(PLACE.c.raw, PLACE.c.country, PLACE.c.position)
        .where(PLACE.c.version_id == rows["a"].current_version_id)
        .order_by(PLACE.c.position)
    ).all()
    assert [tuple(p) for p in places] == [(TOKYO.raw, "JP", 0), (odd.raw, "CH", 1)]
    count = conn.execute(
        select(PLACE.c.id).where(PLACE.c.version_id == rows["c"].current_version_id)
    ).all()
    assert len(count) == 40
    spans = conn.execute(select(SPAN.c.posting_id, SPAN.c.closed_at)).all()
    assert sorted(s.posting_id for s in spans) == sorted(r.id for r in rows.values())

    # a changed title: a new version with an id past every earlier one; the old one ends
    second = run(session, source, 1, [items[0], posting("b", "Changed"), items[2]])
    assert second.changed == 1
    versions = conn.execute(
        select(VERSION.c.id, VERSION.c.valid_to, VERSION.c.title)
        .join(POSTING, POSTING.c.id == VERSION.c.posting_id)
        .where(POSTING.c.external_id == "b")
        .order_by(VERSION.c.id)
    ).all()
    assert [v.title for v in versions] == ["It's 'quoted' %s and %(x)s", "Changed"]
    assert versions[0].valid_to == at(1) and versions[1].valid_to is None
    top = max(r.current_version_id for r in rows.values())
    assert versions[1].id > top
