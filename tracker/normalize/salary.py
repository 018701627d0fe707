"""Choose a posting's pay band and convert it to US dollars (first pass).

``pick_salary`` takes the first structured band (``RawPosting.salaries``) that has a currency and
an amount; otherwise it parses ``RawPosting.salary_texts``, which the source parsers fill with
pay snippets such as Greenhouse pay-transparency blocks::

    Annual Salary: ‖ $222,800 — $290,000 USD
    £225,000—£270,000 GBP
    France Annual Pay Range ‖ €61.000 — €72.000 EUR

Text rules: an ISO code after the max wins over symbols; ``$ £ € ¥ ₹ ₩ ₱`` and prefixed
dollars (``CA$``, ``A$``, ``S$``) give the currency otherwise; ``61.000`` is sixty-one thousand
(EU grouping) and ``172.5K`` is 172,500; the period comes from the first period word
("annual", "hour", "/day", ...), else ``hour`` for amounts under 1,000 and ``year`` above.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from itertools import pairwise

import pycountry

from tracker.domain import PERIODS, RawPosting, SalaryBand
from tracker.normalize.fx import to_usd

LABEL_SEP = "‖"
_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW", "₱": "PHP"}
_DOLLAR_PREFIX = {
    "US": "USD", "CA": "CAD", "C": "CAD", "A": "AUD", "AU": "AUD", "NZ": "NZD",
    "S": "SGD", "SG": "SGD", "HK": "HKD", "MX": "MXN", "R": "BRL",
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?:(?<![A-Za-z])(?P<pre>[A-Z]{3})\s?)?"
    r"(?P<sym>(?<![A-Za-z])[A-Z]{1,2}\$|[$£€¥₹₩₱])?\s?"
    r"(?P<num>\d(?:[\d.,]*\d)?)"
    r"(?:\s?(?P<mult>[kKmM])(?![A-Za-z]))?"
    r"(?:\s?(?P<post>[A-Z]{3})(?![A-Za-z]))?"
)
_PERIOD_WORDS = (
    ("hour", r"hour|hourly|hr"),
    ("day", r"day|daily|per diem"),
    ("week", r"week|weekly"),
    ("month", r"month|monthly|mo"),
    ("year", r"year|yearly|annual|annually|annum|yr"),
)
_PERIOD = re.compile(
    "|".join(rf"(?P<{name}>(?<![A-Za-z])(?:{words})(?![A-Za-z]))" for name, words in _PERIOD_WORDS),
    re.IGNORECASE,
)
_PERIOD_SUFFIX = r"(?:\s*(?:/|per|a|an)?\s*(?:year|yr|annum|hour|hr|month|week|day))?"
_RANGE_GAP = re.compile(rf"^{_PERIOD_SUFFIX}\s*(?:[-–—~]|to|and|until)\s*$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(
    r"^.{0,100}\b(?:range|salary|pay|compensation|earnings|rate)\s*:?\s*$", re.IGNORECASE
)
_MOJIBAKE_A = re.compile("\u00c2(?=[£€¥\u00a0])")  # UTF-8 read as cp1252: "Â£61,100"


@cache
def iso_currencies() -> frozenset[str]:
    """Every ISO 4217 code pycountry knows."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def pick_salary(raw: RawPosting, observed_at: datetime | date) -> SalaryBand | None:
    """The posting's pay band with ``min_usd``/``max_usd`` at the ECB rate of ``observed_at``."""
    band = next((b for b in raw.salaries if _usable(b)), None)
    if band is not None:
        band = _tidy(band)
    else:
        band = next((b for b in map(parse_salary_text, raw.salary_texts) if b), None)
    return with_usd(band, observed_at) if band else None


def _usable(band: SalaryBand) -> bool:
    return bool(band.currency) and (band.min is not None or band.max is not None)


def _tidy(band: SalaryBand) -> SalaryBand:
    """Upper-case currency, a known period, and ``min <= max``."""
    low, high = band.min, band.max
    if low is not None and high is not None and low > high:
        low, high = high, low
    period = band.period if band.period in PERIODS else "year"
    currency = band.currency.strip().upper() if band.currency else None
    return replace(band, min=low, max=high, currency=currency, period=period)


