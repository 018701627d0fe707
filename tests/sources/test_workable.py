"""Workable: token-paged POST search, details for new postings, parse."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import load_fixture
from tracker.domain import Place, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient
from tracker.sources.workable import Workable, list_signature, parse_detail

SOURCE = Workable()
FAST = ScrapeSettings(retries=0, backoff=0.01)
LIST = "/api/v3/accounts/examplegrid/jobs"


def ref(api_base: str | None = None, **options: Any) -> SourceRef:
    return SourceRef("workable", "examplegrid", "Example Grid", "example-grid", options, api_base)


def fetch(target: SourceRef) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await SOURCE.fetch(client, target)

    return asyncio.run(go())


def serve_pages(server: LoopbackServer) -> None:
    server.add(
        LIST,
        Reply(json=load_fixture("workable", "jobs_page1.json")),
        Reply(json=load_fixture("workable", "jobs_page2.json")),
        method="POST",
    )


def test_parse_pages() -> None:
    pages = [load_fixture("workable", f"jobs_page{n}.json") for n in (1, 2)]
    jobs = {p.external_id: p for p in SOURCE.parse(pages, ref())}
    assert list(jobs) == ["A1B2C3D4E5", "B2C3D4E5F6", "C3D4E5F6A7"]
    site = jobs["A1B2C3D4E5"]
    assert site.url == "https://apply.workable.com/examplegrid/j/A1B2C3D4E5/"
    assert (site.department, site.team) == ("Operations", "Data Centers")
    assert site.location_raw == "Athens, Greece"
    assert site.structured_places == (Place("Athens, Attica, Greece", city="Athens", country="GR"),)
    assert site.remote is False
    assert site.posted_at == datetime(2026, 9, 2, tzinfo=UTC)
    assert jobs["C3D4E5F6A7"].remote is True and jobs["C3D4E5F6A7"].department is None


def test_detail_adds_text_and_pay_lines() -> None:
    job = parse_detail(load_fixture("workable", "job_detail.json"), ref())
    assert job.description and "grid interconnection studies" in job.description
    assert job.salary_texts == ("Base salary: $150,000 - $185,000 per year.",)


def test_fetch_follows_next_page_and_details_new_only(board_server: LoopbackServer) -> None:
    serve_pages(board_server)
    detail = load_fixture("workable", "job_detail.json")
    board_server.add("/api/v2/accounts/examplegrid/jobs/B2C3D4E5F6", Reply(json=detail))
    first = load_fixture("workable", "jobs_page1.json")["results"]
    last = load_fixture("workable", "jobs_page2.json")["results"]
    known = {first[0]["shortcode"]: list_signature(first[0]), last[0]["shortcode"]: None}
    board_server.add("/api/v2/accounts/examplegrid/jobs/C3D4E5F6A7", Reply(json=last[0]))
    payload = fetch(ref(board_server.base_url, _known=known))
    bodies = [json.loads(r.body) for r in board_server.requests(LIST)]
    assert bodies == [{"query": ""}, {"query": "", "token": "WzE3ODk5NDg4MDAwMDAsNjEwMDAwMl0="}]
    assert sorted(payload["details"]) == ["B2C3D4E5F6", "C3D4E5F6A7"]
    assert len(SOURCE.parse(payload, ref())) == 3


def test_page_failing_fails_the_fetch(board_server: LoopbackServer) -> None:
    board_server.add(
        LIST,
        Reply(json=load_fixture("workable", "jobs_page1.json")),
        Reply(status=500),
        method="POST",
    )
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(ref(board_server.base_url, details=False))


def test_repeating_token_fails(board_server: LoopbackServer) -> None:
    board_server.add(LIST, Reply(json=load_fixture("workable", "jobs_page1.json")), method="POST")
    with pytest.raises(SourceError, match="paging does not end"):
        fetch(ref(board_server.base_url, details=False))


def test_malformed() -> None:
    with pytest.raises(SourceError, match="has no 'shortcode'"):
        SOURCE.parse({"results": [{"title": "x"}]}, ref())
