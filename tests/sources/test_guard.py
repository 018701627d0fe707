"""Tokens checked against what each ATS allows; redirects only on the same host."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.guard import check_token, same_host
from tracker.sources.http import HttpClient
from tracker.watchlist import build_entry


@pytest.mark.parametrize(
    "token", ["anthropic", "Example-Labs_2", "acme.io", "nvidia", "NVIDIAExternalCareerSite"]
)
def test_good_tokens(token: str) -> None:
    assert check_token("greenhouse", token) is None


@pytest.mark.parametrize(
    "token",
    ["../../x?y=#", "a/b", "a?b", "a#b", "..", "a..b", "a b", "a%2fb", "", ".hidden", "x" * 101],
)
def test_bad_tokens(token: str) -> None:
    problem = check_token("lever", token)
    assert problem is not None and "bad token" in problem


def test_workday_site_and_host_checked() -> None:
    ok = {"site": "External", "host": "nvidia.wd5.myworkdayjobs.com"}
    assert check_token("workday", "nvidia", ok) is None
    assert "bad site" in str(check_token("workday", "nvidia", {**ok, "site": "../x"}))
    assert "bad host" in str(check_token("workday", "nvidia", {**ok, "host": "a/b@evil"}))


def test_watchlist_entry_refuses_bad_token() -> None:
    with pytest.raises(Exception, match=r"sources add: bad token '\.\./\.\./x\?y=#'"):
        build_entry(
            {"company": "X", "ats": "greenhouse", "token": "../../x?y=#"},
            "sources add",
            {"greenhouse"},
        )


@pytest.mark.parametrize(
    ("here", "there", "same"),
    [
        ("http://a.example/x", "http://a.example/y", True),
        ("http://a.example/x", "https://a.example/y", True),
        ("http://a.example:8080/x", "https://a.example:8443/y", True),
        ("https://a.example/x", "http://a.example/y", False),
        ("http://a.example/x", "http://a.example:81/y", False),
        ("http://a.example/x", "http://b.example/y", False),
        ("http://a.example/x", "http://169.254.169.254/latest/meta-data/", False),
        ("http://127.0.0.1:5/x", "http://localhost:5/x", False),
    ],
)
def test_same_host(here: str, there: str, same: bool) -> None:
    assert same_host(httpx.URL(here), httpx.URL(there)) is same


async def _get(url: str) -> object:
    async with HttpClient(ScrapeSettings(retries=0)) as client:
        return await client.get_json(url)


@respx.mock
def test_redirect_to_metadata_address_is_refused() -> None:
    respx.get("http://board.example/jobs").respond(
        302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    metadata = respx.get("http://169.254.169.254/latest/meta-data/").respond(200, json={})
    with pytest.raises(SourceError, match=r"refused: http://169\.254\.169\.254/latest"):
        asyncio.run(_get("http://board.example/jobs"))
    assert not metadata.called


@respx.mock
def test_same_host_redirect_is_followed() -> None:
    respx.get("http://board.example/jobs").respond(301, headers={"Location": "/v2/jobs"})
    respx.get("http://board.example/v2/jobs").respond(200, json={"jobs": []})
    assert asyncio.run(_get("http://board.example/jobs")) == {"jobs": []}
