"""Pay statistics over groups of roles: medians and quartiles of pay bands. Pure.

What is compared: each role's **primary** band (the one ``roles`` shows), **annualised** with
fixed factors (a year of full-time work: 12 months, 52 weeks, 260 days, 2,080 hours), in USD at
the ECB rate of the observation date, and in the native currency when the whole group uses one
currency. Band minimum and band maximum are summarised separately (a band that publishes only
one bound counts in that bound's figures). Quartiles are linear interpolations between the
sorted values (``p = (n - 1) * q``; NumPy's default, Excel's ``PERCENTILE.INC``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.domain import SalaryBand

YEARLY: dict[str, int] = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
QUARTILES = (("p25", 0.25), ("p50", 0.5), ("p75", 0.75))


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values`` by linear interpolation; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def yearly(value: float | None, period: str | None) -> float | None:
    """``value`` per ``period`` as a yearly figure (None for an unknown period)."""
    if value is None:
        return None
    factor = YEARLY.get(period or "year")
    return None if factor is None else value * factor


def has_pay(band: SalaryBand | None) -> bool:
    return band is not None and (band.min is not None or band.max is not None)


def _spread(values: Sequence[float], prefix: str) -> dict[str, float | None]:
    return {f"{prefix}_{name}": _round(quantile(values, q)) for name, q in QUARTILES}


def _round(value: float | None) -> float | None:
    return None if value is None else float(round(value))


@dataclass
class PayGroup:
    """The roles of one group and their primary bands."""

    roles: int = 0
    bands: list[SalaryBand] = field(default_factory=list)

    def add(self, band: SalaryBand | None) -> None:
        self.roles += 1
        if band is not None and has_pay(band):
            self.bands.append(band)

    def stats(self) -> dict[str, Any]:
        """``roles``, ``with_pay``, USD quartiles of min and max, and native ones (one currency)."""
        bands = self.bands
        usd_min = [v for b in bands if (v := yearly(b.min_usd, b.period)) is not None]
        usd_max = [v for b in bands if (v := yearly(b.max_usd, b.period)) is not None]
        out: dict[str, Any] = {"roles": self.roles, "with_pay": len(bands)}
        out |= _spread(usd_min, "min_usd") | _spread(usd_max, "max_usd")
        currencies = {b.currency for b in bands}
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        out["currency"] = currency
        native_min = [v for b in bands if (v := yearly(b.min, b.period)) is not None]
        native_max = [v for b in bands if (v := yearly(b.max, b.period)) is not None]
        out |= _spread(native_min if currency else [], "min")
        out |= _spread(native_max if currency else [], "max")
        return out


def midpoint_usd(band: SalaryBand | None) -> float | None:
    """The yearly USD middle of a band (the one bound when only one is published)."""
    if band is None:
        return None
    low, high = yearly(band.min_usd, band.period), yearly(band.max_usd, band.period)
    bounds = [v for v in (low, high) if v is not None]
    return sum(bounds) / len(bounds) if bounds else None


def median_pay(bands: Iterable[SalaryBand | None]) -> dict[str, Any]:
    """For ``trend --metric pay``: ``with_pay``, the median yearly USD band middle, and the
    medians of band minimum and maximum."""
    found = [b for b in bands if has_pay(b)]
    middles = [v for b in found if (v := midpoint_usd(b)) is not None]
    lows = [v for b in found if b and (v := yearly(b.min_usd, b.period)) is not None]
    highs = [v for b in found if b and (v := yearly(b.max_usd, b.period)) is not None]
    return {
        "with_pay": len(found),
        "median_usd": _round(quantile(middles, 0.5)),
        "median_min_usd": _round(quantile(lows, 0.5)),
        "median_max_usd": _round(quantile(highs, 0.5)),
    }
