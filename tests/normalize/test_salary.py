"""pick_salary / pick_salaries and the pay-text parser.

Per-phrasing expectations are in tests/data/salary_*.csv (test_eval_sets.py); these tests pin
band selection, several bands per posting, US-dollar conversion and the parser's building blocks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain import RawPosting, SalaryBand
from tracker.normalize.fx import to_usd
from tracker.normalize.paytext import parse_bands
from tracker.normalize.salary import (
    band_from_mapping,
    parse_number,
    parse_salary_text,
    pick_salaries,
    pick_salary,
)

NOV = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def raw(salaries: tuple[SalaryBand, ...] = (), texts: tuple[str, ...] = ()) -> RawPosting:
    return RawPosting(external_id="1", title="T", salaries=salaries, salary_texts=texts)


def test_full_band_values() -> None:
    band = parse_salary_text("Annual Salary: ‖ $222,800 — $290,000 USD")
    assert band == SalaryBand(222_800, 290_000, "USD", "year", "text", None, None, "Annual Salary")


def test_escaped_greenhouse_markup_and_mojibake() -> None:
    escaped = (
        "&lt;span&gt;$222,800&lt;/span&gt;&lt;span class=&quot;divider&quot;&gt;&amp;mdash;"
        "&lt;/span&gt;&lt;span&gt;$290,000 USD&lt;/span&gt;"
    )
    band = parse_salary_text(escaped)
    assert band is not None and (band.min, band.max, band.currency) == (222_800, 290_000, "USD")
    band = parse_salary_text("London ‖ Â£61,100 — Â£75,200 GBP")
    assert band is not None and (band.min, band.max, band.currency) == (61_100, 75_200, "GBP")


def test_greenhouse_block_as_the_source_joins_it() -> None:
    """The Greenhouse parser joins title and range with a space; the heading is the label."""
    text = (
        "For all other work locations (including remote), the base salary range for this role "
        "is: $177,000 — $250,300 USD"
    )
    band = parse_salary_text(text)
    assert band is not None and (band.min, band.max) == (177_000, 250_300)
    assert band.label == (
        "For all other work locations (including remote), the base salary range for this role is"
    )
    assert parse_salary_text("Canada Annual Pay Range $67,000 — $79,000 CAD") == SalaryBand(
        67_000, 79_000, "CAD", "year", "text", label="Canada Annual Pay Range"
    )


def test_several_bands_in_one_snippet_are_each_kept() -> None:
    bands = parse_bands(
        "Target base salary for this position ranges from $73,788/year to $83,076/year in "
        "Raleigh and ranges from $85,800/year to 96,600/year in San Francisco and New York."
    )
    assert [(b.min, b.max, b.currency) for b in bands] == [
        (73_788, 83_076, "USD"),
        (85_800, 96_600, "USD"),
    ]
    bands = parse_bands("$300 - $425/Day ($21.43 - $30.35 per hour)")
    assert [(b.min, b.max, b.period) for b in bands] == [(300, 425, "day"), (21.43, 30.35, "hour")]


@pytest.mark.parametrize(
    "text",
    ["Zone 1 to Zone 4", "", "Competitive pay and equity", "2025-2026", "4.5% pension",
     "$1,000 monthly stipend", "401(k) match up to $6,000 per year", "Signing bonus: $10,000"],
)  # fmt: skip
def test_text_without_pay(text: str) -> None:
    assert parse_salary_text(text) is None
    assert parse_bands(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("222,800", 222_800), ("61.000", 61_000), ("172.5", 172.5), ("1.234,50", 1234.5),
     ("34,52", 34.52), ("2,590,000", 2_590_000), ("309000", 309_000), ("1.2.3", None),
     ("25,00,000", 2_500_000), ("120'000", 120_000), ("120’000", 120_000),
     ("60 000", 60_000), ("170,600.00", 170_600)],
)  # fmt: skip
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_structured_band_wins_and_is_tidied() -> None:
    structured = SalaryBand(min=290_000, max=222_800, currency="usd", period="fortnight")
    band = pick_salary(raw((structured,), ("£1 — £2 GBP",)), NOV)
    assert band == SalaryBand(222_800, 290_000, "USD", "year", "structured", 222_800, 290_000)


def test_structured_band_needs_currency_and_an_amount() -> None:
    unusable = (SalaryBand(None, None, "USD"), SalaryBand(100, 200, None))
    band = pick_salary(raw(unusable, ("$100,000 — $120,000 USD",)), NOV)
    assert band is not None and band.source == "text" and band.min_usd == 100_000
    one_sided = SalaryBand(None, 150_000, "USD", "year")
    assert pick_salary(raw((one_sided,)), NOV) == SalaryBand(
        None, 150_000, "USD", "year", "structured", None, 150_000
    )


def test_currency_less_band_is_kept_last() -> None:
    """A stored band without currency survives `tracker renormalize` (structured input)."""
    bare = SalaryBand(170_600, 227_400, None, "year", "text")
    assert pick_salary(raw((bare,)), NOV) == bare
    band = pick_salary(raw(texts=("170,600.00-227,400.00",)), NOV)
    assert band is not None and (band.min, band.currency, band.min_usd) == (170_600, None, None)


def test_every_greenhouse_block_is_kept_and_the_first_is_primary() -> None:
    texts = (
        "For work locations in the San Francisco Bay Area, Seattle, New York City, and Los "
        "Angeles, the base salary range for this role is: $196,000 — $278,100 USD",
        "For all other work locations (including remote), the base salary range for this role "
        "is: $177,000 — $250,300 USD",
    )
    bands = pick_salaries(raw(texts=texts), NOV)
    assert [(b.min, b.max) for b in bands] == [(196_000, 278_100), (177_000, 250_300)]
    assert all(b.label and b.label.startswith("For ") for b in bands)
    assert pick_salary(raw(texts=texts), NOV) == bands[0]
    structured = (
        SalaryBand(100, 200, "USD", label="Annual Salary:"),
        SalaryBand(300, 400, "CAD", label="Canada"),
    )
    bands = pick_salaries(raw(structured, texts), NOV)
    assert [(b.currency, b.label) for b in bands] == [("USD", "Annual Salary"), ("CAD", "Canada")]


def test_no_salary() -> None:
    assert pick_salary(raw(), NOV) is None
    assert pick_salaries(raw(texts=("Benefits: great team",)), NOV) == []


def test_native_currency_kept_and_usd_added_at_the_observation_date() -> None:
    band = pick_salary(raw(texts=("Annual Salary: ‖ £225,000 — £270,000 GBP",)), NOV)
    assert band is not None and (band.min, band.max, band.currency) == (225_000, 270_000, "GBP")
    assert band.min_usd == to_usd(225_000, "GBP", NOV)
    assert band.max_usd == to_usd(270_000, "GBP", NOV)
    assert band.min_usd is not None and 250_000 < band.min_usd < 350_000
    assert band.min_usd == round(band.min_usd)


def test_observed_at_may_be_a_date() -> None:
    band = pick_salary(raw(texts=("$1,000 — $2,000 USD monthly",)), date(2026, 4, 20))
    assert band is not None and (band.period, band.min_usd, band.max_usd) == ("month", 1000, 2000)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"min_cents": 22280000, "max_cents": 29000000, "currency_type": "USD",
          "title": "Annual Salary:"},
         SalaryBand(222_800, 290_000, "USD", "year", "structured", label="Annual Salary")),
        ({"min": 34, "max": 47, "currency": "USD", "period": "HOURLY"},
         SalaryBand(34, 47, "USD", "hour", "structured")),
        ({"compensationType": "EquityCashValue", "minValue": 1, "maxValue": 2,
          "currencyCode": "USD"}, None),
        ({"min": 10, "max": 20, "currency": "ZZZ"}, None),
        ({"min": "120,000", "max": "150,000", "currency": "EUR", "period": "year"},
         SalaryBand(120_000, 150_000, "EUR", "year", "structured")),
    ],
)  # fmt: skip
def test_band_from_mapping(data: dict[str, object], expected: SalaryBand | None) -> None:
    assert band_from_mapping(data) == expected
