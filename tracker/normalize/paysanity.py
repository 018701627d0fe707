"""Sanity rules per pay band, and which band comes first for a posting's places.

A band that cannot be pay is dropped, one that is wrong in an unambiguous way is fixed; the
posting (and its board) is always kept:

- an amount that is NaN, infinite, negative or zero is no amount; a band with none is dropped;
- ``min > max`` is swapped;
- an amount read as yearly that is an hourly figure (``$45`` "per year") becomes hourly, and a
  yearly figure read as hourly (``$150,000`` per hour) becomes yearly;
- a band whose yearly US-dollar worth is absurd (over $20M, or under $300: ``10^28 USD``,
  ``$3`` a year) is dropped, and so is a range whose max is more than 20 times its min (two
  figures of different kinds read as one range) - unless the min times 1,000 fits the range
  (``$160,00 - $190,000``: a typo'd thousands group), which is fixed.

Magnitudes are judged in US dollars at a recent ECB rate (``paytext._usd_rate``); a currency
without a rate is judged as if it were dollars only when that cannot wrongly drop it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from tracker.domain import Place, SalaryBand

PER_YEAR = {"year": 1.0, "month": 12.0, "week": 52.0, "day": 260.0, "hour": 2080.0}
MAX_YEARLY_USD = 20_000_000.0
MIN_YEARLY_USD = 300.0
MAX_SPREAD = 20.0
HOURLY_USD = (5.0, 500.0)  # a plausible hourly rate, in US dollars
_LABEL_PARTS = re.compile(r"[/,|;]| - ")

# The currency pay is quoted in, by ISO country (where a band's currency says which place it is).
COUNTRY_CURRENCY = {
    "US": "USD", "CA": "CAD", "GB": "GBP", "JP": "JPY", "AU": "AUD", "NZ": "NZD", "IN": "INR",
    "KR": "KRW", "SG": "SGD", "HK": "HKD", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK",
    "PL": "PLN", "CZ": "CZK", "IL": "ILS", "BR": "BRL", "MX": "MXN", "CN": "CNY", "TW": "TWD",
    "PH": "PHP", "MY": "MYR", "ID": "IDR", "TH": "THB", "ZA": "ZAR", "AE": "AED", "SA": "SAR",
    "TR": "TRY", "HU": "HUF", "RO": "RON",
    **dict.fromkeys(("AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT",
                     "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"), "EUR"),
}  # fmt: skip


def _value(amount: float | None) -> float | None:
    if amount is None or not math.isfinite(amount) or amount <= 0:
        return None
    return float(amount)


def _usd(amount: float, currency: str | None) -> float:
    from tracker.normalize.paytext import _usd_rate

    return amount * (_usd_rate(currency) if currency else 1.0)


def sane(band: SalaryBand) -> SalaryBand | None:
    """``band`` cleaned by the rules above, or None when it is no usable pay."""
    low, high = _value(band.min), _value(band.max)
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    if low is not None and high is not None and high > MAX_SPREAD * low:
        if not high / 5 <= low * 1000 <= high:
            return None
        low *= 1000  # "$160,00 - $190,000": a thousands group cut short
    top = high if high is not None else low
    assert top is not None
    usd = _usd(top, band.currency)
    period = band.period
    if period == "year" and usd * PER_YEAR["year"] < MIN_YEARLY_USD:
        if not HOURLY_USD[0] <= usd <= HOURLY_USD[1]:
            return None
        period = "hour"
    elif period == "hour" and usd >= 20_000:
        period = "year"
    yearly = usd * PER_YEAR.get(period, 1.0)
    if not MIN_YEARLY_USD <= yearly <= MAX_YEARLY_USD:
        return None
    return evolve(band, min=low, max=high, period=period)


def evolve(band: SalaryBand, **changes: Any) -> SalaryBand:
    """``dataclasses.replace(band, **changes)`` without its walk over the fields (a band has no
    ``__post_init__`` or init-only fields: a copy of its attributes is the same band)."""
    new = object.__new__(SalaryBand)
    new.__dict__.update(band.__dict__)
    new.__dict__.update(changes)
    return new


def sane_bands(bands: Sequence[SalaryBand]) -> list[SalaryBand]:
    """Every band that passes ``sane``, cleaned."""
    return [b for b in (sane(band) for band in bands) if b is not None]


def primary_first(
    bands: Sequence[SalaryBand], places: Sequence[Place], remote: bool = False
) -> list[SalaryBand]:
    """``bands`` with the one for the posting's places first (board order otherwise).

    A band fits a place best when its label names it (its city or country), then when it is in
    the place's currency ("US $180k-$220k; UK £120k-£150k" for a London posting: the pound
    band). A band must fit *every* place of the posting to move first: a posting in San
    Francisco and Seattle (or in San Francisco and remote, with a "Remote" band) keeps the
    board's headline band over the "San Francisco" tier. The board's first band stays first
    when it fits as well as any other.
    """
    if len(bands) < 2 or not places:
        return list(bands)
    if remote and any("remote" in (band.label or "").lower() for band in bands):
        return list(bands)  # the "Remote" band applies as well as the office's
    scores = [min(_fit(band, place) for place in places) for band in bands]
    best = max(range(len(bands)), key=lambda i: (scores[i], -i))
    if scores[best] <= scores[0] or scores.count(scores[best]) > 1:
        return list(bands)  # the first band fits as well, or several fit: the board's order
    return [bands[best], *(b for i, b in enumerate(bands) if i != best)]


def _fit(band: SalaryBand, place: Place) -> int:
    score = 0
    label = (band.label or "").lower()
    names = [n.lower() for n in (place.city, _country_name(place.country)) if n]
    parts = [p.strip() for p in _LABEL_PARTS.split(label) if len(p.strip()) > 2]
    if label and (
        any(name in label for name in names) or any(p in place.raw.lower() for p in parts)
    ):
        score += 2
    if place.country and band.currency == COUNTRY_CURRENCY.get(place.country):
        score += 1
    return score


def _country_name(code: str | None) -> str | None:
    return _name_of_country(code) if code else None


@cache
def _name_of_country(code: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "name", None) if country else None
