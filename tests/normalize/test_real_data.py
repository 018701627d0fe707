"""Conformance over the real captures (``TRACKER_REAL_DATA``): boards, locations, pay blocks.

Skipped when the folder is not configured. The hand-labelled sets in tests/data/ hold the
exact expectations; here whole boards go through the sources' parsers and ``normalize``.
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.domain import Posting, SourceRef
from tracker.normalize import normalize
from tracker.normalize.locations import parse_places
from tracker.normalize.salary import parse_salary_text
from tracker.sources import SourceError, get_source

pytestmark = pytest.mark.realdata
PAY_RANGE = re.compile(r'<div class="pay-range">(.*?)</div>', re.DOTALL)
ATSS = ("greenhouse", "lever", "ashby", "smartrecruiters", "workable", "recruitee", "teamtailor")
SEEN = datetime(2026, 8, 21, tzinfo=UTC)


@pytest.fixture(scope="module")
def folder() -> Path:
    value = os.environ.get("TRACKER_REAL_DATA")
    if not value:
        pytest.skip("TRACKER_REAL_DATA is not set")
    return Path(value)


@pytest.fixture(scope="module")
def greenhouse_jobs(folder: Path) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    for path in sorted((folder / "greenhouse").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            jobs.extend(data["jobs"])
    return jobs


def board_postings(folder: Path, skip: str) -> list[Posting]:
    """Every list capture the sources can parse, normalized (files named ``skip`` left out)."""
    postings: list[Posting] = []
    for ats in ATSS:
        ref = SourceRef(ats, "real", "Real", "real", {})
        for path in sorted((folder / ats).glob("*.json")):
            if skip in path.name:
                continue
            try:
                raws = get_source(ats).parse(json.loads(path.read_text(encoding="utf-8")), ref)
            except SourceError:
                continue  # a detail capture, not a board
            postings.extend(normalize(raw, ref, SEEN) for raw in raws)
    return postings


def test_boards_without_data_centers_show_no_compute_roles(folder: Path) -> None:
    """Airbnb, Airtable, Warp, Plaid, Palantir, Linear, Cursor, bunq...: no DC roles at all."""
    postings = board_postings(folder, skip="anthropic")
    assert len(postings) > 250
    assert [(p.title, p.category_rule) for p in postings if p.compute] == []


def test_greenhouse_locations_resolve(greenhouse_jobs: list[dict[str, Any]]) -> None:
    locations = [job.get("location") for job in greenhouse_jobs]
    names = {str(loc.get("name") or "") for loc in locations if isinstance(loc, dict)}
    names.discard("")
    unresolved = []
    for name in sorted(names):
        places, remote = parse_places(name, [])
        if (not remote and not places) or any(not (p.country or p.region) for p in places):
            unresolved.append(name)
    assert len(names) > 50
    assert unresolved == []


def test_greenhouse_pay_blocks_parse(greenhouse_jobs: list[dict[str, Any]]) -> None:
    blocks = [
        match.group(1)
        for job in greenhouse_jobs
        for match in PAY_RANGE.finditer(html.unescape(html.unescape(str(job.get("content") or ""))))
    ]
    assert blocks
    bands = [parse_salary_text(block) for block in blocks]
    assert all(band is not None and band.currency and band.min for band in bands), blocks
