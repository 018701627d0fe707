"""Read pay bands out of free text: ``"Canada Annual Pay Range ‖ $67,000 — $79,000 CAD"``.

One snippet can hold several bands ("... $73,788/year to $83,076/year in Raleigh and ranges
from $85,800/year to 96,600/year in San Francisco"); ``parse_bands`` returns each, in order.

- **Amounts**: ``222,800`` / ``61.000`` (EU) / ``120'000`` and ``120’000.–`` (Swiss) /
  ``25,00,000`` (Indian lakh grouping) / ``60 000`` (space grouping) / ``172.5`` / ``34,52``;
  multipliers ``K``, ``M``, ``million``, ``thousand``, ``lakh``/``LPA``, ``crore``, ``万``.
- **Currency**: an ISO 4217 code before or after an amount (``SGD 115K``, ``$79,000 CAD``) beats
  a symbol (``$ US$ CA$ C$ A$ AU$ NZ$ HK$ S$ NT$ MX$ R$ £ € ¥ ₹ ₩ ₱ ₪ ₺ 円 元 CHF``); the two ends
  of a range share theirs; a snippet that is nothing but a range (``170,600.00-227,400.00``)
  keeps a null currency.
- **Ranges**: ``-`` ``–`` ``—`` ``−`` ``~`` ``〜`` "to" "and" "through" "bis" "à"; the ``K`` of the
  max applies to a bare min (``$120K-300K``); ``up to X`` -> (None, X); ``from X``/``X+`` ->
  (X, None); a single figure -> (X, X).
- **Period**: the period words right after the band (``/year``, ``per hour``, ``gross monthly``,
  ``brutto/Jahr``), else the nearest before it in the same sentence (``Hourly Rate:``,
  ``Annual Salary``), else the size of the amount.
- **Not pay**: an amount in a clause about a stipend, allowance, 401(k), equity/RSUs, a bonus,
  relocation or a budget - with no pay word in that clause - is skipped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from functools import cache

import pycountry

from tracker.domain import SalaryBand

LABEL_SEP = "‖"
_DOLLARS = {
    "US": "USD", "CA": "CAD", "C": "CAD", "A": "AUD", "AU": "AUD", "NZ": "NZD", "HK": "HKD",
    "S": "SGD", "SG": "SGD", "NT": "TWD", "MX": "MXN", "R": "BRL",
}  # fmt: skip
_SYMBOLS = {
    "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "円": "JPY", "元": "CNY", "₹": "INR",
    "₩": "KRW", "₱": "PHP", "₪": "ILS", "₺": "TRY", "CHF": "CHF", "RS": "INR", "RS.": "INR",
    "RMB": "CNY",
}  # fmt: skip
_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "million": 1e6, "万": 1e4,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "lpa": 1e5, "crore": 1e7, "crores": 1e7,
    "cr": 1e7,
}  # fmt: skip
_SYM = r"(?:US|CA|C|AU|A|NZ|HK|SG|S|NT|MX|R)\$|\$|£|€|¥|₹|₩|₱|₪|₺|CHF|RMB|Rs\.?"
_NUM = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?"  # Indian: 25,00,000
    r"|\d{1,3}(?P<sep>[,.'’])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d{1,2}(?!\d))?"  # 1,234,567.89
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d.,])"  # 60 000
    r"|\d+(?:[.,]\d+)?"
)
_AMOUNT = re.compile(
    rf"(?:(?P<code1>\b[A-Z]{{3}})\s?)?(?:(?P<sym1>{_SYM})\s?)?(?<![\w.,])(?P<num>{_NUM})"
    r"(?![.,]?\d)"
    r"(?:\s?(?P<mult>[kK]|MM|mm|[mM](?![a-z])|mn|(?i:million|thousand|lakhs?|lacs?|lpa|crores?)"
    r"|cr|万)(?![A-Za-z]))?"
    r"(?:\s?(?P<sym2>€|円|元|£|\$))?(?:\s?(?P<code2>[A-Z]{3})(?![A-Za-z]))?"
    r"(?P<plus>\+)?(?!\s?%)"
)
_RANGE_WORDS = r"-|~|to|and|until|through|thru|till|bis|à|a|al|hasta|até|tot"
_PERIOD_SUFFIX = (
    r"(?:\s*(?:/|per|a|an)?\s*(?:year|yr|annum|annually|hour|hr|hourly|month|mo|week|wk|day))?"
)
_RANGE_GAP = re.compile(rf"^{_PERIOD_SUFFIX}\s*(?:{_RANGE_WORDS})\s*$", re.IGNORECASE)
_PERIOD_WORDS = {
    "hour": r"hour|hourly|hr|hrs|stunde|heure|hora|uur|時給",
    "day": r"day|daily|pro tag|par jour|por día|por dia|日給",
    "week": r"week|weekly|wk|woche|semaine|semana",
    "month": r"month|monthly|months|mo|monat|monatlich|mois|mensuel|mensuelle|mes|mensual"
    r"|mensuales|mês|mensal|maand|maandelijks|månad|月給|月収",
    "year": r"year|yearly|yr|annual|annually|annum|annualized|jahr|jährlich|par an|année|annuel"
    r"|annuelle|año|anual|ano|jaar|jaarlijks|år|lpa|年収|年俸",
}
_PERIOD = re.compile(
    "|".join(
        rf"(?P<{name}>(?<![A-Za-zÀ-ÿ])(?:{words})(?![A-Za-zÀ-ÿ]))"
        for name, words in _PERIOD_WORDS.items()
    ),
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^[\s/]*(?:(?:(?-i:[A-Z]{3})|per|a|an|por|im|en|gross|brutto|bruto|base|salary|each)"
    r"(?![A-Za-z])[\s/.]*){0,3}",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.;!?](?:\s|$)|[•|()\[\]\n]|\s\+\s?|,\s(?=[A-Za-z])")
_NOT_PAY = re.compile(
    r"stipend|allowance|40[13][kb]|equity|rsus?\b|stock|shares|bonus|relocation|reimburse"
    r"|budget|per diem|credit|discount|referral|pension|superannuation|vacation|insurance",
    re.IGNORECASE,
)
_PAY = re.compile(
    r"salary|salaries|\bpay\b|wage|compensation|earnings|\bote\b|\bbase\b|\brate\b|range"
    r"|income|remuneration|gehalt|salaire|sueldo|salário|年収|月給|時給",
    re.IGNORECASE,
)
_UPPER_ONLY = re.compile(r"(?:\bup\s+to|\bmax(?:imum)?|\bnot\s+to\s+exceed)\W*$", re.IGNORECASE)
_LOWER_ONLY = re.compile(
    r"(?:\bfrom|\bstarting(?:\s+(?:at|from))?|\bat\s+least|\bmin(?:imum)?)\W*$", re.IGNORECASE
)
_LABEL_TRIM = re.compile(
    r"(?:\s|[-–—:~]|\b(?:up\s+to|from|starting(?:\s+at)?|between|of|approx(?:imately)?|about"
    r"|around|is|at|est\.?)\b)+$",
    re.IGNORECASE,
)
_LABEL_END = re.compile(r"(?:range|salary|pay|compensation|earnings|rate|ote)$", re.IGNORECASE)
_BARE_RANGE = re.compile(r"^\s*[\d.,'’ ]+\s*[-–—~]\s*[\d.,'’ ]+\s*$")
_MOJIBAKE = {"Â£": "£", "Â¥": "¥", "Â\u00a0": " ", "â‚¬": "€", "â€“": "–", "â€”": "—"}
_DASHES = str.maketrans({c: "-" for c in "–—‒―−"} | {"〜": "~", "～": "~", "\u00a0": " "})
_SWISS_DASH = re.compile(r"(?<=\d)\.[-–—]")
_TAG = re.compile(r"<[^>]+>")
_RETIREMENT = re.compile(r"\b(40[13])\s?\(([kb])\)", re.IGNORECASE)


@cache
def iso_currencies() -> frozenset[str]:
    """Every ISO 4217 code pycountry knows."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@dataclass(frozen=True)
