"""Re-normalizing stored history (`tracker renormalize`) needs only stored values.

The lead's ``jobs.renormalize`` rebuilds a RawPosting from a stored version: title,
department, team, ``Place(raw=...)`` for each stored place, the stored remote flag, and the
stored native band as a structured salary. Under unchanged rules that must give back the same
Posting - otherwise every renormalize would rewrite history for nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tracker.domain import Place, Posting, RawPosting, SalaryBand, SourceRef
from tracker.normalize import evaluate, normalize, parse_places
from tracker.normalize import rebuilt as normalize_rebuilt

REF = SourceRef("greenhouse", "acme", "Acme", "acme", {"departments": ["Compute"]})
SEEN = datetime(2026, 4, 20, 6, 0, tzinfo=UTC)


def location_strings() -> list[str]:
    return [
        row["raw"]
        for path in evaluate.set_files()
        if evaluate.kind_of(path) == "locations"
        for row in evaluate.load_rows(path)
    ]


def rebuilt(posting: Posting) -> RawPosting:
    """What `tracker renormalize` feeds back into normalize() for a stored version."""
    return normalize_rebuilt(posting)


def test_places_reparse_from_their_raw_strings() -> None:
    changed = []
    for text in location_strings():
        places, _ = parse_places(text, ())
        again, _ = parse_places(None, [Place(raw=p.raw) for p in places])
        if [(p.city, p.country, p.region) for p in again] != [
            (p.city, p.country, p.region) for p in places
        ]:
            changed.append((text, places, again))
    assert changed == []


@pytest.mark.parametrize(
    ("title", "department", "location", "texts"),
    [
        ("Data Center Electrical Engineer", "Compute", "Tokyo, Japan",
         ("Annual Salary: $17,000,000 — $25,000,000 JPY",)),
        ("Account Executive", "Sales", "New York City, NY; San Francisco, CA | Seattle, WA", ()),
        ("Critical Facilities Technician", None, "Remote - US (Seattle, WA only)",
         ("$28 - $32 per hour",)),
        ("Site Acquisition Manager", "Real Estate", "Eemshaven | Clonee, Co. Meath | 3 Locations",
         ("Pay Range €61.000 — €72.000 EUR", "Pay Range $95,000 — $112,000 USD")),
        ("Capacity Planner", "Infrastructure", "US, CA, Santa Clara", ("170,600.00-227,400.00",)),
        ("Technical Program Manager - Dallas", "Operations", "Dallas, TX - Data Center", ()),
    ],
)  # fmt: skip
def test_normalize_is_stable_on_rebuilt_postings(
    title: str, department: str | None, location: str, texts: tuple[str, ...]
) -> None:
    raw = RawPosting("1", title, department=department, location_raw=location, salary_texts=texts)
    first = normalize(raw, REF, SEEN)
    again = normalize(rebuilt(first), REF, SEEN)
    if again.salary is not None and first.salary is not None:
        again = replace(again, salary=replace(again.salary, source=first.salary.source))
    assert again == first


def test_stored_band_without_currency_survives() -> None:
    band = SalaryBand(34.52, 46.0, None, "hour", "text")
    posting = normalize(RawPosting("1", "T", salaries=(band,)), REF, SEEN)
    assert posting.salary == band


def test_a_data_center_site_survives_renormalize() -> None:
    """The site label is the stored place's raw, so renormalize still sees it."""
    raw = RawPosting("1", "Technical Program Manager", location_raw="Dallas, TX - Data Center")
    first = normalize(raw, REF, SEEN)
    assert first.compute and first.category_rule == "place~data center"
    assert [p.raw for p in first.places] == ["Dallas, TX - Data Center"]
    assert normalize(rebuilt(first), REF, SEEN) == first
