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
from functools import cache, lru_cache

import pycountry

from tracker.domain import SalaryBand
from tracker.normalize.payphrases import rewrite

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
    "hour": r"hour|hourly|hr|hrs|stunde|heure|hora|uur|時給|시급",
    "day": r"day|daily|pro tag|par jour|por día|por dia|日給|일급",
    "week": r"week|weekly|wk|woche|semaine|semana",
    "month": r"month|monthly|months|mo|monat|monatlich|mois|mensuel|mensuelle|mes|mensual"
    r"|mensuales|mês|mensal|maand|maandelijks|månad|måned|månedlig|månedsløn|月給|月収|월급",
    "year": r"year|yearly|yr|annual|annually|annum|annualized|jahr|jährlich|par an|année|annuel"
    r"|annuelle|año|anual|ano|jaar|jaarlijks|år|årlig|årligen|lpa|年収|年俸|연봉|per annum",
}
_PERIOD = re.compile(
    "|".join(
        rf"(?P<{name}>(?<![A-Za-zÀ-ÿ])(?:{words})(?![A-Za-zÀ-ÿ]))"
        for name, words in _PERIOD_WORDS.items()
    ),
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^[\s/]*(?:(?:(?-i:[A-Z]{3})|per|pr|a|an|por|im|en|om|gross|brutto|bruto|base|salary|each)"
    r"(?![A-Za-z])[\s/.]*){0,3}",
    re.IGNORECASE,
)
_SYMBOL_CHARS = "$£€¥₹₩₱₪₺"  # "$401K" is pay, "401k match" a retirement plan
_CLAUSE = re.compile(r"[.;!?](?:\s|$)|[•|()\[\]\n]|\s\+\s?|,\s(?=[A-Za-z])")
_NOT_PAY = re.compile(
    rf"stipend|allowance|(?<![{_SYMBOL_CHARS}\d.,])(?<![{_SYMBOL_CHARS}] )(?<!(?-i:[A-Z]{{3}}) )"
    r"\b40[13][kb]\b|equity|rsus?\b|stock|shares|bonus|relocation|reimburse"
    r"|budget|per diem|credit|discount|referral|pension|superannuation|vacation|insurance"
    r"|raised|funding|series [a-f]\b|valuation|revenue|\barr\b|investors|backed",
    re.IGNORECASE,
)
_PAY = re.compile(
    r"salary|salaries|\bpay\b|wage|compensation|earnings|\bote\b|\bbase\b|\brate\b|range"
    r"|income|remuneration|gehalt|salaire|sueldo|salário|年収|月給|時給|연봉|월급|시급|\bctc\b",
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
_DAY_RATE_CURRENCIES = frozenset(
    {"USD", "GBP", "EUR", "CHF", "CAD", "AUD", "NZD", "SGD", "SEK", "NOK", "DKK"}
)
_DOLLAR_CODES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "BRL"})
_CUT_GROUP = re.compile(r"\d{3},\d{2}")
_RETIREMENT = re.compile(r"\b(40[13])\s?\(([kb])\)", re.IGNORECASE)
_GROUP_SPACES = re.compile(r"[ '’\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"\d(?:[\d.,]*\d)?")
_LAKH_NUMBER = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?")
_SEPARATORS = re.compile(r"[.,]")
_GROUPED = re.compile(r"[.,'’ \u00a0\u202f\u2009]\d")
_SENTENCE_END = re.compile(r"[.!?]\s")
_CODE_WORD = re.compile(r"\b[A-Z]{3}\b")
_LETTER = re.compile(r"[A-Za-z]")
_WORDS_ONLY = re.compile(r"[A-Za-z][A-Za-z .]*")


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
    bare_dollar: bool = False  # a plain "$", which a dollar code elsewhere can refine
    money_like: bool = False  # digit grouping, cents or a multiplier: "150,000", "12 lakhs"


def plain_text(text: str) -> str:
    """Unescape (twice: Greenhouse double-escapes), drop tags, repair mojibake, tidy spaces."""
    text = html.unescape(html.unescape(text))
    for bad, good in _MOJIBAKE.items():
        text = text.replace(bad, good)
    text = _TAG.sub(" ", text)
    return " ".join(text.split())


def parse_number(text: str) -> float | None:
    """``222,800`` / ``61.000`` / ``120'000`` / ``25,00,000`` / ``172.5`` / ``34,52`` -> float.

    None for anything that is not such a number.
    """
    text = _GROUP_SPACES.sub("", text)
    if not _NUMBER.fullmatch(text):
        return None
    if _LAKH_NUMBER.fullmatch(text):
        return float(text.replace(",", ""))
    if "," in text and "." in text:
        cut = max(text.rfind(","), text.rfind("."))
        whole = _SEPARATORS.sub("", text[:cut])
        tail = text[cut + 1 :]
        return float(f"{whole}.{tail}") if whole.isdigit() and tail.isdigit() else None
    for sep in (",", "."):
        if sep in text:
            groups = text.split(sep)
            if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                return float("".join(groups))
            return float(".".join(groups)) if len(groups) == 2 else None
    return float(text)


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
        if _CUT_GROUP.fullmatch(match.group("num")) and "$" in (match.group("sym1") or ""):
            number *= 1000  # "$160,00": a dollar amount's thousands group cut short
        mult = match.group("mult")
        factor = _MULTIPLIERS[mult.lower()] if mult else 1.0
        currency, start, end, coded = _currency_of(match)
        plus = bool(match.group("plus"))
        bare = not coded and "$" in (match.group("sym1") or "", match.group("sym2") or "")
        money = factor > 1 or bool(_GROUPED.search(match.group("num")))
        found.append(
            Amount(number * factor, currency, start, end, factor, plus, coded, bare, money)
        )
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
    # not (perks and not pay), with the pay words first: they are usually there, and early
    return _PAY.search(clause) is not None or _NOT_PAY.search(clause) is None


def detect_period(
    body: str, start: int, end: int, high: float | None, currency: str | None = None
) -> str:
    """Period words right after the band, else the nearest before it, else by magnitude."""
    after = body[end : end + 60]
    lead = _FILLER.match(after)
    found = _PERIOD.match(after, lead.end() if lead else 0)
    if found and found.lastgroup:
        return found.lastgroup
    left, _ = _clause_bounds(body, start, end)
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(body[:start])), default=0)
    before = list(_PERIOD.finditer(body, min(left, sentence_start), start))
    if before and before[-1].lastgroup:
        return before[-1].lastgroup
    return _period_by_size(high, currency)


