"""Choose a posting's pay bands and add US-dollar amounts.

Structured fields first: ``RawPosting.salaries`` (Greenhouse ``pay_input_ranges``, Lever
``salaryRange``, Ashby salary components), each usable when it has a currency and an amount.
Otherwise the text snippets in ``RawPosting.salary_texts`` (Greenhouse pay-transparency blocks,
Lever salary descriptions, Ashby summaries) are read by ``paytext.parse_bands``.

A posting can publish several bands (Greenhouse "SF Bay Area" and "all other locations" blocks,
Ashby tiers): ``pick_salaries`` keeps each, in board order, with its ``label``; the first is the
**primary** band, which ``pick_salary`` returns (and ``Posting.salary`` stores). Amounts stay in
the native currency; ``min_usd``/``max_usd`` use the ECB rate of the observation date
(``fx.to_usd``: nearest earlier published rate when that day has none).

``band_from_mapping`` reads the structured shapes ATSs use, for sources that hand over raw
objects (and for the evaluation sets).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from tracker.domain import PERIODS, Place, RawPosting, SalaryBand
from tracker.normalize.fx import to_usd
from tracker.normalize.paysanity import evolve, primary_first, sane_bands
from tracker.normalize.paytext import (
    LABEL_SEP,
    iso_currencies,
    parse_bands,
    parse_number,
    parse_salary_text,
    plain_text,
)

__all__ = [
    "LABEL_SEP",
    "band_from_mapping",
    "parse_bands",
    "parse_number",
    "parse_salary_text",
    "pick_salaries",
    "pick_salary",
    "plain_text",
    "with_usd",
]

_INTERVALS = (
    ("hour", ("hour", "hourly")),
    ("day", ("day", "daily")),
    ("week", ("week",)),
    ("month", ("month",)),
    ("year", ("year", "annual", "annually", "salary")),
)


def pick_salary(
    raw: RawPosting, observed_at: datetime | date, places: Sequence[Place] = ()
) -> SalaryBand | None:
    """The posting's primary pay band with ``min_usd``/``max_usd`` at ``observed_at``."""
    bands = pick_salaries(raw, observed_at, places, bool(raw.remote))
    return bands[0] if bands else None


def pick_salaries(
    raw: RawPosting,
    observed_at: datetime | date,
    places: Sequence[Place] = (),
    remote: bool = False,
) -> list[SalaryBand]:
    """Every published band that passes the sanity rules, primary first, with US dollars.

    Structured bands with a currency win outright; otherwise text bands with a currency, then
    currency-less bands (structured, then text: a bare ``170,600.00-227,400.00``). The primary
    band is the one for the posting's first place (``paysanity.primary_first``).
    """
    structured = sane_bands([tidy(b) for b in raw.salaries if _has_amount(b)])
    priced = [b for b in structured if b.currency]
    if priced:
        bands = priced
    else:
        found = [band for text in raw.salary_texts for band in _sane_text_bands(text)]
        bands = [b for b in found if b.currency] + structured + [b for b in found if not b.currency]
    unique: list[SalaryBand] = []
    for band in bands:
        if band not in unique:
            unique.append(band)
    day = observed_at.date() if isinstance(observed_at, datetime) else observed_at
    return [_with_usd(band, day) for band in primary_first(unique, places, remote)]


@lru_cache(maxsize=4096)
def _sane_text_bands(text: str) -> tuple[SalaryBand, ...]:
    """``sane_bands(parse_bands(text))``: the sane bands of one pay snippet (memoized: both
    steps depend on the snippet alone, and a board repeats its snippets)."""
    return tuple(sane_bands(parse_bands(text)))


@lru_cache(maxsize=4096)
def _with_usd(band: SalaryBand, day: date) -> SalaryBand:
    """:func:`with_usd` (memoized: many postings share a band and an observation day)."""
    return with_usd(band, day)


def _has_amount(band: SalaryBand) -> bool:
    return band.min is not None or band.max is not None


def tidy(band: SalaryBand) -> SalaryBand:
    """Upper-case ISO currency (else None), a known period, ``min <= max``, a tidy label."""
    low, high = band.min, band.max
    if low is not None and high is not None and low > high:
        low, high = high, low
    period = band.period if band.period in PERIODS else "year"
    currency = band.currency.strip().upper() if band.currency else None
    if currency not in iso_currencies():
        currency = None
    label = band.label.strip().rstrip(":").strip() if band.label else None
    return replace(band, min=low, max=high, currency=currency, period=period, label=label or None)


def with_usd(band: SalaryBand, observed_at: datetime | date) -> SalaryBand:
    """``band`` with its amounts in whole US dollars at the ECB rate of the observation date."""
    day = observed_at.date() if isinstance(observed_at, datetime) else observed_at
    return evolve(
        band,
        min_usd=to_usd(band.min, band.currency, day),
        max_usd=to_usd(band.max, band.currency, day),
    )


def _amount(value: Any) -> float | None:
    """A finite, non-negative amount from a JSON number or a numeric string, else None."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        number = parse_number(value.strip())
    if number is None or not math.isfinite(number) or number < 0:
        return None
    return number


def interval_period(value: Any) -> str | None:
    """``per-year-salary`` / ``1 HOUR`` / ``MONTHLY`` / ``year`` -> a period; None if unknown."""
    text = str(value or "").strip().lower()
    for period, needles in _INTERVALS:
        if any(needle in text for needle in needles):
            return period
    return None


def band_from_mapping(data: Mapping[str, Any]) -> SalaryBand | None:
    """A structured band from an ATS object, or None when it carries no salary.

    Greenhouse ``{min_cents, max_cents, currency_type, title}``, Lever ``{min, max, currency,
    interval}``, SmartRecruiters/Recruitee ``{min, max, currency, period}``, Ashby
    ``{compensationType, interval, currencyCode, minValue, maxValue}`` (salary components only).
    """
    kind = data.get("compensationType")
    if kind is not None and str(kind).lower() != "salary":
        return None
    if "min_cents" in data or "max_cents" in data:
        low, high = _amount(data.get("min_cents")), _amount(data.get("max_cents"))
        low, high = (v / 100 if v is not None else None for v in (low, high))
    else:
        low = _amount(data.get("min", data.get("minValue")))
        high = _amount(data.get("max", data.get("maxValue")))
    currency = data.get("currency") or data.get("currency_type") or data.get("currencyCode")
    if (low is None and high is None) or not isinstance(currency, str):
        return None
    period = interval_period(data.get("interval") or data.get("period")) or "year"
    label = data.get("title") if isinstance(data.get("title"), str) else None
    band = SalaryBand(low, high, currency, period, "structured", label=label)
    band = tidy(band)
    return band if band.currency else None
