"""Conformance of the career-site sources: every real capture of their formats parses completely.

Reads the folder named by ``TRACKER_REAL_DATA`` (the real captured responses); skipped when unset.
Each capture gives as many postings as it holds distinct jobs, each with an id and a title; the
quirks NOTES.md lists are checked where the captures show them.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.domain import RawPosting, SourceRef
from tracker.sources import get_source

REAL = os.environ.get("TRACKER_REAL_DATA", "")
if not REAL:
    pytest.skip("TRACKER_REAL_DATA is not set", allow_module_level=True)
pytestmark = pytest.mark.realdata

OPTIONS: dict[str, dict[str, Any]] = {
    "amazon": {},
    "eightfold": {"host": "morganstanley.eightfold.ai"},
    "oracle_hcm": {"host": "fa-euwp-saasfaprod1.fa.ocs.oraclecloud.com", "site": "CX_1"},
    "apple": {},
    "meta": {},
    "bamboohr": {},
    "rippling": {},
}


def captures() -> list[tuple[str, Path]]:
    found = []
    for ats in OPTIONS:
        found += [(ats, path) for path in sorted((Path(REAL) / ats).glob("*.json"))]
    return found


def distinct_jobs(ats: str, data: Any) -> int:
    """How many distinct jobs a capture holds, read straight from its JSON."""
    if ats == "amazon":
        return len({j["id_icims"] for j in data["jobs"]})
    if ats == "eightfold":
        return len(data["data"]["positions"]) if "positions" in data["data"] else 1
    if ats == "oracle_hcm":
        first = data["items"][0]
        return len(first["requisitionList"]) if "requisitionList" in first else 1
    if ats == "apple":
        return len(data["res"]["searchResults"]) if "searchResults" in data["res"] else 1
    if ats == "bamboohr":
        return len(data["result"]) if isinstance(data["result"], list) else 1
    if ats == "rippling":
        return len({j["uuid"] for j in data}) if isinstance(data, list) else 1
    return 1  # meta: one job detail


def parse(ats: str, data: Any, token: str = "capture") -> list[RawPosting]:
    ref = SourceRef(ats, token, "Capture", "capture", dict(OPTIONS[ats]))
    return get_source(ats).parse(data, ref)


@pytest.mark.parametrize(("ats", "path"), captures(), ids=lambda v: getattr(v, "name", v))
def test_every_capture_parses_completely(ats: str, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    postings = parse(ats, data)
    assert len(postings) == distinct_jobs(ats, data)
    assert len({p.external_id for p in postings}) == len(postings)
    assert all(p.external_id and p.title and p.title == p.title.strip() for p in postings)
    assert all(p.location_raw or p.structured_places for p in postings)


def load(ats: str, name: str) -> Any:
    return json.loads((Path(REAL) / ats / name).read_text(encoding="utf-8"))


def test_amazon_pay_only_in_the_description_and_double_spaced_dates() -> None:
    postings = parse("amazon", load("amazon", "search_software_engineer.json"))
    lines = [line for p in postings for line in p.salary_texts]
    assert "USA, WA, Seattle - 143,700.00 - 194,400.00 USD annually" in lines
    assert postings[0].posted_at == datetime(2026, 4, 9, tzinfo=UTC)  # "April  9, 2026"
    assert postings[0].structured_places[0].country == "AU"


def test_eightfold_epoch_seconds_and_standardized_places() -> None:
    postings = parse("eightfold", load("eightfold", "morganstanley_search.json"))
    assert all(p.posted_at and p.posted_at.year == 2026 for p in postings)
    assert postings[0].structured_places[0].raw == "Bengaluru, KA, IN"
    assert postings[0].structured_places[0].country == "IN"


def test_oracle_pascal_case_and_details_on_their_own() -> None:
    search = parse("oracle_hcm", load("oracle_hcm", "search.json"))
    assert [p.external_id for p in search] == ["361564", "373209", "375695"]
    detail = parse("oracle_hcm", load("oracle_hcm", "job_detail_386920.json"))[0]
    assert detail.title == "Senior Analyst - ATS" and detail.description


def test_meta_public_compensation_is_a_pay_text() -> None:
    posting = parse("meta", load("meta", "job_detail_graphql.json"))[0]
    assert posting.salary_texts[0] == "Salary: $201,000/year - $278,000/year"
    assert [p.raw for p in posting.structured_places][:1] == ["Menlo Park, CA"]


def test_bamboohr_compensation_string_and_location_types() -> None:
    posting = parse("bamboohr", load("bamboohr", "curtinmaritime_detail_201.json"))[0]
    assert posting.salary_texts[0] == "Compensation: $300 - $425/Day ($21.43 - $30.35 per hour)"
    listed = parse("bamboohr", load("bamboohr", "curtinmaritime_list_variety.json"))
    assert {p.remote for p in listed} >= {True, False}


def test_rippling_one_entry_per_location_is_one_job() -> None:
    data = load("rippling", "jobs.json")
    postings = parse("rippling", data, token="pythian")
    assert len(data) == 33 and len(postings) == 12
    assert max(len(p.structured_places) for p in postings) == 7
