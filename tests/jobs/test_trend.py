"""``tracker trend``: open-role counts at the end of each period, from the spans in SQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db.session import make_engine, upgrade
from jobs.trend import periods, trend_rows
from tests.db.factories import DUBLIN, TOKYO, at, make_source, posting, run
from tests.helpers import Cli
from tracker.domain import RoleFilter
from tracker.settings import ConfigError

DAY = 24


def weeks_of_history(engine: Engine) -> None:
    """Wed 15 Apr: 2 roles in Tokyo; Wed 22 Apr: +1 Tokyo, +1 Tokyo & Dublin; 29 Apr: 1 left."""
    with Session(engine) as session:
        source = make_source(session)
        run(session, source, 0, [posting("p0"), posting("p1")])
        run(
            session,
            source,
            7 * DAY,
            [posting("p0"), posting("p1"), posting("p2"), posting("p3", places=(TOKYO, DUBLIN))],
        )
        run(session, source, 14 * DAY, [posting("p0")])
        session.commit()  # fmt: skip


def test_weekly_counts_by_country(engine: Engine) -> None:
    weeks_of_history(engine)
    rows = trend_rows(engine, RoleFilter(), "country", "week", at(0), at(15 * DAY))
    got = [(r["period"], r["country"], r["count"]) for r in rows]
    assert got == [
        ("2026-W16", "JP", 2),
        ("2026-W17", "JP", 4),
        ("2026-W17", "IE", 1),
        ("2026-W18", "JP", 1),
    ]


def test_monthly_by_company_with_a_filter(engine: Engine) -> None:
    weeks_of_history(engine)
    rows = trend_rows(engine, RoleFilter(country=("IE",)), "company", "month", at(0), at(40 * DAY))
    assert [(r["period"], r["company"], r["count"]) for r in rows] == []  # closed by month end
    rows = trend_rows(engine, RoleFilter(), "company", "month", at(0), at(40 * DAY))
    assert [(r["period"], r["count"]) for r in rows] == [("2026-04", 1), ("2026-05", 1)]


def test_periods_and_bad_every() -> None:
    labels = [label for label, _ in periods(at(0), at(40 * DAY), "month")]
    assert labels == ["2026-04", "2026-05"]
    with pytest.raises(ConfigError, match="use week or month"):
        periods(at(0), at(1), "day")


def test_cli_formats(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    weeks_of_history(engine)
    engine.dispose()
    config = tmp_path / "tracker.toml"
    config.write_text("", encoding="utf-8")
    cli = Cli(db_url, config)
    csv = cli("trend", "--by", "country", "--from", "2026-04-13", "--format", "csv").stdout
    assert "2026-W17,2026-04-26T23:59:59Z,JP,4" in csv
    data = json.loads(
        cli("trend", "--by", "region", "--from", "2026-04-13", "--format", "json").stdout
    )
    assert {
        "period": "2026-W17",
        "at": "2026-04-26T23:59:59Z",
        "region": "EMEA",
        "count": 1,
    } in data
    text = cli("trend", "--by", "company", "--every", "month", "--from", "2026-04-01").stdout
    assert "2026-04" in text and "anthropic" in text
    assert "trend takes one dimension" in cli("trend", "--by", "company,country", code=2).stderr
    assert "use week or month" in cli("trend", "--by", "company", "--every", "day", code=2).stderr
