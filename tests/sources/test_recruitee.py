"""Recruitee: one GET of /api/offers/; places, structured pay and pay prose."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import load_fixture
from tracker.domain import Place, SalaryBand, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.http import HttpClient
from tracker.sources.recruitee import Recruitee


def ref(ats: str, api_base: str | None = None) -> SourceRef:
    return SourceRef(ats, "examplegrid", "Example Grid", "example-grid", {}, api_base)


def fetch(source: Any, target: SourceRef) -> Any:
    async def go() -> Any:
        async with HttpClient(ScrapeSettings(retries=0)) as client:
            return await source.fetch(client, target)

    return asyncio.run(go())


def test_public_url() -> None:
    assert Recruitee().url(ref("recruitee")) == "https://examplegrid.recruitee.com/api/offers/"
    assert Recruitee().url(ref("recruitee", "http://127.0.0.1:9")) == (
        "http://127.0.0.1:9/api/offers/"
    )


def test_recruitee_offers() -> None:
    payload = load_fixture("recruitee", "offers.json")
    offers = {p.external_id: p for p in Recruitee().parse(payload, ref("recruitee"))}
    assert list(offers) == ["3100001", "3100002", "3100003"]
    ppa = offers["3100001"]
    assert ppa.url == "https://careers.examplegrid.eu/o/power-purchase-manager"
    assert ppa.department == "Energy" and ppa.remote is False
    assert ppa.salaries == (SalaryBand(95000, 120000, "EUR", "year"),)
    assert ppa.structured_places == (
        Place("Amsterdam, Noord-Holland, Netherlands", city="Amsterdam", country="NL"),
        Place("Frankfurt am Main, Hessen, Germany", city="Frankfurt am Main", country="DE"),
    )
    assert ppa.posted_at == datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
    tech = offers["3100002"]
    assert tech.salaries == ()
    # The pay line is kept, the learning budget and the expectations question are not.
    assert tech.salary_texts == ("💶 A competitive gross monthly salary between €3,900 - €4,600.",)
    lead = offers["3100003"]
    assert lead.remote is True
    assert lead.salary_texts == (
        "The salary range for this position is €110,000-€135,000 gross per year. "
        "Does this work for you?",
    )


def test_recruitee_fetch(board_server: LoopbackServer) -> None:
    board_server.add("/api/offers/", Reply(json=load_fixture("recruitee", "offers.json")))
    payload = fetch(Recruitee(), ref("recruitee", board_server.base_url))
    assert len(Recruitee().parse(payload, ref("recruitee"))) == 3
