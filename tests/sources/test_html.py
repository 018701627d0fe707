"""HTML careers pages: CSS selectors, schema.org JobPosting JSON-LD, loud failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import FIXTURES
from tracker.domain import Place, SalaryBand, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.html import Html
from tracker.sources.http import HttpClient

SOURCE = Html()
PAGE = "https://www.examplecolo.com/careers"
SELECTORS = {
    "item": "li.opening",
    "title": ".opening-title",
    "location": ".opening-location",
    "link": "a.opening-link",
}


def ref(api_base: str | None = None, **options: Any) -> SourceRef:
    return SourceRef("html", "examplecolo", "Example Colo", "example-colo", options, api_base)


def page(name: str) -> str:
    return (FIXTURES / "html" / name).read_text(encoding="utf-8")


def test_selectors() -> None:
    payload = {"url": PAGE, "html": page("careers_selectors.html")}
    postings = SOURCE.parse(payload, ref(url=PAGE, selectors=SELECTORS))
    assert [(p.title, p.location_raw) for p in postings] == [
        ("Data Center Shift Lead", "Ashburn, VA"),
        ("Commissioning Agent", "Frankfurt, Germany"),
        ("Colocation Sales Director", "Singapore"),
    ]  # the item without a title is skipped
    assert postings[0].external_id == "https://www.examplecolo.com/careers/dc-shift-lead-ashburn"
    assert postings[0].url == postings[0].external_id
    assert postings[1].url == "https://jobs.examplecolo.com/careers/commissioning-agent?ref=site"


def test_selectors_given_as_json_text_and_bare_html() -> None:
    import json

    options = {"url": PAGE, "selectors": json.dumps(SELECTORS)}
    assert len(SOURCE.parse(page("careers_selectors.html"), ref(**options))) == 3


def test_default_link_and_title() -> None:
    html = '<div><a class="job" href="/a">Energy Analyst</a><a class="job" href="/b">SRE</a></div>'
    postings = SOURCE.parse({"url": PAGE, "html": html}, ref(selectors={"item": "a.job"}))
    assert [(p.title, p.url) for p in postings] == [
        ("Energy Analyst", "https://www.examplecolo.com/a"),
        ("SRE", "https://www.examplecolo.com/b"),
    ]


def test_json_ld() -> None:
    payload = {"url": "https://www.examplehyperscale.com/jobs", "html": page("careers_jsonld.html")}
    (job,) = SOURCE.parse(payload, ref())
    assert job.external_id == "CPE-2291"
    assert job.title == "Critical Power Engineer"
    assert job.url == "https://www.examplehyperscale.com/jobs/critical-power-engineer"
    assert job.structured_places == (
        Place("Council Bluffs, IA, US", city="Council Bluffs", country="US"),
        Place("Omaha, NE, US", city="Omaha", country="US"),
    )
    assert job.salaries == (SalaryBand(132000, 171000, "USD", "year"),)
    assert job.salary_texts == ("Pay range: $132,000 - $171,000 per year.",)
    assert job.posted_at == datetime(2026, 9, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("html", "options", "message"),
    [
        ("<html><body>No jobs</body></html>", {}, "no schema.org JobPosting"),
        (
            "<ul><li class='x'>Old layout</li></ul>",
            {"selectors": {"item": "li.opening"}},
            "matched no postings",
        ),
        ("<p></p>", {"selectors": {"title": "h2"}}, "need at least an item selector"),
        ("<p></p>", {"selectors": "not json"}, "must be a table or a JSON object"),
    ],
)
def test_loud_failures(html: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceError, match=message):
        SOURCE.parse({"url": PAGE, "html": html}, ref(url=PAGE, **options))


def test_fetch_through_api_base(board_server: LoopbackServer) -> None:
    body = page("careers_selectors.html")
    board_server.add("/careers", Reply(body=body, content_type="text/html; charset=utf-8"))

    async def go() -> Any:
        async with HttpClient(ScrapeSettings(retries=0)) as client:
            target = ref(board_server.base_url, url=PAGE, selectors=SELECTORS)
            return await SOURCE.fetch(client, target)

    payload = asyncio.run(go())
    assert payload["url"] == PAGE  # links resolve against the public page
    postings = SOURCE.parse(payload, ref(url=PAGE, selectors=SELECTORS))
    assert postings[0].url == "https://www.examplecolo.com/careers/dc-shift-lead-ashburn"
    assert board_server.requests("/careers")[0].headers["accept"].startswith("text/html")


def test_needs_url() -> None:
    with pytest.raises(SourceError, match="needs the url option"):
        SOURCE.page_url(ref())