def _period_by_size(amount: float | None, currency: str | None) -> str:
    """No period word: judge by the US-dollar size (hourly < $200 <= daily < $1,000 <= monthly
    < $20,000 <= yearly); day rates only in currencies where contractors quote them."""
    if amount is None:
        return "year"
    usd = amount * (_usd_rate(currency) if currency else 1.0)
    if usd < 200:
        return "hour"
    if usd < 1_000 and (currency or "USD") in _DAY_RATE_CURRENCIES:
        return "day"
    return "month" if usd < 20_000 else "year"


@cache
def _usd_rate(currency: str) -> float:
    """A recent dollar rate, only to judge magnitudes (1.0 when unknown)."""
    from tracker.normalize.fx import converter, rate

    last = converter().bounds["USD"].last_date
    return rate(currency, "USD", last) or 1.0


def _label(prefix: str) -> str | None:
    """A heading before the amounts: "Annual Salary:", "Canada Annual Pay Range", "OTE".

    A sentence that runs into the amount ("... salary of up to", "ranges from") is no label.
    """
    text = prefix.strip()
    colon = text.endswith((":", "："))
    trimmed = text.rstrip(" :：") if colon else _LABEL_TRIM.sub("", text)
    cut_words = _LETTER.search(text[len(trimmed) :]) is not None
    text = trimmed.strip(" -–—:•,")
    if not text or len(text) > 200 or (cut_words and not colon):
        return None
    words = text.split()
    titled = all(not w[0].isalpha() or w[0].isupper() or not w[0].isascii() for w in words)
    if colon or (len(words) <= 3 and titled) or (len(words) <= 4 and _LABEL_END.search(text)):
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
    named = _text_currency(body)
    if not coded and all(a.bare_dollar for a in ends) and named in _DOLLAR_CODES:
        currency = named  # "Pay range (CAD): $120,000 - $150,000"
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
    period = detect_period(body, first.start, end, hi if hi is not None else lo, currency)
    return SalaryBand(min=lo, max=hi, currency=currency, period=period, source="text")


def _text_currency(body: str) -> str | None:
    """An ISO code named anywhere in the snippet ("Salary (USD): 150,000 - 180,000")."""
    codes = iso_currencies()
    found = (m.group(0) for m in _CODE_WORD.finditer(body))
    return next((code for code in found if code in codes), None)


def parse_bands(text: str) -> list[SalaryBand]:
    """Every pay band in one snippet, in order; empty when it states no pay.

    A single figure needs its own currency; a range needs one on either end, else it takes
    the snippet's first currency. Text before ``‖`` is the first band's label.
    """
    return list(_parse_bands(text))


@lru_cache(maxsize=4096)
def _parse_bands(text: str) -> tuple[SalaryBand, ...]:
    """:func:`parse_bands`, memoized: the postings of a board repeat their pay snippets (one
    range for many roles), and a snippet's bands depend on nothing else (bounded: memory
    stays flat over any number of boards)."""
    usual = _USUAL_BLOCK.fullmatch(text)
    if usual is not None and usual["code"] in iso_currencies():
        return _usual_block_bands(usual)
    return _read_bands(text)


