"""Shared pieces of the career-site sources: slices, complete-or-fail paging, details.

Hyperscalers and large operators publish tens of thousands of postings on their own career
sites (amazon.jobs, Eightfold, Oracle Recruiting Cloud, jobs.apple.com, metacareers.com,
Google Careers) or on ATSs without a per-company board API (iCIMS, SuccessFactors). A source
on such a site watches a **slice**: the site's own search with ``query`` (keywords, e.g.
``"data center"``) and the site's own filters as options. The slice is the board: a posting
that leaves it (closed, or no longer matching) is closed for that source.

Paging is complete-or-fail: the first page's total says how many postings the slice holds;
every later page must answer, and the pages together must hold that many postings (less a
small slack for postings closing mid-read), else the fetch raises ``SourceError`` and the run
fails without closing anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tracker.domain import SourceRef
from tracker.sources import common, incremental
from tracker.sources.base import SourceError

_MONEY = re.compile(r"[$€£¥₹₩]\s?\d|\d[\d.,]*\s?(USD|EUR|GBP|CAD|AUD|JPY|INR|SGD|CHF|SEK)\b")
_CAREER_PAY = re.compile(r"per annum|hiring range|base pay|salary range|pay range", re.IGNORECASE)
SLACK = 0.01  # share of a slice's postings that may close while its pages are read
MAX_PAGES = 500  # per slice; the budget option bounds requests too


def option(ref: SourceRef, key: str, default: str | None = None) -> str | None:
    """A string option (stripped), or ``default``."""
    value = ref.options.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return common.opt_str(value) or default


def values(ref: SourceRef, key: str) -> list[str]:
    """A filter option as a list: a TOML list, or one comma-separated string."""
    value = ref.options.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def query(ref: SourceRef) -> str:
    """The slice's keywords (``query`` option); empty means the whole site."""
    return option(ref, "query") or ""


def required(ref: SourceRef, key: str, hint: str) -> str:
    """A required option, else a SourceError naming it."""
    found = option(ref, key)
    if not found:
        raise SourceError(f"{ref.key}: {ref.ats} needs the {key} option ({hint})")
    return found


def base(ref: SourceRef, default_host: str | None) -> str:
    """``api_base``, else ``https://{host option or default_host}``."""
    if ref.api_base:
        return ref.api_base.rstrip("/")
    host = option(ref, "host") or default_host
    if not host:
        raise SourceError(f"{ref.key}: {ref.ats} needs the host option (the career site's host)")
    host = host.removeprefix("https://").removeprefix("http://").rstrip("/")
    return f"https://{host}"


def slack(total: int) -> int:
    """Postings that may close while a slice is read."""
    return max(2, math.ceil(total * SLACK))


@dataclass(frozen=True)
class Page:
    """One page of a search: its items and the total the site claims (None: unknown)."""

    raw: Any
    items: list[Any]
    total: int | None


async def offset_pages(
    ref: SourceRef,
    fetch: Callable[[int], Awaitable[Page]],
    key: Callable[[Any], str],
    *,
    start: int = 0,
    step: int | None = None,
) -> list[Any]:
    """Every page of an offset-paged search, complete or SourceError.

    ``fetch(n)`` reads the page at position ``n`` (``start``, ``start + step``, ...; ``step``
    defaults to the first page's size, for page-numbered sites pass ``step=1``). Later pages
    are read one after another until the total is reached and the last page is short (a full
    one past the total means postings arrived mid-read), or a page comes back empty; the union
    of item keys must then reach the first page's total, less the slack.
    """
    first = await fetch(start)
    pages, total = [first.raw], first.total
    seen = {key(item) for item in first.items}
    size = len(first.items)
    if size == 0:
        return pages
    position, got, last = start, size, size
    # Past the total, a full last page means postings arrived while reading: read on.
    while total is None or got < total or last >= size:
        if len(pages) >= MAX_PAGES:
            raise SourceError(f"{ref.key}: the search did not end after {MAX_PAGES} pages")
        position += step if step is not None else size
        page = await fetch(position)
        if not page.items:
            break
        keys = {key(item) for item in page.items}
        if keys <= seen:  # the site ignores the offset (or repeats itself): stop, never loop
            break
        pages.append(page.raw)
        last = len(page.items)
        got += last
        seen |= keys
    if total is not None and len(seen) < total - slack(total):
        raise SourceError(
            f"{ref.key}: the search claims {total} postings but its pages held {len(seen)}; "
            "the slice cannot be read completely"
        )
    return pages


