"""Ashby: fetch (URL, params, api_base) and parse (places, tiers, unlisted, malformed)."""

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
from tracker.sources.ashby import Ashby, interval_period, place
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient

SOURCE = Ashby()
FAST = ScrapeSettings(retries=0, backoff=0.01)
ID = "7a1d2c3b-0000-4000-8000-00000000000"


def fetch(api_base: str | None = None) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await SOURCE.fetch(client, make_ref("ashby", "examplecloud", api_base))

    return asyncio.run(go())


def parse_board() -> dict[str, RawPosting]:
    payload = load_fixture("ashby", "board.json")
    postings = SOURCE.parse(payload, make_ref("ashby", "examplecloud"))
    return {p.external_id: p for p in postings}


def band(low: float, high: float, cur: str, label: str | None, period: str = "year") -> SalaryBand:
    return SalaryBand(low, high, cur, period=period, source="structured", label=label)


def test_fetch_public_endpoint() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("https://api.ashbyhq.com/posting-api/job-board/examplecloud").respond(
            json={"jobs": [], "apiVersion": "1"}
        )
        assert fetch() == {"jobs": [], "apiVersion": "1"}
    assert str(route.calls.last.request.url) == (
        "https://api.ashbyhq.com/posting-api/job-board/examplecloud?includeCompensation=true"
    )


def test_fetch_api_base() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("http://127.0.0.1:9/posting-api/job-board/examplecloud").respond(
            json={"jobs": []}
        )
        fetch("http://127.0.0.1:9")
    assert route.calls.last.request.url.params["includeCompensation"] == "true"


def test_fetch_html_is_source_error() -> None:
    with respx.mock() as mock:
        mock.get(url__startswith="https://api.ashbyhq.com/").respond(
            200, text="<!doctype html><title>Login</title>", headers={"content-type": "text/html"}
        )
        with pytest.raises(SourceError, match=r"got HTML \(text/html\)$"):
            fetch()


def test_fetch_and_parse_over_loopback(board_server: LoopbackServer) -> None:
    board_server.add(
        "/posting-api/job-board/examplecloud", Reply(json=load_fixture("ashby", "board.json"))
    )
    postings = SOURCE.parse(fetch(board_server.base_url), make_ref("ashby", "examplecloud"))
    assert len(postings) == 6  # 7 jobs, one unlisted


def test_unlisted_jobs_are_left_out() -> None:
    jobs = parse_board()
    assert ID + "6" not in jobs
    assert len(jobs) == 6


def test_multiple_tiers_headline_first() -> None:
    job = parse_board()[ID + "1"]
    assert job.title == "Data Center Capacity Planner"
    assert (job.department, job.team) == ("Compute", "Data Centers")
    assert job.salaries == (
        band(180000, 260000, "USD", None),  # the summary range spans two tiers: it leads
        band(180000, 220000, "USD", "USA - Level 4"),
        band(210000, 260000, "USD", "USA - Level 5"),
        band(190000, 280000, "CAD", "CAN - Level 5"),
    )
    assert job.salary_texts == ("$180K – $260K • Offers Equity • Multiple Ranges",)
    assert job.remote is False  # workplaceType Hybrid
    assert job.url == f"https://jobs.ashbyhq.com/examplecloud/{ID}1"
    assert job.posted_at == datetime(2026, 4, 1, 16, 20, 0, 125000, tzinfo=UTC)


def test_summary_equal_to_a_tier_moves_that_tier_first() -> None:
    job = parse_board()[ID + "7"]
    assert job.salaries[0] == band(150000, 210000, "AUD", None)
    single = parse_board()[ID + "2"]
    assert single.salaries == (band(14000000, 19000000, "JPY", "Japan"),)


def test_primary_and_secondary_locations() -> None:
    job = parse_board()[ID + "1"]
    assert job.location_raw == "San Francisco"
    assert job.structured_places == (
        Place(raw="San Francisco, CA, United States", city="San Francisco"),
        Place(raw="Remote - US"),  # a remote location keeps its name, not the HQ address
        Place(raw="Dallas, TX, United States", city="Dallas"),
    )
    tokyo = parse_board()[ID + "2"]
    assert tokyo.structured_places == (Place(raw="Tokyo, Japan", city="Tokyo"),)


def test_hourly_and_equity_only() -> None:
    hourly = parse_board()[ID + "3"]
    assert hourly.salaries == (band(35, 52, "USD", None, period="hour"),)
    equity = parse_board()[ID + "4"]
    assert equity.salaries == ()
    assert equity.salary_texts == ("Offers Equity",)
    assert equity.remote is True
    assert equity.structured_places[0] == Place(raw="Remote - Europe")


def test_hidden_compensation_and_unknown_remote() -> None:
    job = parse_board()[ID + "5"]
    assert job.salaries == () and job.salary_texts == ()
    assert job.remote is None  # isRemote null, no workplaceType
    assert job.structured_places == (Place(raw="Singapore"),)


@pytest.mark.parametrize(
    ("name", "address", "expected"),
    [
        (
            "Philippines",
            {"postalAddress": {"addressLocality": "Philippines", "addressCountry": "Philippines"}},
            Place("Philippines"),
        ),
        (
            "London",
            {
                "postalAddress": {
                    "addressLocality": "London",
                    "addressRegion": "London",
                    "addressCountry": "United Kingdom",
                }
            },
            Place("London, United Kingdom", city="London"),
        ),
        (
            "North America",
            {"postalAddress": {"addressCountry": "United States"}},
            Place("North America"),
        ),
        ("SF / NY", {"postalAddress": {}}, Place("SF / NY")),
        (None, None, None),
    ],
)
def test_place_rules(name: str | None, address: Any, expected: Place | None) -> None:
    assert place(name, address) == expected


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("1 YEAR", "year"),
        ("1 MONTH", "month"),
        ("1 WEEK", "week"),
        ("1 DAY", "day"),
        ("1 HOUR", "hour"),
        ("NONE", None),
        ("2 WEEK", None),
        (None, None),
    ],
)
def test_interval_period(interval: str | None, period: str | None) -> None:
    assert interval_period(interval) == period


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected an object with a 'jobs' array, got an array"),
        ({"apiVersion": "1"}, "expected an object with a 'jobs' array; keys: apiVersion"),
        ({"jobs": {"id": "a"}}, "'jobs' is an object, expected an array"),
        ({"jobs": [{"title": "A", "isListed": True}]}, "job #1 has no 'id'"),
        ({"jobs": [{"id": "a", "isListed": False}]}, "job #1 (id 'a') has no 'title'"),
    ],
)
def test_malformed_payload(payload: Any, message: str) -> None:
    with pytest.raises(SourceError) as info:
        SOURCE.parse(payload, make_ref("ashby", "examplecloud"))
    assert str(info.value).startswith("ashby:examplecloud: malformed payload: ")
    assert message in str(info.value)