def _read_bands(text: str) -> tuple[SalaryBand, ...]:
    """:func:`parse_bands` for any text."""
    clean = _SWISS_DASH.sub("", rewrite(plain_text(text))).translate(_DASHES)
    clean = _RETIREMENT.sub(r"\1\2", clean)
    head, sep, _ = clean.partition(LABEL_SEP)
    body = clean.replace(LABEL_SEP, " ")
    amounts = find_amounts(body)
    if _BARE_RANGE.match(body):
        return tuple(_bare_range(body, amounts))
    fallback = next((a.currency for a in amounts if a.currency), None) or _text_currency(body)
    bands: list[SalaryBand] = []
    last = 0
    for first, second in _pairs(body, amounts):
        if not _wanted(body, first, second):
            continue
        band = _band(body, (first, second), fallback)
        if band.currency is None:
            continue
        if not bands:
            label = _first_label(body[: first.start], head if sep else None)
        else:  # "US $180k-$220k; UK £120k-£150k", "Zone A: ... Zone B: ..."
            label = _label(body[last : first.start].lstrip(" ;,/|-"))
        bands.append(replace(band, label=label or None))
        last = (second or first).end
    return tuple(bands)


def _first_label(prefix: str, head: str | None) -> str | None:
    """The first band's label: the text before ``‖`` when there is one (``head``), else a
    heading in the text before its amount."""
    label = head.strip().rstrip(":：").strip() if head is not None else _label(prefix)
    tail = prefix.rsplit(":", 1)[-1].strip()
    if label is None and ":" in prefix and _WORDS_ONLY.fullmatch(tail):
        label = _label(tail)  # "Salary ranges: US $180k-..." -> "US"
    return label


# A Greenhouse pay block as it usually reads ("Annual Salary: $183,000 — $302,000 USD"): plain
# words (no three capitals in a row: no ISO code before the amount), two grouped dollar amounts
# and an ISO code. The general reading of such a text (no entities, tags, rewrites or amounts
# in the words; one range; the code gives the currency and ends the band) is done directly;
# the words still go through the same clause, period and label rules.
_USUAL_BLOCK = re.compile(
    r"(?P<words>[A-Z]?[a-z]+(?: [A-Z]?[a-z]+)*:?) "
    r"\$(?P<low>[1-9]\d{0,2}(?:,\d{3})+) — \$(?P<high>[1-9]\d{0,2}(?:,\d{3})+) (?P<code>[A-Z]{3})"
)


def _usual_block_bands(usual: re.Match[str]) -> tuple[SalaryBand, ...]:
    """:func:`_read_bands` of a text :data:`_USUAL_BLOCK` matches, step for step: no clause
    break anywhere (both amounts are in the one clause, the whole text), the band ends the text
    (no period words after it), so the period is the last one the words name, else the size."""
    body = usual.string.translate(_DASHES)
    low_at = usual.start("low") - 1  # at its "$"
    if not _is_pay(body, low_at, usual.end("low")):
        return ()
    low, high = float(usual["low"].replace(",", "")), float(usual["high"].replace(",", ""))
    if low > high:
        low, high = high, low
    currency = usual["code"]
    named, label = _usual_words(body[:low_at])
    period = named or _period_by_size(high, currency)
    return (SalaryBand(low, high, currency, period, "text", label=label or None),)


@lru_cache(maxsize=1024)
def _usual_words(prefix: str) -> tuple[str | None, str | None]:
    """(the last period the words before the amounts name, the band's label)."""
    before = list(_PERIOD.finditer(prefix))
    named = before[-1].lastgroup if before and before[-1].lastgroup else None
    return named, _first_label(prefix, None)


def _wanted(body: str, first: Amount, second: Amount | None) -> bool:
    """A lone figure needs its own currency; a range without one needs money-like numbers
    ("2025-2026" and "10-15 engineers" are not pay); no amount may sit in a perks clause."""
    if second is None and first.currency is None:
        return False
    unpriced = second is not None and not (first.currency or second.currency)
    if unpriced and not (first.money_like and second is not None and second.money_like):
        return False
    return all(_is_pay(body, a.start, a.end) for a in (first, second) if a)


def _bare_range(body: str, amounts: list[Amount]) -> list[SalaryBand]:
    """``34.52-46.00`` / ``170,600.00-227,400.00``: a range with grouping or cents, no currency."""
    nums = [p for p in re.split(r"\s*[-~]\s*", body.strip()) if p]
    if len(amounts) != 2 or not all(re.search(r"[.,'’ ]\d", n) for n in nums):
        return []
    low, high = sorted((amounts[0].value, amounts[1].value))
    return [SalaryBand(low, high, None, _period_by_size(high, None), "text")]


def parse_salary_text(text: str) -> SalaryBand | None:
    """The first (primary) band of a snippet, or None.

    >>> parse_salary_text("£225,000 — £270,000 GBP").max
    270000.0
    """
    bands = parse_bands(text)
    return bands[0] if bands else None
