"""The shipped demo recordings tell the story seeds/demo/README.md describes.

Read with plain json (the source parsers are tested elsewhere); the last tests run the
normalizers over the Greenhouse board to check that the story survives classification.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.domain import RawPosting, SourceRef
from tracker.normalize import normalize

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"
AU_JP = re.compile(r"(Australia|Japan)")
NAME = re.compile(r"^(greenhouse|lever|ashby)-([a-z0-9]+)-(\d{4}-\d{2}-\d{2})\.json$")
PAY_RANGE = re.compile(r'<div class="pay-range">(.*?)</div>')


def load(name: str) -> Any:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def compute_jobs(name: str) -> list[dict[str, Any]]:
    return [
        job for job in load(name)["jobs"] if any(d["name"] == "Compute" for d in job["departments"])
    ]


def test_recording_names_encode_source_and_date() -> None:
    names = sorted(p.name for p in DEMO.glob("*.json"))
    assert len(names) == 6
    recorded = set()
    for name in names:
        match = NAME.match(name)
        assert match, name
        datetime.strptime(match.group(3), "%Y-%m-%d")
        recorded.add(f"{match.group(1)}-{match.group(2)}")
    watchlist = tomllib.loads((DEMO / "watchlist.toml").read_text(encoding="utf-8"))
    assert {f"{s['ats']}-{s['token']}" for s in watchlist["source"]} == recorded


def test_november_anthropic_compute_roles() -> None:
    jobs = compute_jobs("greenhouse-anthropic-2026-11-20.json")
    assert len(jobs) == 13
    assert sum(bool(AU_JP.search(j["location"]["name"])) for j in jobs) == 8
    tokyo = {j["title"] for j in jobs if j["location"]["name"] == "Tokyo, Japan"}
    assert tokyo == {"Data Center Deal Sourcing Lead, Japan", "Data Center Electrical Engineer"}
    assert sum("Australia" in j["location"]["name"] for j in jobs) == 6


def test_april_anthropic_compute_roles() -> None:
    jobs = compute_jobs("greenhouse-anthropic-2026-04-20.json")
    assert len(jobs) == 5
    titles = {j["title"]: j for j in jobs}
    assert titles["Data Center Deal Sourcing, APAC"]["location"]["name"] == "Sydney, Australia"
    november = {j["id"] for j in compute_jobs("greenhouse-anthropic-2026-11-20.json")}
    assert titles["Data Center Deal Sourcing, APAC"]["id"] not in november
    assert len({j["id"] for j in jobs} & november) == 3


def test_london_pay_block_only_in_content() -> None:
    board = load("greenhouse-anthropic-2026-11-20.json")
    (job,) = [j for j in board["jobs"] if j["title"] == "Data Center Deal Sourcing Lead, Europe"]
    assert "pay_input_ranges" not in job
    assert "&lt;div class=&quot;content-pay-transparency&quot;&gt;" in job["content"]
    assert "&amp;mdash;" in job["content"] and "&amp;nbsp;" in job["content"]
    content = html.unescape(html.unescape(job["content"]))
    assert "<span>£225,000</span>" in content and "<span>£270,000 GBP</span>" in content


def test_one_role_changes_its_band() -> None:
    def bands(name: str) -> dict[int, str]:
        out = {}
        for job in load(name)["jobs"]:
            found = PAY_RANGE.search(html.unescape(html.unescape(job["content"])))
            out[job["id"]] = found.group(1) if found else ""
        return out

    april, november = (
        bands("greenhouse-anthropic-2026-04-20.json"),
        bands("greenhouse-anthropic-2026-11-20.json"),
    )
    changed = [i for i in april.keys() & november.keys() if april[i] != november[i]]
    assert changed == [5102100008]


@pytest.mark.parametrize(
    ("name", "total"),
    [("lever-examplecloud-2026-04-20.json", 4), ("lever-examplecloud-2026-11-20.json", 6)],
)
def test_lever_recordings_are_bare_arrays(name: str, total: int) -> None:
    postings = load(name)
    assert isinstance(postings, list) and len(postings) == total
    assert all({"id", "text", "categories", "hostedUrl", "createdAt"} <= p.keys() for p in postings)


@pytest.mark.parametrize(
    ("name", "total"),
    [("ashby-exampledc-2026-04-20.json", 3), ("ashby-exampledc-2026-11-20.json", 5)],
)
def test_ashby_recordings(name: str, total: int) -> None:
    board = load(name)
    assert board["apiVersion"] == "1" and len(board["jobs"]) == total
    assert all("compensation" in job for job in board["jobs"])


def greenhouse_raw(job: dict[str, Any]) -> RawPosting:
    """A minimal stand-in for the Greenhouse parser: enough for normalize()."""
    found = PAY_RANGE.search(html.unescape(html.unescape(job["content"])))
    return RawPosting(
        external_id=str(job["id"]),
        title=job["title"],
        department=job["departments"][0]["name"],
        location_raw=job["location"]["name"],
        salary_texts=(found.group(1),) if found else (),
    )


def test_normalized_november_story() -> None:
    ref = SourceRef(
        "greenhouse", "anthropic", "Anthropic", "anthropic", {"departments": ["Compute"]}
    )
    observed = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    board = load("greenhouse-anthropic-2026-11-20.json")
    postings = [normalize(greenhouse_raw(j), ref, observed) for j in board["jobs"]]
    compute = [p for p in postings if p.compute]
    assert len(compute) == 13 and len(postings) == 19
    countries = [{pl.country for pl in p.places} for p in compute]
    assert sum(bool(c & {"AU", "JP"}) for c in countries) == 8
    london = next(p for p in compute if p.title.endswith("Europe"))
    assert london.category == "deal_sourcing"
    assert london.places[0].city == "London" and london.places[0].region == "EMEA"
    assert london.salary is not None
    assert (london.salary.min, london.salary.max, london.salary.currency) == (
        225_000,
        270_000,
        "GBP",
    )
    assert {p.category for p in compute} >= {"dc_electrical", "dc_engineering", "dc_operations"}
