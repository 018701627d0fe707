"""SmartRecruiters: parse (places, pay from compensation or custom field) and fetch (pages,
details for new postings, the unknown-company check) against loopback boards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.fakeboards import FakeSmartRecruiters
from tests.sources.helpers import load_fixture
from tracker.domain import Place, SalaryBand, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient
from tracker.sources.smartrecruiters import (
    SmartRecruiters,
    amount,
    list_signature,
    parse_detail,
)

SOURCE = SmartRecruiters()
FAST = ScrapeSettings(retries=1, backoff=0.01, per_host=4)


def ref(api_base: str | None = None, **options: Any) -> SourceRef:
    return SourceRef(
        "smartrecruiters", "ExampleStorage", "Example Storage", "example-storage", options, api_base
    )


def fetch(target: SourceRef) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await SOURCE.fetch(client, target)

    return asyncio.run(go())


def jobs(payload: Any) -> dict[str, Any]:
    return {p.external_id: p for p in SOURCE.parse(payload, ref())}


def test_list_page() -> None:
    found = jobs(load_fixture("smartrecruiters", "postings_page.json"))
    assert len(found) == 4
    tech = found["744000900000101"]
    assert tech.title == "Data Center Hardware Technician"
    assert tech.url == "https://jobs.smartrecruiters.com/ExampleStorage/744000900000101"
    assert tech.department == "Cloud Infrastructure"
    assert tech.location_raw == "Roseville, CA, United States"
    assert tech.structured_places == (
        Place(raw="Roseville, CA, United States", city="Roseville", country="US"),
    )
    assert tech.remote is False
    assert tech.salaries == (SalaryBand(98400, 131200, "USD", "year", label="Salary Range"),)
    assert tech.posted_at == datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    assert tech.extra["detail"] is False and tech.description is None
    assert found["744000900000103"].salaries == (
        SalaryBand(41.2, 55.75, "USD", "hour", label="Salary Range"),
    )
    assert found["744000900000104"].remote is True
    assert found["744000900000104"].title == "Site Reliability Engineer"
    assert found["744000900000102"].salaries == ()


def test_detail_adds_description_and_compensation_first() -> None:
    payload = {
        "pages": [load_fixture("smartrecruiters", "postings_page.json")],
        "details": {"744000900000101": load_fixture("smartrecruiters", "posting_detail.json")},
    }
    tech = jobs(payload)["744000900000101"]
    assert tech.salaries[0] == SalaryBand(47, 63, "USD", "hour")
    assert tech.salaries[1].label == "Salary Range"
    assert tech.description and "GPU and storage racks" in tech.description
    assert "Example Storage builds" not in tech.description  # company boilerplate left out
    assert tech.salary_texts == ("The hourly pay range for this role is $47.00 - $63.00.",)
    assert tech.extra["detail"] is True
    assert tech.url == "https://jobs.smartrecruiters.com/ExampleStorage/744000900000101"
    assert parse_detail(load_fixture("smartrecruiters", "posting_detail.json"), ref()) == tech


@pytest.mark.parametrize(
    ("text", "value"),
    [("170,600.00", 170600), ("34.52", 34.52), ("170.600,00", 170600), ("98400", 98400)],
)
def test_amounts(text: str, value: float) -> None:
    assert amount(text) == value


def test_malformed() -> None:
    with pytest.raises(SourceError, match="has no 'name'"):
        SOURCE.parse({"content": [{"id": "1"}]}, ref())
    with pytest.raises(SourceError, match="no 'content' array"):
        SOURCE.parse({"offset": 0}, ref())


def test_reads_more_than_a_hundred(board_server: LoopbackServer) -> None:
    board = FakeSmartRecruiters(board_server, 250)
    payload = fetch(board.ref(details=False))
    queries = sorted(
        (int(r.query["offset"][0]), int(r.query["limit"][0]))
        for r in board_server.requests(board.list_path)
    )
    assert queries == [(0, 100), (100, 100), (200, 100)]
    assert len(SOURCE.parse(payload, board.ref())) == 250


def test_later_page_failing_fails_the_fetch(board_server: LoopbackServer) -> None:
    board = FakeSmartRecruiters(board_server, 250, fail_offsets={200})
    with pytest.raises(SourceError, match="HTTP 503"):
        fetch(board.ref(details=False))


def test_details_only_for_unknown_postings(board_server: LoopbackServer) -> None:
    board = FakeSmartRecruiters(board_server, 120)
    items = [board.item(n) for n in range(1, 121)]
    known = {item["id"]: list_signature(item) for item in items[:117]}
    payload = fetch(board.ref(_known=known))
    assert sorted(payload["details"]) == [board.posting_id(n) for n in (118, 119, 120)]
    parsed = {p.external_id: p for p in SOURCE.parse(payload, board.ref())}
    assert parsed[board.posting_id(120)].salaries == (SalaryBand(40, 55, "USD", "hour"),)
    assert parsed[board.posting_id(1)].extra["detail"] is False


def test_unknown_company_is_a_configuration_error(board_server: LoopbackServer) -> None:
    empty = {"offset": 0, "limit": 100, "totalFound": 0, "content": []}
    board_server.add("/v1/companies/Nobody/postings", Reply(json=empty))
    nobody = replace_token(ref(board_server.base_url), "Nobody")
    with pytest.raises(SourceError, match=r"no postings: is the company id right\?"):
        fetch(nobody)
    # A board that had postings before may really be empty now.
    had = replace_token(ref(board_server.base_url, _known={"744000900000101": None}), "Nobody")
    assert SOURCE.parse(fetch(had), had) == []


def replace_token(source: SourceRef, token: str) -> SourceRef:
    return SourceRef(source.ats, token, "N", "n", source.options, source.api_base)