class Amount:
    """One amount found in the text, with its currency (if marked) and effective span."""

    value: float
    currency: str | None
    start: int
    end: int
    factor: float
    plus: bool
    coded: bool = False  # the currency came from an ISO code, which beats any symbol


def plain_text(text: str) -> str:
    """Unescape (twice: Greenhouse double-escapes), drop tags, repair mojibake, tidy spaces."""
    text = html.unescape(html.unescape(text))
    for bad, good in _MOJIBAKE.items():
        text = text.replace(bad, good)
    text = _TAG.sub(" ", text)
    return " ".join(text.split())


def parse_number(text: str) -> float | None:
    """``222,800`` / ``61.000`` / ``120'000`` / ``25,00,000`` / ``172.5`` / ``34,52`` -> float."""
    text = re.sub(r"[ '’\u00a0\u202f\u2009]", "", text)
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?", text):
        return float(text.replace(",", ""))
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
    return float(text) if text.isdigit() else None


def _currency_of(match: re.Match[str]) -> tuple[str | None, int, int, bool]:
    """(ISO currency, effective start, effective end): codes beat symbols, codes must be ISO."""
    codes = iso_currencies()
    start, end = match.start(), match.end()
    code1, code2 = match.group("code1"), match.group("code2")
    if code1 and code1 not in codes:
        code1, start = None, match.start("sym1") if match.group("sym1") else match.start("num")
    if code2 and code2 not in codes:
        code2, end = None, match.start("code2")
        while end > start and match.string[end - 1].isspace():
            end -= 1
    if code2 or code1:
        return code2 or code1, start, end, True
    for group in ("sym1", "sym2"):
        symbol = match.group(group)
        if symbol:
            return _symbol_currency(symbol), start, end, False
    return None, start, end, False


