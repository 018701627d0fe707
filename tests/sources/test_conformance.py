"""Conformance: every real captured payload of a supported ATS parses completely.

Reads the folder named by ``TRACKER_REAL_DATA`` (see README "The two commands"); skipped when unset.
Greenhouse/Lever detail captures are parsed as one-job boards; for the paged ATSs (Workday,
SmartRecruiters, Workable) list pages give as many postings as the page holds, and detail
captures go through the module's ``parse_detail`` (and merge into their list page when the page
lists them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tracker.domain import RawPosting, SourceRef
from tracker.sources import get_source, smartrecruiters, workable, workday

REAL = os.environ.get("TRACKER_REAL_DATA", "")
if not REAL:
    pytest.skip("TRACKER_REAL_DATA is not set", allow_module_level=True)
pytestmark = pytest.mark.realdata
ATS = ("greenhouse", "lever", "ashby")
PAGED = ("workday", "smartrecruiters", "workable", "recruitee", "teamtailor")
ITEMS = {
    "workday": "jobPostings",
    "smartrecruiters": "content",
    "workable": "results",
    "recruitee": "offers",
    "teamtailor": "items",
}
DETAIL_PARSERS = {
    "workday": workday.parse_detail,
    "smartrecruiters": smartrecruiters.parse_detail,
    "workable": workable.parse_detail,
}


def real_files() -> list[Path]:
    return sorted(p for ats in ATS for p in (Path(REAL) / ats).glob("*.json"))


def as_board(ats: str, path: Path, data: Any) -> Any:
    """List payloads as they are; single-job detail captures wrapped as one-job boards."""
    if ats == "greenhouse" and "_job_" in path.name:
        return {"jobs": [data]}
    if ats == "lever" and "_detail" in path.name:
        return [data]
    return data


def expected_count(ats: str, board: Any) -> int:
    if ats == "lever":
        return len(board)
    if ats == "ashby":
        return sum(1 for job in board["jobs"] if job.get("isListed") is not False)
    return len(board["jobs"])


@pytest.mark.parametrize("path", real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_payload_parses_completely(path: Path) -> None:
    ats = path.parent.name
    board = as_board(ats, path, json.loads(path.read_text(encoding="utf-8")))
    ref = SourceRef(ats=ats, token=path.stem, company=path.stem, company_slug=path.stem)
    postings = get_source(ats).parse(board, ref)
    assert len(postings) == expected_count(ats, board) > 0
    assert all(p.external_id and p.title for p in postings)
    assert len({p.external_id for p in postings}) == len(postings)


def test_real_folders_are_present() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in real_files()}
    assert "greenhouse/anthropic_jobs_list.json" in names
    assert "greenhouse/airtable_jobs_content.json" in names
    assert {p.split("/")[0] for p in names} == set(ATS)
    paged = {f"{p.parent.name}/{p.name}" for p in paged_files()}
    assert {p.split("/")[0] for p in paged} == set(PAGED)
    assert "workday/nvidia_jobs_page_2026-08.json" in paged


def test_anthropic_board_has_517_postings() -> None:
    path = Path(REAL) / "greenhouse" / "anthropic_jobs_list.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    ref = SourceRef(
        ats="greenhouse", token="anthropic", company="Anthropic", company_slug="anthropic"
    )
    assert len(get_source("greenhouse").parse(payload, ref)) == 517


def test_greenhouse_pay_blocks_survive_mojibake() -> None:
    path = Path(REAL) / "greenhouse" / "airtable_jobs_content.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    ref = SourceRef(ats="greenhouse", token="airtable", company="Airtable", company_slug="airtable")
    postings = get_source("greenhouse").parse(payload, ref)
    texts = [t for p in postings for t in p.salary_texts]
    assert any("GBP" in t for t in texts)
    assert sum(len(p.salary_texts) > 1 for p in postings) > 0


def paged_files() -> list[Path]:
    return sorted(p for ats in PAGED for p in (Path(REAL) / ats).glob("*.json"))


def real_ref(path: Path) -> SourceRef:
    ats, name = path.parent.name, path.stem.split("_")[0]
    options = {"host": f"{name}.wd5.myworkdayjobs.com", "site": "External"}
    return SourceRef(ats, name, name, name, options if ats == "workday" else {})


def is_detail(path: Path) -> bool:
    return "detail" in path.name


def check(postings: list[RawPosting]) -> None:
    assert all(p.external_id and p.title for p in postings)
    assert len({p.external_id for p in postings}) == len(postings)


@pytest.mark.parametrize(
    "path",
    [p for p in paged_files() if not is_detail(p)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_real_list_page_parses_completely(path: Path) -> None:
    ats = path.parent.name
    payload = json.loads(path.read_text(encoding="utf-8"))
    postings = get_source(ats).parse(payload, real_ref(path))
    assert len(postings) == len(payload[ITEMS[ats]])
    check(postings)
    if ats in DETAIL_PARSERS:  # the same page as a one-page array, and as a fetch payload
        assert get_source(ats).parse([payload], real_ref(path)) == postings
        combined = {"pages": [payload], "details": {}}
        assert get_source(ats).parse(combined, real_ref(path)) == postings


@pytest.mark.parametrize(
    "path", [p for p in paged_files() if is_detail(p)], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_real_detail_parses(path: Path) -> None:
    ats = path.parent.name
    posting = DETAIL_PARSERS[ats](json.loads(path.read_text(encoding="utf-8")), real_ref(path))
    check([posting])
    assert posting.description and posting.extra["detail"] is True


def test_unknown_smartrecruiters_company_page_is_empty() -> None:
    path = Path(REAL) / "smartrecruiters" / "unknown_company_postings.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert get_source("smartrecruiters").parse(payload, real_ref(path)) == []


@pytest.mark.parametrize(
    ("ats", "page", "detail", "key", "external_id"),
    [
        (
            "workday",
            "nvidia_jobs.json",
            "nvidia_job_detail.json",
            "/job/Israel-Yokneam/Senior-Software-Golang-Kubernetes-Engineer_JR2015916",
            "JR2015916",
        ),
        (
            "smartrecruiters",
            "equinox_postings.json",
            "equinox_posting_detail.json",
            "744000137225639",
            "744000137225639",
        ),
        (
            "workable",
            "blueground_jobs_v3.json",
            "blueground_job_detail_v2.json",
            "B02DA69C8F",
            "B02DA69C8F",
        ),
    ],
)
def test_real_detail_merges_into_its_list_page(
    ats: str, page: str, detail: str, key: str, external_id: str
) -> None:
    folder = Path(REAL) / ats
    listing = json.loads((folder / page).read_text(encoding="utf-8"))
    payload = {
        "pages": [listing],
        "details": {key: json.loads((folder / detail).read_text(encoding="utf-8"))},
    }
    postings = {p.external_id: p for p in get_source(ats).parse(payload, real_ref(folder / page))}
    merged = postings[external_id]
    assert merged.extra["detail"] is True and merged.description
    assert sum(p.extra["detail"] for p in postings.values()) == 1
    if ats == "workday":
        assert [p.raw for p in merged.structured_places] == [
            "Israel, Yokneam",
            "Israel, Raanana",
            "Israel, Tel Aviv",
        ]
        assert merged.structured_places[0].country == "IL"


def test_real_teamtailor_and_recruitee_details() -> None:
    carr = Path(REAL) / "teamtailor" / "carrtalent_jobs_missing_location.json"
    jobs = get_source("teamtailor").parse(json.loads(carr.read_text()), real_ref(carr))
    assert [len(j.structured_places) for j in jobs] == [0, 1]
    assert jobs[1].salaries[0].min == 120000 and jobs[1].salaries[0].currency == "USD"
    bunq = Path(REAL) / "recruitee" / "bunq_offers.json"
    offers = get_source("recruitee").parse(json.loads(bunq.read_text()), real_ref(bunq))
    assert any("€108,000-€119,700" in t for o in offers for t in o.salary_texts)
    assert not any("learning budget" in t for o in offers for t in o.salary_texts)