def id_text(value: Any) -> str:
    """An int or str id as a string; anything else (bools included) is ``""``."""
    return str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""


def unique_over(
    pages: list[Any],
    ref: SourceRef,
    rows_of: Callable[[Any, int], list[Any]],
    key: Callable[[dict[str, Any]], Any],
) -> dict[str, dict[str, Any]]:
    """``{id: item}`` over all pages: ``rows_of(page, number)`` (0-based) gives a page's items."""
    rows: list[Any] = []
    for number, page in enumerate(pages):
        rows += rows_of(page, number)
    return unique_by(rows, ref, key)


def pages_and_details(payload: Any, ref: SourceRef) -> tuple[list[Any], dict[str, Any]]:
    """``{"pages": [...], "details": {...}}``, one captured answer, or an array of answers ->
    (pages, details)."""
    if isinstance(payload, dict) and "pages" in payload:
        pages, details = payload["pages"], payload.get("details") or {}
    else:
        pages, details = (payload if isinstance(payload, list) else [payload]), {}
    if not isinstance(pages, list) or not isinstance(details, dict):
        raise common.malformed(ref, "expected a search answer or an array of them")
    return pages, details


async def with_details(
    ref: SourceRef,
    pages: list[Any],
    items: dict[str, dict[str, Any]],
    signature: Callable[[dict[str, Any]], str],
    fetch_one: Callable[[str], Awaitable[Any]],
) -> dict[str, Any]:
    """What ``fetch`` returns: the pages, plus details of new or changed items."""
    listed = ((ident, signature(item)) for ident, item in items.items())
    return {"pages": pages, "details": await details(ref, listed, fetch_one)}


def total_of(value: Any) -> int | None:
    """An int total (bools, strings and negatives are no total)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


async def details(
    ref: SourceRef,
    listed: Iterable[tuple[str, str]],
    fetch_one: Callable[[str], Awaitable[Any]],
) -> dict[str, Any]:
    """Details of new or changed postings (``(external_id, signature)`` pairs), see
    :mod:`tracker.sources.incremental`; a gone posting maps to None."""
    keys = [k for k, _ in incremental.wanted(ref, ((i, i, s) for i, s in listed))]
    return await incremental.fetch_details(keys, fetch_one)


def split(payload: Any, ref: SourceRef, items_key: str) -> tuple[list[Any], dict[str, Any]]:
    """``{"pages": [...], "details": {...}}``, one captured page, or an array of pages."""
    return incremental.split_payload(payload, ref, items_key)


def unique_by(
    items: Iterable[Any], ref: SourceRef, key: Callable[[dict[str, Any]], Any]
) -> dict[str, dict[str, Any]]:
    """``{id: item}`` over items (objects), first occurrence kept; a missing id fails."""
    found: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items):
        item = common.expect_job(item, index, ref)
        ident = key(item)
        if isinstance(ident, bool) or not isinstance(ident, int | str) or not str(ident).strip():
            raise common.malformed(ref, f"job #{index + 1} has no id")
        found.setdefault(str(ident).strip(), item)
    return found


def detail_flags(signature: str, detail: Any) -> dict[str, Any]:
    """The ``extra`` keys the scrape job reads: the list signature and whether a detail was used."""
    return {"signature": signature, "detail": detail is not None}


def pay_lines(text: str | None) -> tuple[str, ...]:
    """Pay-looking lines of a description: ``common.salary_lines`` plus the career sites' own
    phrasings (Oracle's "Hiring range in USD from: $87,400 to $178,200 per annum")."""
    found = list(common.salary_lines([text]))
    for line in common.clean_text(text or "").splitlines():
        if line not in found and _MONEY.search(line) and _CAREER_PAY.search(line):
            found.append(line)
    return tuple(found)