def _symbol_currency(symbol: str) -> str:
    if symbol.endswith("$") and len(symbol) > 1:
        return _DOLLARS.get(symbol[:-1].upper(), "USD")
    return _SYMBOLS[symbol.upper()]


def find_amounts(body: str) -> list[Amount]:
    """Every amount in ``body`` (already plain text), in order."""
    found = []
    for match in _AMOUNT.finditer(body):
        number = parse_number(match.group("num"))
        if number is None:
            continue
        mult = match.group("mult")
        factor = _MULTIPLIERS[mult.lower()] if mult else 1.0
        currency, start, end, coded = _currency_of(match)
        plus = bool(match.group("plus"))
        found.append(Amount(number * factor, currency, start, end, factor, plus, coded))
    return found


def _clause_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``body[start:end]``: between sentence, bullet or paren breaks."""
    left = max((m.end() for m in _CLAUSE.finditer(body, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(body, end)), len(body))
    return left, right


def _is_pay(body: str, start: int, end: int) -> bool:
    """False for an amount in a clause about perks (stipend, 401(k), equity...) only."""
    left, right = _clause_bounds(body, start, end)
    clause = body[left:right]
    return not (_NOT_PAY.search(clause) and not _PAY.search(clause))


def detect_period(body: str, start: int, end: int, high: float | None) -> str:
    """Period words right after the band, else the nearest before it, else by magnitude."""
    after = body[end : end + 60]
    lead = _FILLER.match(after)
    found = _PERIOD.match(after, lead.end() if lead else 0)
    if found and found.lastgroup:
        return found.lastgroup
    left, _ = _clause_bounds(body, start, end)
    sentence_start = max((m.end() for m in re.finditer(r"[.!?]\s", body[:start])), default=0)
    before = list(_PERIOD.finditer(body, min(left, sentence_start), start))
    if before and before[-1].lastgroup:
        return before[-1].lastgroup
    return _period_by_size(high)


def _period_by_size(amount: float | None) -> str:
    if amount is None or amount >= 20_000:
        return "year"
    if amount < 200:
        return "hour"
    return "day" if amount < 1_500 else "month"


def _label(prefix: str) -> str | None:
    """A heading before the amounts: "Annual Salary:", "Canada Annual Pay Range", "OTE"."""
    text = prefix.strip()
    colon = text.endswith(":")
    text = _LABEL_TRIM.sub("", text).strip(" -–—:•,")
    if not text or len(text) > 200:
        return None
    words = len(text.split())
    if colon or words <= 3 or (words <= 4 and _LABEL_END.search(text)):
        return text
    return None


def _pairs(body: str, amounts: list[Amount]) -> list[tuple[Amount, Amount | None]]:
    """Amounts grouped into ranges (a, b) and singles (a, None)."""
    groups: list[tuple[Amount, Amount | None]] = []
    i = 0
    while i < len(amounts):
        first = amounts[i]
        if i + 1 < len(amounts) and _RANGE_GAP.match(body[first.end : amounts[i + 1].start]):
            groups.append((first, amounts[i + 1]))
            i += 2
        else:
            groups.append((first, None))
            i += 1
    return groups


def _band(body: str, pair: tuple[Amount, Amount | None], fallback: str | None) -> SalaryBand:
    first, second = pair
    low = first.value
    high = second.value if second else first.value
    if second and second.factor > 1 and first.factor == 1 and low * second.factor <= high:
        low *= second.factor
    ends = [a for a in (second, first) if a and a.currency]
    coded = [a for a in ends if a.coded]
    currency = (coded or ends)[0].currency if ends else fallback
    lo: float | None = low
    hi: float | None = high
    if second is None:
        prefix = body[: first.start]
        if first.plus or _LOWER_ONLY.search(prefix):
            hi = None
        elif _UPPER_ONLY.search(prefix):
            lo = None
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    end = (second or first).end
    period = detect_period(body, first.start, end, hi if hi is not None else lo)
    return SalaryBand(min=lo, max=hi, currency=currency, period=period, source="text")


def _text_currency(body: str) -> str | None:
    """An ISO code named anywhere in the snippet ("Salary (USD): 150,000 - 180,000")."""
    codes = iso_currencies()
    found = (m.group(0) for m in re.finditer(r"\b[A-Z]{3}\b", body))
    return next((code for code in found if code in codes), None)


def parse_bands(text: str) -> list[SalaryBand]:
    """Every pay band in one snippet, in order; empty when it states no pay.

    A single figure needs its own currency; a range needs one on either end, else it takes
    the snippet's first currency. Text before ``‖`` is the first band's label.
    """
    clean = _SWISS_DASH.sub("", plain_text(text)).translate(_DASHES)
    clean = _RETIREMENT.sub(r"\1\2", clean)
    head, sep, _ = clean.partition(LABEL_SEP)
    body = clean.replace(LABEL_SEP, " ")
    amounts = find_amounts(body)
    if _BARE_RANGE.match(body):
        return _bare_range(body, amounts)
    fallback = next((a.currency for a in amounts if a.currency), None) or _text_currency(body)
    bands: list[SalaryBand] = []
    for first, second in _pairs(body, amounts):
        if second is None and first.currency is None:
            continue
        if not all(_is_pay(body, a.start, a.end) for a in (first, second) if a):
            continue
        band = _band(body, (first, second), fallback)
        if band.currency is None:
            continue
        if not bands:
            label = head.strip().rstrip(":").strip() if sep else _label(body[: first.start])
            band = replace(band, label=label or None)
        bands.append(band)
    return bands


def _bare_range(body: str, amounts: list[Amount]) -> list[SalaryBand]:
    """``34.52-46.00`` / ``170,600.00-227,400.00``: a range with grouping or cents, no currency."""
    nums = [p for p in re.split(r"\s*[-~]\s*", body.strip()) if p]
    if len(amounts) != 2 or not all(re.search(r"[.,'’ ]\d", n) for n in nums):
        return []
    low, high = sorted((amounts[0].value, amounts[1].value))
    return [SalaryBand(low, high, None, _period_by_size(high), "text")]


def parse_salary_text(text: str) -> SalaryBand | None:
    """The first (primary) band of a snippet, or None.

    >>> parse_salary_text("£225,000 — £270,000 GBP").max
    270000.0
    """
    bands = parse_bands(text)
    return bands[0] if bands else None
