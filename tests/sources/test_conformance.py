"""Conformance: every real captured Greenhouse/Lever/Ashby payload parses completely.

Reads the folder named by ``TRACKER_REAL_DATA`` (see DESIGN.md "Real data"); skipped when unset.
Detail-endpoint captures (one job object) are parsed as one-job boards.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tracker.domain import SourceRef
from tracker.sources import get_source

REAL = os.environ.get("TRACKER_REAL_DATA", "")
if not REAL:
    pytest.skip("TRACKER_REAL_DATA is not set", allow_module_level=True)
pytestmark = pytest.mark.realdata
ATS = ("greenhouse", "lever", "ashby")


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
