"""Migration 0008_views: open_roles, role_events and source_health on a small history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from db.queries import roles_at
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
from tests.helpers import Cli
from tracker.domain import RoleFilter


def rows(session: Session, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in session.connection().execute(text(sql))]


@pytest.fixture
def history(session: Session) -> dict[str, int]:
    """anthropic: a2 closes at 24h and reopens at 48h, a1 changes title and pay at 24h;
    acme: one ok run, then two failed runs; lonely: no run at all."""
    anthropic = make_source(session, "anthropic", "Anthropic")
    acme = make_source(session, "acme", "Acme Cloud", ats="lever")
    make_source(session, "lonely", "Lonely")
    a1 = posting("a1", "Electrical Engineer", category="dc_electrical", places=(TOKYO, SYDNEY))
    a2 = posting("a2", "Site Lead", places=(DUBLIN,), salary=USD_BAND)
    a3 = posting("a3", "Recruiter", compute=False, category="not_compute", places=(AUSTIN,))
    a1b = posting("a1", "Senior Electrical Engineer", category="dc_electrical",
                  places=(TOKYO, SYDNEY), salary=USD_BAND)  # fmt: skip
    run(session, anthropic, 0, [a1, a2, a3])
    run(session, anthropic, 24, [a1b, a3])
    run(session, anthropic, 48, [a1b, a2, a3])
    run(session, acme, 0, [posting("c1", "Energy Manager", category="energy", places=())])
    run(session, acme, 24, None, error="HTTP 503")
    run(session, acme, 48, None, error="HTTP 502")
    session.commit()
    return {"anthropic": anthropic, "acme": acme}


def test_open_roles_has_one_readable_row_per_open_role(
    session: Session, history: dict[str, int]
) -> None:
    found = {r["title"]: r for r in rows(session, "SELECT * FROM open_roles")}
    assert set(found) == {"Senior Electrical Engineer", "Site Lead", "Recruiter", "Energy Manager"}
    a1 = found["Senior Electrical Engineer"]
    assert (a1["company"], a1["company_name"], a1["source"]) == (
        "anthropic", "Anthropic", "greenhouse:anthropic",
    )  # fmt: skip
    assert (a1["countries"], a1["cities"]) == ("AU, JP", "Sydney, Tokyo")
    assert a1["locations"] == "Tokyo, Japan; Sydney, Australia"  # board order
    assert (a1["pay_min"], a1["pay_max"], a1["pay_currency"], a1["pay_period"]) == (
        200000, 250000, "USD", "year",
    )  # fmt: skip
    assert (a1["pay_min_usd"], a1["pay_max_usd"]) == (200000, 250000)
    assert a1["url"] == "https://boards.example.com/jobs/a1"
    assert str(a1["first_seen"]).startswith("2026-04-15")
    assert bool(a1["compute"]) and not bool(found["Recruiter"]["compute"])
    energy = found["Energy Manager"]
    assert (energy["countries"], energy["cities"], energy["locations"]) == (None, None, None)
    assert energy["pay_min"] is None


def test_open_roles_count_matches_the_queries_and_tracker_count(
    session: Session, history: dict[str, int], any_db_url: str, tmp_path: Path
) -> None:
    now = at(72)
    compute = rows(session, "SELECT id FROM open_roles WHERE compute = true")
    assert sorted(r["id"] for r in compute) == sorted(r.id for r in roles_at(session, now))
    every = rows(session, "SELECT id FROM open_roles")
    assert sorted(r["id"] for r in every) == sorted(
        r.id for r in roles_at(session, now, RoleFilter(include_all=True))
    )
    session.close()
    config = tmp_path / "tracker.toml"
    config.write_text("")
    counts = Cli(any_db_url, config).json("count", "--by", "company")
    assert sum(r["count"] for r in counts) == len(compute) == 3


def test_role_events_opened_closed_changed(session: Session, history: dict[str, int]) -> None:
    found = rows(
        session,
        "SELECT event, happened_at, title, company, category, detail FROM role_events "
        "ORDER BY happened_at, event, title",
    )
    events = [(r["event"], str(r["happened_at"])[:13], r["title"], r["detail"]) for r in found]
    assert events == [
        ("opened", "2026-04-15 00", "Electrical Engineer", None),
        ("opened", "2026-04-15 00", "Energy Manager", None),
        ("opened", "2026-04-15 00", "Recruiter", None),
        ("opened", "2026-04-15 00", "Site Lead", None),
        ("changed", "2026-04-16 00", "Senior Electrical Engineer", "title, salary"),
        ("closed", "2026-04-16 00", "Site Lead", None),
        ("opened", "2026-04-17 00", "Site Lead", "reopened"),
    ]
    assert {r["company"] for r in found} == {"anthropic", "acme-cloud"}


def test_role_events_closed_shows_the_title_before_the_close(
    session: Session, history: dict[str, int]
) -> None:
    anthropic = history["anthropic"]
    renamed = posting("a2", "Site Lead II", places=(DUBLIN,), salary=USD_BAND)
    run(session, anthropic, 72, [renamed])  # a1, a3 close; a2 gets a new title
    run(session, anthropic, 96, [])  # a2 closes with its new title
    session.commit()
    closed = rows(
        session,
        "SELECT title FROM role_events WHERE event = 'closed' ORDER BY happened_at, title",
    )
    assert [r["title"] for r in closed] == [
        "Site Lead", "Recruiter", "Senior Electrical Engineer", "Site Lead II",
    ]  # fmt: skip


def test_source_health(session: Session, history: dict[str, int]) -> None:
    found = {r["source"]: r for r in rows(session, "SELECT * FROM source_health")}
    assert set(found) == {"greenhouse:anthropic", "lever:acme", "greenhouse:lonely"}
    ok = found["greenhouse:anthropic"]
    assert (ok["last_status"], ok["failed_in_a_row"], ok["last_error"]) == ("ok", 0, None)
    assert str(ok["last_run_at"]) == str(ok["last_ok_at"])
    assert str(ok["last_run_at"]).startswith("2026-04-17")
    bad = found["lever:acme"]
    assert (bad["company"], bad["company_name"], bad["last_status"]) == (
        "acme-cloud", "Acme Cloud", "failed",
    )  # fmt: skip
    assert bad["last_error"] == "HTTP 502" and bad["failed_in_a_row"] == 2
    assert str(bad["last_ok_at"]).startswith("2026-04-15")
    never = found["greenhouse:lonely"]
    assert (never["last_status"], never["last_ok_at"], never["failed_in_a_row"]) == (None, None, 0)
