"""Teamtailor: the jobs.json feed and its schema.org JobPosting items."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import load_fixture
from tracker.domain import Place, SalaryBand, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient
from tracker.sources.teamtailor import Teamtailor


def ref(ats: str, api_base: str | None = None) -> SourceRef:
    return SourceRef(ats, "examplegrid", "Example Grid", "example-grid", {}, api_base)


def fetch(source: Any, target: SourceRef) -> Any:
    async def go() -> Any:
        async with HttpClient(ScrapeSettings(retries=0)) as client:
            return await source.fetch(client, target)

    return asyncio.run(go())


def test_public_url() -> None:
    assert Teamtailor().url(ref("teamtailor")) == "https://examplegrid.teamtailor.com/jobs.json"
    regional = ref("teamtailor", "https://examplegrid.na.teamtailor.com")
    assert Teamtailor().url(regional) == "https://examplegrid.na.teamtailor.com/jobs.json"


def test_teamtailor_feed() -> None:
    items = Teamtailor().parse(load_fixture("teamtailor", "jobs.json"), ref("teamtailor"))
    cfe, trader, remote = items
    assert cfe.external_id == "5b0c9e1a-1111-4a2b-9c3d-000000000001"
    assert cfe.url == (
        "https://examplenordic.teamtailor.com/jobs/8100001-critical-facilities-engineer"
    )
    assert cfe.structured_places == (Place("Luleå, Norrbotten, SE", city="Luleå", country="SE"),)
    assert cfe.salaries == (SalaryBand(52000, 61000, "SEK", "month"),)
    assert cfe.salary_texts == ("Salary: SEK 52,000 - 61,000 per month.",)
    assert cfe.posted_at == datetime(2026, 9, 3, 9, 15, tzinfo=timezone(timedelta(hours=2)))
    assert cfe.extra["job_id"] == "8100001"
    assert [p.raw for p in trader.structured_places] == ["Oslo, NO", "Stockholm, SE"]
    assert trader.location_raw == "Oslo, NO; Stockholm, SE"
    assert remote.structured_places == () and remote.remote is True


def test_teamtailor_fetch_and_malformed(board_server: LoopbackServer) -> None:
    board_server.add("/jobs.json", Reply(json=load_fixture("teamtailor", "jobs.json")))
    payload = fetch(Teamtailor(), ref("teamtailor", board_server.base_url))
    assert len(Teamtailor().parse(payload, ref("teamtailor"))) == 3
    with pytest.raises(SourceError, match="expected an object with a 'items' array"):
        Teamtailor().parse([], ref("teamtailor"))
    with pytest.raises(SourceError, match="has no 'title'"):
        Teamtailor().parse({"items": [{"id": "x"}]}, ref("teamtailor"))
