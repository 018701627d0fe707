"""db.listing: one page of roles (offset/limit/sort in SQL) plus the total."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db.listing import SORTS, role_page, roles_page
from db.queries import roles_at
from tests.db.factories import AUSTIN, TOKYO, at, make_source, posting, run
from tracker.domain import RoleFilter, SalaryBand
from tracker.errors import ConfigError

ALL = RoleFilter(include_all=True)


def band(top: int) -> SalaryBand:
    return SalaryBand(min=top - 50_000, max=top, currency="USD", min_usd=top - 50_000, max_usd=top)


@pytest.fixture
def boards(session: Session) -> None:
    """Two companies, 13 roles with repeated titles, some paid; a second run adds three."""
    acme, beta = make_source(session, "acme", "Acme"), make_source(session, "beta", "Beta")
    first = [posting(f"a{i}", f"Technician {i % 4}", salary=band(100_000 + 10_000 * (i % 5))
                     if i % 3 else None) for i in range(8)]  # fmt: skip
    run(session, acme, 0, first)
    run(session, beta, 0, [posting(f"b{i}", f"Engineer {i % 2}", places=(AUSTIN,))
                           for i in range(5)])  # fmt: skip
    later = [posting(f"c{i}", f"Technician {i}", places=(TOKYO,)) for i in range(3)]
    run(session, acme, 24, first + later)
    session.commit()


def pages(session: Session, flt: RoleFilter, sort: str, size: int) -> list[int]:
    found: list[int] = []
    offset = 0
    while True:
        page = role_page(session, at(30), flt, offset=offset, limit=size, sort=sort)
        assert page.total == len(roles_at(session, at(30), flt))
        found += [r.id for r in page.roles]
        offset += size
        if not page.has_more:
            return found


def test_pages_cover_the_roles_once_in_the_roles_order(session: Session, boards: None) -> None:
    expected = [r.id for r in roles_at(session, at(30))]
    assert len(expected) == 16
    for size in (1, 3, 5, 16, 40):
        assert pages(session, RoleFilter(), "company", size) == expected
    assert pages(session, RoleFilter(country=("US",)), "company", 2) == [
        r.id for r in roles_at(session, at(30), RoleFilter(country=("US",)))
    ]


def test_sorts(session: Session, boards: None) -> None:
    roles = {r.id: r for r in roles_at(session, at(30))}
    for sort in SORTS:
        ids = pages(session, RoleFilter(), sort, 4)
        assert sorted(ids) == sorted(roles)
        got = [roles[i] for i in ids]
        if sort == "title":
            assert [r.title for r in got] == sorted(r.title for r in got)
        if sort == "newest":
            assert [r.first_seen for r in got] == sorted((r.first_seen for r in got), reverse=True)
        if sort == "oldest":
            assert [r.first_seen for r in got] == sorted(r.first_seen for r in got)
        if sort == "pay":
            pay = [r.salary.max_usd if r.salary else None for r in got]
            paid = [p for p in pay if p is not None]
            assert paid == sorted(paid, reverse=True) and pay == paid + [None] * (16 - len(paid))


def test_page_past_the_end_and_bad_pages(session: Session, boards: None) -> None:
    page = role_page(session, at(30), RoleFilter(), offset=100, limit=10)
    assert (page.total, page.roles, page.has_more) == (16, [], False)
    assert role_page(session, at(-1), RoleFilter()).total == 0
    for kwargs in ({"sort": "salary"}, {"offset": -1}, {"limit": 0}):
        with pytest.raises(ConfigError):
            role_page(session, at(30), RoleFilter(), **kwargs)  # type: ignore[arg-type]


def test_roles_page_is_the_first_page(session: Session, boards: None) -> None:
    total, shown = roles_page(session, at(30), ALL, 5)
    assert total == 16 and [r.id for r in shown] == [r.id for r in roles_at(session, at(30))][:5]
