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
_MONEY = re.compile(
    r"([$€£¥₹₩₱]\s?\d|\d[\d.,]*\s?(k|K)?\s?(USD|EUR|GBP|CAD|AUD|JPY|INR|SGD|CHF|SEK|KRW|PHP)\b"
    r"|\b(USD|EUR|GBP|CAD|AUD|JPY|INR|SGD|CHF|SEK|KRW|PHP)\s?\d)"
)
_PAY_WORDS = re.compile(
    r"salary|compensation|\bpay\b|pay range|wage|earnings|\bOTE\b|per hour|/hour|/year|annual",
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
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
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
    """Lines that look like pay: a money amount and a pay word (``$135,000 - $200,000/year``)."""
    found: list[str] = []
    for text in texts:
        for line in clean_text(text or "").splitlines():
            if _MONEY.search(line) and _PAY_WORDS.search(line) and line not in found:
                found.append(line)
    return found


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
    (a cut URL would point elsewhere). Applied to what every source's ``parse`` returns."""
    return [_capped(p) for p in postings]


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
