"""Politeness across sources, measured at a loopback server: per-host limits, conditional
re-fetches (If-None-Match -> 304 -> NotModified), Retry-After, per-source request budgets.

Each test drives sources the way the scrape job does::

    with client.scope_for(ref) as scope:
        payload = await get_source(ref.ats).fetch(client, ref)
    # store scope.validators; next run: ref.options["_validators"] = them
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.fakeboards import FakeSmartRecruiters, FakeWorkday, make_workday_jobs
from tests.sources.helpers import FIXTURES, load_fixture
from tracker.domain import SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources import get_source
from tracker.sources.base import BudgetExceeded, NotModified, SourceError
from tracker.sources.http import FetchScope, HttpClient

FAST = ScrapeSettings(retries=2, backoff=0.01, per_host=2)


def scrape(
    ref: SourceRef, settings: ScrapeSettings = FAST, budget: int | None = None
) -> tuple[Any, FetchScope]:
    async def go() -> tuple[Any, FetchScope]:
        async with HttpClient(settings, budget=budget) as client:
            with client.scope_for(ref) as scope:
                payload = await get_source(ref.ats).fetch(client, ref)
            return payload, scope

    return asyncio.run(go())


# (ats, token, path on the server, fixture file, extra options)
SINGLE_REQUEST_BOARDS = [
    ("greenhouse", "acme", "/v1/boards/acme/jobs", "greenhouse/board.json", {}),
    ("lever", "acme", "/v0/postings/acme", "lever/postings.json", {}),
    ("ashby", "acme", "/posting-api/job-board/acme", "ashby/board.json", {}),
    ("recruitee", "acme", "/api/offers/", "recruitee/offers.json", {}),
    ("teamtailor", "acme", "/jobs.json", "teamtailor/jobs.json", {}),
    (
        "html",
        "acme",
        "/careers",
        "html/careers_jsonld.html",
        {"url": "https://www.example.com/careers"},
    ),
]


@pytest.mark.parametrize(
    ("ats", "token", "path", "fixture", "options"),
    SINGLE_REQUEST_BOARDS,
    ids=[b[0] for b in SINGLE_REQUEST_BOARDS],
)
def test_second_fetch_is_conditional_and_304_is_not_modified(
    board_server: LoopbackServer,
    ats: str,
    token: str,
    path: str,
    fixture: str,
    options: dict[str, Any],
) -> None:
    kind = "text/html" if fixture.endswith(".html") else "application/json"
    body = (FIXTURES / fixture).read_bytes()
    etag = f'W/"{ats}-1"'
    board_server.add(
        path,
        Reply(body=body, content_type=kind, headers={"ETag": etag}),
        Reply(status=304, headers={"ETag": etag}),
    )
    ref = SourceRef(ats, token, "Acme", "acme", options, api_base=board_server.base_url)
    payload, scope = scrape(ref)
    assert get_source(ats).parse(payload, ref)
    assert scope.validators is not None and scope.validators.etag == etag
    again = replace(ref, options={**options, "_validators": scope.validators})
    with pytest.raises(NotModified):
        scrape(again)
    first, second = board_server.requests(path)
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == etag


def test_stored_validators_as_a_mapping_are_sent(board_server: LoopbackServer) -> None:
    board_server.add("/v0/postings/acme", Reply(status=304))
    validators = {"etag": None, "last_modified": "Tue, 01 Sep 2026 00:00:00 GMT"}
    ref = SourceRef(
        "lever", "acme", "A", "a", {"_validators": validators}, api_base=board_server.base_url
    )
    with pytest.raises(NotModified) as info:
        scrape(ref)
    assert info.value.validators.last_modified == validators["last_modified"]
    (request,) = board_server.requests("/v0/postings/acme")
    assert request.headers["if-modified-since"] == validators["last_modified"]


def test_per_host_limit_holds_across_boards(board_server: LoopbackServer) -> None:
    tokens = [f"board{n}" for n in range(6)]
    for token in tokens:
        board_server.add(f"/v1/boards/{token}/jobs", Reply(json={"jobs": []}, delay=0.1))
    workday = FakeWorkday(board_server, make_workday_jobs(45))
    refs = [SourceRef("greenhouse", t, t, t, api_base=board_server.base_url) for t in tokens] + [
        workday.ref()
    ]

    async def go() -> list[Any]:
        async with HttpClient(FAST) as client:

            async def one(ref: SourceRef) -> Any:
                with client.scope_for(ref):
                    return await get_source(ref.ats).fetch(client, ref)

            return await asyncio.gather(*(one(r) for r in refs))

    results = asyncio.run(go())
    assert len(results) == 7 and len(results[-1]["details"]) == 45
    assert board_server.count() == 6 + 3 + 45
    assert board_server.max_in_flight() == 2


def test_retry_after_is_waited_out_mid_pagination(board_server: LoopbackServer) -> None:
    board = FakeSmartRecruiters(board_server, 150)
    original = board.page
    calls: list[int] = []

    def throttled(request: Any) -> Reply:
        offset = int(request.query["offset"][0])
        calls.append(offset)
        if offset == 100 and calls.count(100) == 1:
            return Reply(status=429, headers={"Retry-After": "1"}, json={"message": "slow"})
        return original(request)

    board_server.add(board.list_path, throttled)
    started = time.monotonic()
    payload, scope = scrape(board.ref(details=False))
    assert time.monotonic() - started >= 0.99
    assert len(get_source("smartrecruiters").parse(payload, board.ref())) == 150
    assert calls.count(100) == 2 and scope.requests == 3


def test_budget_fails_a_big_board(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(100), details=False)
    message = r"^workday:examplecompute/Careers: request budget of 3 exceeded$"
    with pytest.raises(BudgetExceeded, match=message):
        scrape(board.ref(details=False), budget=3)
    assert board_server.count(board.search_path) <= 3
    payload, scope = scrape(board.ref(details=False, budget=5))
    assert scope.requests == 5 and len(payload["pages"]) == 5


def test_budget_exceeded_is_a_source_error() -> None:
    assert issubclass(BudgetExceeded, SourceError) and issubclass(NotModified, SourceError)


def test_fixture_files_exist() -> None:
    for *_, fixture, _ in SINGLE_REQUEST_BOARDS:
        assert Path(FIXTURES / fixture).is_file()
    assert load_fixture("workday", "jobs_page.json")["total"] == 7
