"""Reads: roles at T with filters, places and versions; history; sources and runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from db.queries import (
    get_source,
    latest_runs,
    list_sources,
    posting_history,
    roles_at,
    runs_for_source,
    unverified_sources,
)
from tests.db.factories import (
    AUSTIN,
    DUBLIN,
    SYDNEY,
    TOKYO,
    USD_BAND,
    at,
    make_source,
    posting,
    run,
)
from tracker.domain import RoleFilter, SalaryBand

ALL = RoleFilter(include_all=True)


@pytest.fixture
def two_boards(session: Session) -> tuple[int, int]:
    """anthropic (greenhouse) and acme (lever) with a mix of places, categories and pay."""
    anthropic = make_source(session, "anthropic", "Anthropic")
    acme = make_source(session, "acme", "Acme Cloud", ats="lever")
    run(
        session,
        anthropic,
        0,
        [
            posting("a1", "Electrical Engineer", category="dc_electrical", places=(TOKYO, SYDNEY)),
            posting("a2", "Site Lead", places=(DUBLIN,), salary=USD_BAND),
            posting("a3", "Recruiter", compute=False, category="not_compute", places=(AUSTIN,)),
        ],
    )
    run(
        session,
        acme,
        0,
        [
            posting("c1", "Energy Manager", category="energy", places=(AUSTIN,), remote=True),
            posting("c2", "Capacity Planner", category="capacity_planning", places=()),
        ],
    )
    return anthropic, acme


def ids(session: Session, flt: RoleFilter, hours: float = 1) -> list[str]:
    return [role.external_id for role in roles_at(session, at(hours), flt)]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (RoleFilter(), ["c2", "c1", "a1", "a2"]),
        (ALL, ["c2", "c1", "a1", "a3", "a2"]),
        (RoleFilter(company="anthropic"), ["a1", "a2"]),
        (RoleFilter(company="acme-cloud"), ["c2", "c1"]),
        (RoleFilter(category="energy"), ["c1"]),
        (RoleFilter(category="not_compute"), ["a3"]),  # an explicit category wins over --all
        (RoleFilter(country="au"), ["a1"]),  # any of its places
        (RoleFilter(country="US"), ["c1"]),
        (RoleFilter(country="US", include_all=True), ["c1", "a3"]),
        (RoleFilter(region="APAC"), ["a1"]),
        (RoleFilter(region="amer", include_all=True), ["c1", "a3"]),
        (RoleFilter(source="lever:acme"), ["c2", "c1"]),
        (RoleFilter(company="anthropic", region="EMEA"), ["a2"]),
        (RoleFilter(company="nobody"), []),
    ],
)
def test_filters(
    session: Session, two_boards: tuple[int, int], flt: RoleFilter, expected: list[str]
) -> None:
    assert ids(session, flt) == expected  # sorted by company, title, id


def test_role_fields_places_and_salary(session: Session, two_boards: tuple[int, int]) -> None:
    roles = {role.external_id: role for role in roles_at(session, at(0), ALL)}
    a1, a2, c1 = roles["a1"], roles["a2"], roles["c1"]
    assert (a1.source, a1.company, a1.company_name) == (
        "greenhouse:anthropic",
        "anthropic",
        "Anthropic",
    )
    assert a1.locations == (TOKYO, SYDNEY) and a1.salary is None
    assert a1.category == "dc_electrical" and a1.compute and a1.category_rule == "title:technician"
    assert a2.salary == USD_BAND and isinstance(a2.salary, SalaryBand)
    assert c1.remote and roles["c2"].locations == ()
    assert a1.url == "https://boards.example.com/jobs/a1" and a1.department == "Compute"
    assert (a1.first_seen, a1.last_seen, a1.closed_at) == (at(0), at(0), None)
    assert a1.first_seen.tzinfo == UTC


def test_the_version_valid_at_t_is_shown(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a", "Old title", places=(TOKYO,))])
    run(session, sid, 6, [posting("a", "New title", places=(DUBLIN, AUSTIN))])
    (before,) = roles_at(session, at(5), ALL)
    (after,) = roles_at(session, at(6), ALL)
    assert (before.title, before.locations) == ("Old title", (TOKYO,))
    assert (after.title, after.locations) == ("New title", (DUBLIN, AUSTIN))
    assert before.last_seen == after.last_seen == at(6)  # from the posting row
    assert [r.external_id for r in roles_at(session, at(5), RoleFilter(country="JP"))] == ["a"]
    assert roles_at(session, at(6), RoleFilter(country="JP")) == []


def test_closed_at_comes_from_the_posting_row(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a")])
    run(session, sid, 6, [])
    (role,) = roles_at(session, at(3), ALL)
    assert role.closed_at == at(6)


def test_posting_history(session: Session) -> None:
    sid = make_source(session)
    run(session, sid, 0, [posting("a", "Technician")])
    run(session, sid, 6, [])
    run(session, sid, 12, [posting("a", "Lead", salary=USD_BAND, category_rule="title:lead")])
    role_id = roles_at(session, at(12), ALL)[0].id
    history = posting_history(session, role_id)
    assert history is not None
    assert history.role.title == "Lead" and history.role.closed_at is None
    assert [(s.opened_at, s.closed_at) for s in history.spans] == [(at(0), at(6)), (at(12), None)]
    first, second = history.versions
    assert (first.valid_from, first.valid_to, first.changes) == (at(0), at(12), {})
    assert second.changes == {"title": ("Technician", "Lead"), "salary": (None, USD_BAND)}
    assert second.category_rule == "title:lead" and second.locations == (TOKYO,)
    assert posting_history(session, 9999) is None


def test_list_and_get_sources(session: Session, two_boards: tuple[int, int]) -> None:
    anthropic, _ = two_boards
    run(session, anthropic, 6, None, error="HTTP 503")
    infos = {info.key: info for info in list_sources(session)}
    assert list(infos) == ["greenhouse:anthropic", "lever:acme"]
    gh = infos["greenhouse:anthropic"]
    assert (gh.last_status, gh.last_run_at, gh.last_error) == ("failed", at(6), "HTTP 503")
    assert (gh.last_ok_at, gh.open_postings, gh.company_name) == (at(0), 3, "Anthropic")
    assert infos["lever:acme"].last_status == "ok" and infos["lever:acme"].open_postings == 2
    assert gh.ref.key == "greenhouse:anthropic" and gh.ref.company_slug == "anthropic"
    found = get_source(session, "lever:acme")
    assert found is not None and found.company == "acme-cloud" and found.id == two_boards[1]
    assert get_source(session, "lever:nobody") is None


def test_runs(session: Session, two_boards: tuple[int, int]) -> None:
    anthropic, _ = two_boards
    run(session, anthropic, 6, None, error="timeout")
    latest = {r.source: r for r in latest_runs(session)}
    assert latest["greenhouse:anthropic"].status == "failed"
    assert latest["lever:acme"].observed_at == at(0)
    assert {r.source: r.status for r in latest_runs(session, at=at(1))} == {
        "greenhouse:anthropic": "ok",
        "lever:acme": "ok",
    }
    runs = runs_for_source(session, "greenhouse:anthropic")
    assert [(r.status, r.observed_at, r.new) for r in runs] == [
        ("failed", at(6), 0),
        ("ok", at(0), 3),
    ]
    assert len(runs_for_source(session, "greenhouse:anthropic", limit=1)) == 1


def test_unverified_sources(session: Session) -> None:
    ok, failed, stale = (
        make_source(session, "ok"),
        make_source(session, "failed"),
        make_source(session, "stale"),
    )
    suspect = make_source(session, "suspect")
    make_source(session, "never")
    for sid in (ok, failed, stale, suspect):
        run(session, sid, 0, [posting(f"x{i}") for i in range(6)])
    run(session, ok, 48, [posting(f"x{i}") for i in range(6)])
    run(session, failed, 48, None, error="HTTP 503")
    run(session, suspect, 48, [])
    found = {u.source: u for u in unverified_sources(session, at(24), at(72))}
    assert set(found) == {
        "greenhouse:failed",
        "greenhouse:stale",
        "greenhouse:never",
        "greenhouse:suspect",
    }
    assert (found["greenhouse:failed"].error, found["greenhouse:failed"].last_ok) == (
        "HTTP 503",
        at(0),
    )
    assert found["greenhouse:never"].error == "never scraped"
    assert found["greenhouse:stale"].error.startswith("no successful run since")
    assert found["greenhouse:suspect"].status == "suspect"
    assert {u.source for u in unverified_sources(session, at(0), at(1))} == {"greenhouse:never"}


def test_naive_and_aware_times_query_the_same(
    session: Session, two_boards: tuple[int, int]
) -> None:
    naive = datetime(2026, 4, 15, 1, 0)
    assert ids(session, ALL) == [r.external_id for r in roles_at(session, naive, ALL)]