def with_usd(band: SalaryBand, observed_at: datetime | date) -> SalaryBand:
    """``band`` with its amounts converted to whole US dollars on the observation date."""
    day = observed_at.date() if isinstance(observed_at, datetime) else observed_at
    return replace(
        band,
        min_usd=to_usd(band.min, band.currency, day),
        max_usd=to_usd(band.max, band.currency, day),
    )


def plain_text(text: str) -> str:
    """Unescape (twice: Greenhouse double-escapes), drop tags, collapse whitespace."""
    text = _MOJIBAKE_A.sub("", html.unescape(html.unescape(text)))
    return " ".join(_TAG.sub(" ", text).split())


def parse_salary_text(text: str) -> SalaryBand | None:
    """A band from one pay snippet, or None when it names no amount with a currency.

    The label is the text before ``‖``, or a short heading before the amounts that ends in
    a pay word ("Canada Annual Pay Range", "Annual Salary:").

    >>> parse_salary_text("£225,000 — £270,000 GBP").max
    270000.0
    """
    clean = plain_text(text)
    label, _, body = clean.rpartition(LABEL_SEP) if LABEL_SEP in clean else ("", "", clean)
    amounts = [m for m in _AMOUNT.finditer(body) if _value(m) is not None]
    found = _first_range(body, amounts) or _first_single(amounts)
    if found is None:
        return None
    low, high, currency, start = found
    if not label and _HEADING.search(body[:start]):
        label = body[:start]
    return SalaryBand(
        min=min(low, high),
        max=max(low, high),
        currency=currency,
        period=detect_period(clean, high),
        source="text",
        label=label.strip().rstrip(":").strip() or None,
    )


Found = tuple[float, float, str, int]  # min, max, currency, where the amounts start


def _first_range(body: str, amounts: list[re.Match[str]]) -> Found | None:
    for first, second in pairwise(amounts):
        if not _RANGE_GAP.match(body[first.end() : second.start()]):
            continue
        currency = _currency(second, first)
        low, high = _value(first), _value(second)
        if currency and low is not None and high is not None:
            low, high = _shared_multiplier(first, low, second, high)
            return low, high, currency, first.start()
    return None


def _first_single(amounts: list[re.Match[str]]) -> Found | None:
    for match in amounts:
        currency, value = _currency(match), _value(match)
        if currency and value is not None:
            return value, value, currency, match.start()
    return None


def _shared_multiplier(
    first: re.Match[str], low: float, second: re.Match[str], high: float
) -> tuple[float, float]:
    """``$120-300K``: a K on the max applies to a small min too."""
    if second.group("mult") and not first.group("mult") and low < 1000:
        low *= _MULTIPLIERS[second.group("mult").lower()]
    return low, high


_MULTIPLIERS = {"k": 1_000.0, "m": 1_000_000.0}


def _currency(*matches: re.Match[str]) -> str | None:
    """ISO code after the amount > ISO code before > symbol, over the given matches in order."""
    codes = iso_currencies()
    for group in ("post", "pre"):
        for match in matches:
            code = match.group(group)
            if code and code in codes:
                return str(code)
    for match in matches:
        symbol = match.group("sym")
        if symbol:
            return _DOLLAR_PREFIX.get(symbol[:-1], "USD") if len(symbol) > 1 else _SYMBOLS[symbol]
    return None


def _value(match: re.Match[str]) -> float | None:
    number = parse_number(match.group("num"))
    mult = match.group("mult")
    if number is None:
        return None
    return number * _MULTIPLIERS[mult.lower()] if mult else number


def parse_number(text: str) -> float | None:
    """``222,800`` / ``61.000`` (EU grouping) / ``172.5`` / ``1.234,50`` -> float."""
    if "," in text and "." in text:
        cut = max(text.rfind(","), text.rfind("."))
        whole = re.sub(r"[.,]", "", text[:cut])
        return float(f"{whole}.{text[cut + 1 :]}")
    for sep in (",", "."):
        if sep in text:
            groups = text.split(sep)
            if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                return float("".join(groups))
            return float(".".join(groups)) if len(groups) == 2 else None
    return float(text)


def detect_period(text: str, amount: float) -> str:
    """The first period word in ``text``; else ``hour`` below 1,000 and ``year`` otherwise."""
    match = _PERIOD.search(text)
    if match and match.lastgroup:
        return match.lastgroup
    return "hour" if amount < 1000 else "year"
