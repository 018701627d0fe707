"""Lever: fetch (URL, params, api_base) and parse (fields, salary, malformed payloads)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
import respx

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import load_fixture, make_ref
from tracker.domain import Place, RawPosting, SalaryBand
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient
from tracker.sources.lever import Lever, interval_period

SOURCE = Lever()
FAST = ScrapeSettings(retries=0, backoff=0.01)
ID = "0f6c1b2a-6d1e-4c55-9b7e-1a2b3c4d5e0"


def fetch(api_base: str | None = None) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await SOURCE.fetch(client, make_ref("lever", "northwind", api_base))

    return asyncio.run(go())


def parse_board() -> dict[str, RawPosting]:
    postings = SOURCE.parse(load_fixture("lever", "postings.json"), make_ref("lever", "northwind"))
    return {p.external_id: p for p in postings}


def test_fetch_public_endpoint() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("https://api.lever.co/v0/postings/northwind").respond(json=[])
        assert fetch() == []
    assert str(route.calls.last.request.url) == (
        "https://api.lever.co/v0/postings/northwind?mode=json"
    )


def test_fetch_api_base_for_eu_sites() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("https://api.eu.lever.co/v0/postings/northwind").respond(json=[])
        fetch("https://api.eu.lever.co/")
    assert route.calls.last.request.url.params["mode"] == "json"


def test_fetch_server_error_is_source_error() -> None:
    with respx.mock() as mock:
        mock.get(url__startswith="https://api.lever.co/").respond(500)
        with pytest.raises(SourceError, match=r"^HTTP 500 Internal Server Error from https://"):
            fetch()


def test_fetch_and_parse_over_loopback(board_server: LoopbackServer) -> None:
    payload = load_fixture("lever", "postings.json")
    board_server.add("/v0/postings/northwind", Reply(json=payload))
    postings = SOURCE.parse(fetch(board_server.base_url), make_ref("lever", "northwind"))
    assert len(postings) == len(payload) == 5


def test_parse_data_center_role() -> None:
    job = parse_board()[ID + "1"]
    assert job.title == "Data Center Critical Facilities Engineer"
    assert job.url == f"https://jobs.lever.co/northwind/{ID}1"
    assert (job.department, job.team) == ("Infrastructure", "Critical Facilities")
    assert job.location_raw == "Abilene, TX"
    assert job.structured_places == (Place(raw="Abilene, TX", country="US"),)
    assert job.remote is False
    assert job.salaries == (SalaryBand(150000, 190000, "USD", period="year"),)
    assert job.salary_texts == (
        "Base pay for this role is $150,000 - $190,000 per year.",
        "The estimated salary range for this position is $150,000 - $190,000/year, plus equity.",
    )
    assert job.posted_at == datetime(2026, 4, 15, tzinfo=UTC)
    assert job.description is not None
    assert "Responsibilities\nOwn the maintenance plan\nLead incident response drills" in (
        job.description
    )


@pytest.mark.parametrize(
    ("suffix", "band"),
    [
        ("1", SalaryBand(150000, 190000, "USD", period="year")),
        ("2", SalaryBand(32, 48, "USD", period="hour")),
        ("3", SalaryBand(7000, 9000, "GBP", period="month")),
    ],
)
def test_salary_range_in_any_key_order(suffix: str, band: SalaryBand) -> None:
    assert parse_board()[ID + suffix].salaries == (band,)


def test_several_locations_keep_no_country() -> None:
    job = parse_board()[ID + "2"]
    assert job.structured_places == (Place(raw="Council Bluffs, IA"), Place(raw="Omaha, NE"))
    assert job.salary_texts == ()


def test_salary_text_from_additional_only() -> None:
    job = parse_board()[ID + "4"]
    assert job.salaries == ()
    assert job.salary_texts == (
        "The estimated salary range for this position is estimated to be $170,000 - "
        "$230,000/year. Total pay may include equity.",
    )
    assert job.remote is True and job.department is None
    gbp = parse_board()[ID + "3"]
    assert gbp.salary_texts == (
        "The salary range for this position is estimated to be £7,000 to £9,000 per month.",
    )


def test_unspecified_workplace_and_missing_fields() -> None:
    job = parse_board()[ID + "5"]
    assert job.remote is None
    assert job.structured_places == (Place(raw="Bombay, MH", country="IN"),)
    assert job.salaries == () and job.salary_texts == ()


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("per-year-salary", "year"),
        ("per-month-salary", "month"),
        ("per-week-salary", "week"),
        ("per-day-wage", "day"),
        ("per-hour-wage", "hour"),
        ("one-time", None),
        (None, None),
    ],
)
def test_interval_period(interval: str | None, period: str | None) -> None:
    assert interval_period(interval) == period


def test_one_time_salary_range_is_not_a_band() -> None:
    payload = [
        {
            "id": "x1",
            "text": "Intern",
            "salaryRange": {"min": 5000, "max": 5000, "currency": "USD", "interval": "one-time"},
        }
    ]
    assert SOURCE.parse(payload, make_ref("lever"))[0].salaries == ()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"postings": []}, "expected an array of postings, got an object"),
        ("oops", "expected an array of postings, got a string"),
        ([None], "job #1 is null, expected an object"),
        ([{"id": "a", "text": "A"}, {"text": "B"}], "job #2 has no 'id'"),
        ([{"id": "a", "title": "A"}], "job #1 (id 'a') has no 'text'"),
    ],
)
def test_malformed_payload(payload: Any, message: str) -> None:
    with pytest.raises(SourceError) as info:
        SOURCE.parse(payload, make_ref("lever", "northwind"))
    assert str(info.value).startswith("lever:northwind: malformed payload: ")
    assert message in str(info.value)


def test_empty_board_is_allowed() -> None:
    assert SOURCE.parse([], make_ref("lever")) == []
