"""Pay that holds on unseen boards (issue 9): prose in every source's description, every band
with the right one first, market phrasings, and sanity per band. Expectations live in files:
tests/fixtures/pay/{expected,sanity}.csv (written by us), tests/data/salary_markets.csv."""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.normalize import normalize
from tracker.normalize.paysanity import primary_first, sane
from tracker.normalize.salary import pick_salaries
from tracker.sources import get_source
from tracker.sources.common import html_salary_lines, salary_lines

PAY = Path(__file__).resolve().parents[1] / "fixtures" / "pay"
SEEN = datetime(2026, 4, 15, tzinfo=UTC)
BOARDS = {"greenhouse": "greenhouse_prose", "ashby": "ashby_prose", "lever": "lever_prose"}


def _rows(name: str) -> list[dict[str, str]]:
    with (PAY / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _bands_text(bands: tuple[SalaryBand, ...]) -> str:
    return " | ".join(f"{b.min:.0f}-{b.max:.0f} {b.currency} {b.period}" for b in bands)


def _postings() -> dict[tuple[str, str], tuple[SalaryBand, ...]]:
    found = {}
    for ats, name in BOARDS.items():
        ref = SourceRef(ats, "acme", "Acme", "acme", {})
        payload = json.loads((PAY / f"{name}.json").read_text(encoding="utf-8"))
        for raw in get_source(ats).parse(payload, ref):
            found[(ats, raw.external_id)] = normalize(raw, ref, SEEN).salaries
    return found


POSTINGS = _postings()


@pytest.mark.parametrize("row", _rows("expected.csv"), ids=lambda r: f"{r['ats']}:{r['id']}")
def test_prose_pay_every_source(row: dict[str, str]) -> None:
    """Greenhouse content, Ashby descriptionPlain, Lever description and lists: every band,
    primary first (a London posting's pound band before its dollar band)."""
    assert _bands_text(POSTINGS[(row["ats"], row["id"])]) == row["bands"]


def test_primary_is_the_salary_and_usd_is_added() -> None:
    ref = SourceRef("greenhouse", "acme", "Acme", "acme", {})
    payload = json.loads((PAY / "greenhouse_prose.json").read_text(encoding="utf-8"))
    raws = {r.external_id: r for r in get_source("greenhouse").parse(payload, ref)}
    posting = normalize(raws["7"], ref, SEEN)
    assert posting.salary == posting.salaries[0]
    assert posting.salary is not None and posting.salary.currency == "GBP"
    assert posting.salary.label == "UK" and posting.salaries[1].label == "US"
    assert all(b.min_usd and b.max_usd for b in posting.salaries)
    assert posting.pay_lines == raws["7"].salary_texts


@pytest.mark.parametrize("row", _rows("sanity.csv"), ids=lambda r: r["rule"])
def test_sanity_per_band(row: dict[str, str]) -> None:
    band = SalaryBand(float(row["min"]), float(row["max"]), row["currency"], row["period"])
    got = sane(band)
    if not row["expect_max"]:
        assert got is None
        return
    assert got is not None
    want_min = float(row["expect_min"]) if row["expect_min"] else None
    want = (want_min, float(row["expect_max"]), row["expect_period"])
    assert (got.min, got.max, got.period) == want


def test_bad_band_never_fails_the_posting() -> None:
    """NaN, inf and 10^28 among good bands: the bad ones go, the posting keeps the good one."""
    raw = RawPosting(
        "1",
        "Data Center Technician",
        salaries=(
            SalaryBand(math.nan, math.inf, "USD", "year"),
            SalaryBand(1e28, 1e28, "USD", "year"),
            SalaryBand(90000, 110000, "USD", "year"),
        ),
        salary_texts=("Salary: $1e400",),
    )
    bands = pick_salaries(raw, SEEN)
    assert [(b.min, b.max) for b in bands] == [(90000, 110000)]


def test_primary_by_place_label_beats_currency() -> None:
    bands = [
        SalaryBand(150000, 180000, "USD", label="SF Bay Area"),
        SalaryBand(130000, 160000, "USD", label="Seattle"),
    ]
    seattle = Place("Seattle, WA", "Seattle", "US", "AMER")
    assert primary_first(bands, [seattle])[0].label == "Seattle"
    assert primary_first(bands, [Place("Remote")])[0].label == "SF Bay Area"


def test_pay_lines_from_html_convert_only_pay_blocks() -> None:
    html = "<h3>Compensation</h3><p>$150,000 &mdash; $200,000 USD</p><p>$500 learning budget</p>"
    assert html_salary_lines(html) == ["Compensation $150,000 — $200,000 USD"]
    assert html_salary_lines("<p>No money here, only 24/7 uptime.</p>") == []
    assert salary_lines(["Pay\nZone A: $150,000 - $180,000\nZone B: $135,000\nMore"]) == [
        "Pay Zone A: $150,000 - $180,000",
        "Pay Zone B: $135,000",
    ]


def test_primary_keeps_the_headline_when_several_bands_apply() -> None:
    """Ashby's "Multiple Ranges": a posting in San Francisco *and* Seattle, or in San Francisco
    and remote with a "Remote" tier, keeps the board's headline band first."""
    bands = [
        SalaryBand(297000, 495000, "USD"),
        SalaryBand(330000, 495000, "USD", label="San Francisco/San Jose"),
        SalaryBand(297000, 446000, "USD", label="Seattle"),
        SalaryBand(280000, 420000, "USD", label="Remote"),
    ]
    sf = Place("San Francisco, CA", "San Francisco", "US", "AMER")
    seattle = Place("Seattle, WA", "Seattle", "US", "AMER")
    assert primary_first(bands, [sf])[0].label == "San Francisco/San Jose"
    assert primary_first(bands, [sf, seattle])[0].label is None
    assert primary_first(bands, [sf], remote=True)[0].label is None
    office = Place("San Francisco, Seattle, California, Washington, United States", None, "US")
    assert primary_first(bands, [office])[0].label is None  # names two tiers
