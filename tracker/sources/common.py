"""Small pure helpers shared by the ATS parsers: shape checks, text, timestamps.

Shape checks raise ``SourceError`` naming the source and the offending job, so a malformed
payload fails the run loudly instead of reading as an empty (or shrunken) board.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tracker.domain import RawPosting, SalaryBand, SourceRef
from tracker.sources.base import SourceError

MAX_AMOUNT = 1e13  # above any pay figure in any currency and period (VND a year is ~1e9)
_BLOCKS = "p,div,li,br,h1,h2,h3,h4,h5,h6,tr,ul,ol,table,section,blockquote"
_CODES = r"USD|EUR|GBP|CAD|AUD|NZD|JPY|INR|SGD|HKD|CHF|SEK|NOK|DKK|KRW|PHP|CNY|PLN|ILS|BRL|MXN"
_MONEY = re.compile(
    rf"[$€£¥₹₩₱]\s?\d|\d[\d.,]*\s?(?:k|K)?\s?(?:{_CODES})\b|\b(?:{_CODES})\s?\d"
    r"|\d\s?(?:€|円|万|億|만|억|원|元)|\d\s?(?:lakhs?|lacs?|crores?|LPA)\b"
    r"|\d\s?(?:million|thousand)\s+(?:yen|won|rupees|euros?|pounds|dollars)\b"
    r"|\b(?:Rs\.?|INR)\s?\d",
    re.IGNORECASE,
)
# The same test anchored on the amount's first digit (what comes before it is looked behind):
# a pattern that starts with a digit lets the regex engine skip ahead to the digits, where
# ``_MONEY.search`` tries every alternative at every character (~20x slower on a description).
_MONEY_AT_DIGIT = re.compile(
    rf"\d(?:[\d.,]*\s?(?:k|K)?\s?(?:{_CODES})\b"
    r"|\s?(?:€|円|万|億|만|억|원|元)|\s?(?:lakhs?|lacs?|crores?|LPA)\b"
    r"|\s?(?:million|thousand)\s+(?:yen|won|rupees|euros?|pounds|dollars)\b"
    r"|(?<=[$€£¥₹₩₱]\d)|(?<=[$€£¥₹₩₱]\s\d)"
    rf"|(?<=\b(?:{_CODES}|Rs\.)\d)|(?<=\b(?:{_CODES}|Rs\.)\s\d)|(?<=\bRs\d)|(?<=\bRs\s\d))",
    re.IGNORECASE,
)


def has_money(text: str) -> bool:
    """True when ``text`` holds a money amount: ``bool(_MONEY.search(text))``, faster.

    Every match starts at a digit. When the only digits are ``0``-``9`` (ASCII text, or text
    whose other characters include no digit: curly quotes and dashes are not), ``str.find``
    locates them far faster than the regex engine steps through the text, and the pattern is
    only tried at a digit whose neighbours can make an amount (:func:`_may_be_amount`); other
    text is searched whole.
    """
    if len(text) < 64 or (not text.isascii() and _other_digits(text)):
        return _MONEY_AT_DIGIT.search(text) is not None
    find = text.find
    spots = []
    for digit in "0123456789":
        at = find(digit)
        while at >= 0:
            spots.append(at)
            at = find(digit, at + 1)
    if len(spots) * _SPARSE > len(text):  # digits everywhere: one pass of the engine is cheaper
        return _MONEY_AT_DIGIT.search(text) is not None
    spots.sort()
    run_end = -1
    for at in spots:
        if at >= run_end:  # the digits, dots and commas after it (the same for the whole run)
            run_end = _RUN.match(text, at + 1).end()  # type: ignore[union-attr]
        if _may_be_amount(text, at, run_end) and _MONEY_AT_DIGIT.match(text, at) is not None:
            return True
    return False


_RUN = re.compile(r"[0-9.,]*")
_SPARSE = 50  # characters per digit above which digits are tried one by one (the engine spends
# ~1/50 of a digit's check on each character it steps over)
# What stands right before an amount's first digit (or before one space there): a symbol, the
# last letter of an ISO code or of "Rs", the dot of "Rs."; either case, and the two characters
# re.IGNORECASE also takes for "s" and "k" (long s, Kelvin sign)
_ENDS = "".join({code[-1] for code in _CODES.split("|")} | {"S"})
_MARKS = frozenset(f"$€£¥₹₩₱.{_ENDS}{_ENDS.lower()}\u017f\u212a")


def _may_be_amount(text: str, at: int, run_end: int) -> bool:
    """False when no alternative of :data:`_MONEY_AT_DIGIT` can match at the digit ``at``
    (``text`` has no digit but ``0``-``9``; ``run_end`` ends the digits, dots and commas after
    it). An amount ends in a letter or a symbol after the run and two spaces at most (a code,
    ``k``, ``lakh``, ``million``, ``€``, ``円``...; only letters match letters, whatever their
    case), or starts with a symbol, a code or ``Rs.`` right before the digit (:data:`_MARKS`),
    a space between at most."""
    after = run_end
    while after < min(run_end + 2, len(text)) and text[after].isspace():
        after += 1  # "5 k USD": a space on either side of the "k", or two spaces
    if after < len(text) and (text[after].isalpha() or text[after] == "€"):
        return True
    if not at:
        return False
    before = text[at - 1]
    if before.isspace() and at > 1:
        before = text[at - 2]
    return before in _MARKS


_ASCII_BYTES = bytes(range(128))
_DIGIT = re.compile(r"\d")  # what the pattern's \d is: any Unicode decimal digit


def _other_digits(text: str) -> bool:
    """True when ``text`` has a digit other than ``0``-``9`` (its non-ASCII characters, found by
    deleting the ASCII bytes of its UTF-8 form: sequences stay whole, and it is quick)."""
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return _DIGIT.search(data.decode("utf-8", "surrogatepass")) is not None


_PAY_WORDS = re.compile(
    r"salary|salaried|compensation|\bpay\b|\brange\b|wage|earnings|\bOTE\b|per hour|/hour|/hr\b"
    r"|/year"
    r"|annual|hourly|\brate\b|per day|/day|\bCTC\b|per annum|remuneration"
    r"|年収|月給|時給|日給|給与|연봉|월급|시급|급여",
    re.IGNORECASE,
)
_HEADING_MAX = 80  # a pay heading on its own line ("Compensation", "Pay Range:")
_PERK = re.compile(  # a line under a pay heading that is about something else
    r"allowance|stipend|benefit|bonus|budget|reimburs|equity|401|relocation|per diem", re.I
)
_HEADING_WORDS = re.compile(
    r"salary|compensation|\bpay\b|wage|\bOTE\b|\brange\b|\brate\b|earnings|remuneration"
    r"|\bCTC\b|年収|月給|時給|給与|연봉|월급|시급|급여",
    re.IGNORECASE,
)


def malformed(ref: SourceRef, detail: str) -> SourceError:
    """The error for a payload that is not the shape the ATS documents."""
    return SourceError(f"{ref.key}: malformed payload: {detail}")


def type_name(value: Any) -> str:
    """JSON-ish name of a value's type, for error messages."""
    names = {dict: "an object", list: "an array", str: "a string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def expect_jobs(payload: Any, ref: SourceRef, key: str = "jobs") -> list[Any]:
    """``payload[key]`` when the payload is an object holding a list there, else SourceError."""
    if not isinstance(payload, dict):
        raise malformed(ref, f"expected an object with a {key!r} array, got {type_name(payload)}")
    if key not in payload:
        keys = ", ".join(sorted(str(k) for k in payload)[:8]) or "none"
        raise malformed(ref, f"expected an object with a {key!r} array; keys: {keys}")
    jobs = payload[key]
    if not isinstance(jobs, list):
        raise malformed(ref, f"{key!r} is {type_name(jobs)}, expected an array")
    return jobs


def expect_job(job: Any, index: int, ref: SourceRef) -> dict[str, Any]:
    """A job entry must be an object."""
    if not isinstance(job, dict):
        raise malformed(ref, f"job #{index + 1} is {type_name(job)}, expected an object")
    return job


def required_id(job: dict[str, Any], index: int, ref: SourceRef, key: str = "id") -> str:
    """The job's id as a string (int or non-empty string), else SourceError."""
    value = job.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise malformed(ref, f"job #{index + 1} has no {key!r} (got {value!r})")
    return str(value).strip()


def required_title(job: dict[str, Any], index: int, ref: SourceRef, key: str = "title") -> str:
    """The job's title, stripped; a missing or blank title is a malformed payload."""
    value = job.get(key)
    if not isinstance(value, str) or not value.strip():
        ident = job.get("id")
        raise malformed(ref, f"job #{index + 1} (id {ident!r}) has no {key!r} (got {value!r})")
    return value.strip()


def opt_str(value: Any) -> str | None:
    """A stripped non-empty string, or None for anything else."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def opt_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty dict (for optional nested objects)."""
    return value if isinstance(value, dict) else {}


def opt_list(value: Any) -> list[Any]:
    """``value`` if it is an array, else an empty list (for optional arrays)."""
    return value if isinstance(value, list) else []


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` or offset; naive read as UTC) -> aware datetime, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_epoch_ms(value: Any) -> datetime | None:
    """Epoch milliseconds -> aware UTC datetime, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def number(value: Any) -> float | None:
    """A JSON number as float (bools and strings are not numbers); None for an amount no
    board can mean: NaN, infinite (``1e400`` decodes as infinity), negative or absurdly large.
    A bad amount drops that value, never the board."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        amount = float(value)
    except OverflowError:  # an integer of 400 digits
        return None
    if not math.isfinite(amount) or amount < 0 or amount > MAX_AMOUNT:
        return None
    return amount


def number_text(text: str) -> float | None:
    """``"170,600.00"`` -> 170600.0 through :func:`number`; None when it is no amount."""
    try:
        return number(float(text.replace(",", "").strip()))
    except (ValueError, OverflowError):
        return None


def base_url(ref: SourceRef, default: str) -> str:
    """``ref.api_base`` (trailing slash stripped) or the ATS's public base."""
    return (ref.api_base or default).rstrip("/")


def clean_text(text: str) -> str:
    """Tidy plain text: NBSP to space, trim each line, at most one blank line in a row."""
    lines = [" ".join(line.split()) for line in text.splitlines()]  # split() takes NBSP too
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(_BLOCKS):
        node.insert_after("\n")
    root = tree.body or tree.root
    return clean_text(root.text(separator="") if root is not None else "")


def salary_lines(texts: Iterable[str | None]) -> list[str]:
    """Lines that look like pay: a money amount and a pay word (``$135,000 - $200,000/year``).

    A pay word on a short heading line just before ("Compensation", "Pay range:") counts: the
    line is returned as ``"heading amount-line"``.
    """
    found: list[str] = []
    for text in texts:
        if not text or not has_money(text):
            continue  # cheap: most descriptions state no pay
        heading = ""
        for line in clean_text(text).splitlines():
            if not line:
                continue
            money = has_money(line)
            if money and _PAY_WORDS.search(line):
                candidate = line
            elif money and heading and _HEADING_WORDS.search(heading) and not _PERK.search(line):
                candidate = f"{heading} {line}"
                if candidate not in found:
                    found.append(candidate)
                continue  # the heading covers the next lines too ("Zone A ...", "Zone B ...")
            else:
                candidate = ""
            if candidate and candidate not in found:
                found.append(candidate)
            heading = line if len(line) <= _HEADING_MAX and not money else ""
    return found


_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|section|blockquote)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)
_ENTITY_MONEY = re.compile(r"&(?:euro|pound|yen|#36|#x24|#8364|#163|#165);", re.IGNORECASE)
_INLINE_TAG = re.compile(r"<[^>]*>")


def html_salary_lines(html: str | None) -> list[str]:
    """``salary_lines`` of an HTML fragment, converting only the blocks that can hold pay.

    A cheap pre-check skips the (usual) description with no money in it; otherwise the HTML is
    cut at block tags and only blocks with an amount (and the short block before each, a
    possible heading) become text.
    """
    if not html or not (has_money(html) or _ENTITY_MONEY.search(html)):
        return []
    import html as entities

    blocks = _BLOCK_TAG.split(html)
    lines: list[str] = []
    for i, block in enumerate(blocks):
        if not (has_money(block) or _ENTITY_MONEY.search(block)):
            continue
        text = " ".join(entities.unescape(_INLINE_TAG.sub(" ", block)).split())
        prev = next((b for b in reversed(blocks[max(0, i - 3) : i]) if b.strip()), "")
        head = " ".join(entities.unescape(_INLINE_TAG.sub(" ", prev)).split())
        lines.append(f"{head}\n{text}" if head else text)
    return salary_lines(lines)


def unique(items: Iterable[Any]) -> tuple[Any, ...]:
    """Items in first-seen order without duplicates."""
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def structured_band(
    low: Any, high: Any, currency: Any, period: str | None, label: str | None = None
) -> SalaryBand | None:
    """A band from an ATS's structured pay fields, or None without an amount or a period."""
    lo, hi = number(low), number(high)
    if (lo is None and hi is None) or period is None:
        return None
    code = opt_str(currency)
    return SalaryBand(
        min=lo,
        max=hi,
        currency=code.upper() if code else None,
        period=period,
        source="structured",
        label=label,
    )


# Length caps applied to every parsed posting (a hostile board can send a 10 MB title).
CAPS = {
    "title": 300,
    "department": 200,
    "team": 200,
    "location_raw": 1000,
    "place": 300,
    "salary_text": 1000,
    "salary_texts": 20,
    "places": 100,
    "salaries": 20,
    "description": 200_000,
    "url": 2048,
}


def cap(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def capped(postings: Iterable[RawPosting]) -> list[RawPosting]:
    """Postings with every free-text field within :data:`CAPS`; an over-long URL is dropped
    (a cut URL would point elsewhere). Applied to what every source's ``parse`` returns; an
    unchanged item's stub (:mod:`tracker.sources.fingerprint`: ``detail`` False) holds no text
    and is kept as it is."""
    return [p if p.extra.get("detail") is False else _capped(p) for p in postings]


def _capped(p: RawPosting) -> RawPosting:
    places = tuple(
        replace(pl, raw=cap(pl.raw, CAPS["place"]) or "", city=cap(pl.city, CAPS["place"]))
        for pl in p.structured_places[: CAPS["places"]]
    )
    return replace(
        p,
        title=cap(p.title, CAPS["title"]) or "",
        department=cap(p.department, CAPS["department"]),
        team=cap(p.team, CAPS["team"]),
        location_raw=cap(p.location_raw, CAPS["location_raw"]),
        structured_places=places,
        salaries=p.salaries[: CAPS["salaries"]],
        salary_texts=tuple(
            cap(t, CAPS["salary_text"]) or "" for t in p.salary_texts[: CAPS["salary_texts"]]
        ),
        description=cap(p.description, CAPS["description"]),
        url=p.url if p.url is None or len(p.url) <= CAPS["url"] else None,
    )
