"""Human formatting of pay bands: ``£225,000–£270,000 (≈ $297k–$356k)``. Pure."""

from __future__ import annotations

from tracker.domain import SalaryBand

SYMBOLS = {
    "USD": "$",
    "GBP": "£",
    "EUR": "€",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "AUD": "A$",
    "CAD": "CA$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "CNY": "CN¥",
    "PHP": "₱",
}
PERIOD_SUFFIX = {"year": "", "month": "/month", "week": "/week", "day": "/day", "hour": "/hour"}


def money(amount: float, currency: str | None) -> str:
    """``225000, "GBP"`` -> ``£225,000``; unknown currencies get a code prefix."""
    digits = f"{amount:,.0f}" if amount >= 100 or float(amount).is_integer() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(currency or "")
    if symbol:
        return f"{symbol}{digits}"
    return f"{currency} {digits}" if currency else digits


def short_usd(amount: float) -> str:
    """``296854`` -> ``$297k``."""
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}m"
    if amount >= 1000:
        return f"${amount / 1000:.0f}k"
    return f"${amount:,.0f}"


def band_text(band: SalaryBand | None, with_usd: bool = True) -> str:
    """A band for sentences and reports; empty string when there is none."""
    if band is None or (band.min is None and band.max is None):
        return ""
    text = range_text(band.min, band.max, band.currency)
    text += PERIOD_SUFFIX.get(band.period, "")
    if with_usd and band.currency not in (None, "USD") and band.min_usd is not None:
        usd_hi = band.max_usd if band.max_usd is not None else band.min_usd
        usd = short_usd(band.min_usd)
        if usd_hi != band.min_usd:
            usd += f"–{short_usd(usd_hi)}"
        text += f" (≈ {usd})"
    return text


def range_text(lo: float | None, hi: float | None, currency: str | None) -> str:
    """``€190,000–€228,000`` (one amount when both ends agree; empty when there is none)."""
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None and lo != hi:
        return f"{money(lo, currency)}–{money(hi, currency)}"
    return money(lo if lo is not None else hi or 0, currency)
