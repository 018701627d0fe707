"""Conformance over the real captures (``TRACKER_REAL_DATA``): locations and pay blocks.

Skipped when the folder is not configured. Thresholds, not exact values: the captures are
the wild, and the first-pass normalizers are expected to read nearly all of them.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from tracker.normalize.locations import parse_places
from tracker.normalize.salary import parse_salary_text

pytestmark = pytest.mark.realdata
PAY_RANGE = re.compile(r'<div class="pay-range">(.*?)</div>', re.DOTALL)


@pytest.fixture(scope="module")
def greenhouse_jobs() -> list[dict[str, object]]:
    folder = os.environ.get("TRACKER_REAL_DATA")
    if not folder:
        pytest.skip("TRACKER_REAL_DATA is not set")
    jobs: list[dict[str, object]] = []
    for path in sorted((Path(folder) / "greenhouse").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            jobs.extend(data["jobs"])
    return jobs


def test_greenhouse_locations_mostly_resolve(greenhouse_jobs: list[dict[str, object]]) -> None:
    locations = [job.get("location") for job in greenhouse_jobs]
    names = {str(loc.get("name") or "") for loc in locations if isinstance(loc, dict)}
    names.discard("")
    resolved = 0
    for name in names:
        places, remote = parse_places(name, [])
        resolved += bool(remote or any(p.country or p.region for p in places))
    assert len(names) > 50
    assert resolved / len(names) >= 0.9


def test_greenhouse_pay_blocks_parse(greenhouse_jobs: list[dict[str, object]]) -> None:
    blocks = [
        match.group(1)
        for job in greenhouse_jobs
        for match in PAY_RANGE.finditer(html.unescape(html.unescape(str(job.get("content") or ""))))
    ]
    assert blocks
    bands = [parse_salary_text(block) for block in blocks]
    assert all(band is not None and band.currency and band.min for band in bands), blocks
