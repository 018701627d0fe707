"""Discovery: job/board URLs and careers pages -> watchlist entries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.helpers import FIXTURES
from tracker.settings import ScrapeSettings
from tracker.sources.discover import NotRecognized, discover, discover_url, fetch_page
from tracker.sources.http import HttpClient

WD = {"ats": "workday", "token": "nvidia", "host": "nvidia.wd5.myworkdayjobs.com"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://boards.greenhouse.io/anthropic", {"ats": "greenhouse", "token": "anthropic"}),
        (
            "https://job-boards.greenhouse.io/anthropic/jobs/5227415008",
            {"ats": "greenhouse", "token": "anthropic"},
        ),
        (
            "https://job-boards.eu.greenhouse.io/examplecloud/jobs/1",
            {
                "ats": "greenhouse",
                "token": "examplecloud",
                "api_base": "https://boards-api.eu.greenhouse.io",
            },
        ),
        (
            "https://boards-api.greenhouse.io/v1/boards/anthropic/jobs?content=true",
            {"ats": "greenhouse", "token": "anthropic"},
        ),
        (
            "https://boards.greenhouse.io/embed/job_board?for=examplelabs&b=https://x.com",
            {"ats": "greenhouse", "token": "examplelabs"},
        ),
        ("jobs.lever.co/examplefab/0c1d2e3f", {"ats": "lever", "token": "examplefab"}),
        (
            "https://jobs.eu.lever.co/examplefab",
            {"ats": "lever", "token": "examplefab", "api_base": "https://api.eu.lever.co"},
        ),
        ("https://api.lever.co/v0/postings/examplefab?mode=json", {"token": "examplefab"}),
        (
            "https://jobs.ashbyhq.com/examplecloud/7a1d2c3b",
            {"ats": "ashby", "token": "examplecloud"},
        ),
        (
            "https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/job/US-CA/X_JR1",
            {**WD, "site": "NVIDIAExternalCareerSite"},
        ),
        (
            "https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite",
            {**WD, "site": "NVIDIAExternalCareerSite"},
        ),
        (
            "https://nvidia.wd5.myworkdayjobs.com/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs",
            {**WD, "site": "NVIDIAExternalCareerSite"},
        ),
        (
            "https://wd3.myworkdaysite.com/en-US/recruiting/examplefab/Careers",
            {"ats": "workday", "token": "examplefab", "host": "wd3.myworkdaysite.com"},
        ),
        (
            "https://jobs.smartrecruiters.com/WesternDigital/744000140949875-intern",
            {"ats": "smartrecruiters", "token": "WesternDigital"},
        ),
        (
            "https://careers.smartrecruiters.com/Equinox",
            {"ats": "smartrecruiters", "token": "Equinox"},
        ),
        ("https://apply.workable.com/blueground/j/B02DA69C8F/", {"token": "blueground"}),
        ("https://bunq.recruitee.com/o/fraud-ops-expert", {"ats": "recruitee", "token": "bunq"}),
        (
            "https://knaufsemea.teamtailor.com/jobs/7890179-electro",
            {"ats": "teamtailor", "token": "knaufsemea"},
        ),
        (
            "https://carrtalent.na.teamtailor.com/jobs",
            {
                "ats": "teamtailor",
                "token": "carrtalent",
                "api_base": "https://carrtalent.na.teamtailor.com",
            },
        ),
    ],
)
def test_board_urls(url: str, expected: dict[str, Any]) -> None:
    entry = discover(url)
    assert {k: entry.get(k) for k in expected} == expected
    assert entry["company"]


def test_entry_shape() -> None:
    assert discover("https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite") == {
        "company": "Nvidia",
        "ats": "workday",
        "token": "nvidia",
        "host": "nvidia.wd5.myworkdayjobs.com",
        "site": "NVIDIAExternalCareerSite",
    }
    assert discover("https://boards.greenhouse.io/digital-realty")["company"] == "Digital Realty"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<div id="grnhse_app"></div><script '
            'src="https://boards.greenhouse.io/embed/job_board/js?for=examplelabs"></script>',
            ("greenhouse", "examplelabs"),
        ),
        (
            '<iframe src="https://jobs.ashbyhq.com/examplecloud/embed?version=2"></iframe>',
            ("ashby", "examplecloud"),
        ),
        (
            '<a href="https://jobs.lever.co/examplefab">See all roles</a>',
            ("lever", "examplefab"),
        ),
        (
            "<script>fetch('https://api.lever.co/v0/postings/examplefab?mode=json')</script>",
            ("lever", "examplefab"),
        ),
        (
            '<script>rtapp.init({"domain": "examplegrid.recruitee.com"})</script>',
            ("recruitee", "examplegrid"),
        ),
        (
            "<script>widget({company_code: 'ExampleStorage', dept_code: ''})</script>",
            ("smartrecruiters", "ExampleStorage"),
        ),
        (
            '<a href="https://examplecompute.wd1.myworkdayjobs.com/en-US/Careers">Jobs</a>',
            ("workday", "examplecompute"),
        ),
    ],
)
def test_embeds_in_a_company_page(html: str, expected: tuple[str, str]) -> None:
    page = f"<html><head><title>Careers</title></head><body>{html}</body></html>"
    entry = discover("https://www.example.com/careers", page)
    assert (entry["ats"], entry["token"]) == expected


def test_json_ld_page_gives_an_html_entry() -> None:
    page = (FIXTURES / "html" / "careers_jsonld.html").read_text(encoding="utf-8")
    assert discover("https://careers.examplehyperscale.com/jobs/1", page) == {
        "company": "Examplehyperscale",
        "ats": "html",
        "token": "examplehyperscale",
        "url": "https://careers.examplehyperscale.com/jobs/1",
    }


def test_nothing_recognised() -> None:
    with pytest.raises(
        NotRecognized, match=r"no supported job board found for .* \(checked the URL\)"
    ):
        discover("https://www.example.com/careers")
    with pytest.raises(ValueError, match="scripts, iframes and links"):
        discover("https://www.example.com/careers", "<html><a href='/jobs'>Jobs</a></html>")
    with pytest.raises(NotRecognized):
        discover("https://www.greenhouse.io/customers")


def test_fetch_page_and_discover_url(board_server: LoopbackServer) -> None:
    embed = '<script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>'
    board_server.add("/careers", Reply(status=302, headers={"Location": "/careers/"}))
    board_server.add("/careers/", Reply(body=f"<html>{embed}</html>", content_type="text/html"))

    async def go() -> Any:
        async with HttpClient(ScrapeSettings(retries=0)) as client:
            page = await fetch_page(client, board_server.url("/careers"))
            direct = await discover_url(client, "https://jobs.lever.co/acme")
            embedded = await discover_url(client, board_server.url("/careers"))
            return page, direct, embedded

    page, direct, embedded = asyncio.run(go())
    assert page.url == board_server.url("/careers/") and embed in page.html
    assert (direct["ats"], embedded["ats"]) == ("lever", "greenhouse")
    assert board_server.count("/careers") == 2  # the direct URL needed no request
