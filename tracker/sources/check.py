"""``tracker sources check``: one polite request per source — does its token answer, and how
many postings does it hold?

Each probe makes the one request that tells (Apple needs two: a session token, then the
search): the first page of a paged search with its total (Workday ``limit=1``, SmartRecruiters
``limit=1``, amazon.jobs ``result_limit=1``, Oracle ``TotalJobsCount``, Eightfold ``count``,
Google's ``jobs matched``, SuccessFactors' "of N", iCIMS' page count), or the whole board for
ATSs that answer in one request (Greenhouse, Lever, Ashby, Recruitee, Teamtailor, BambooHR,
Rippling, Meta, HTML pages), details off. Requests run under a budget, so a probe can never
crawl a site. An answer is "ok" only when it has the shape of a board: an unknown token
(404, an HTML page instead of JSON, a redirect to a marketing site) is reported with the error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tracker.domain import SourceRef
from tracker.sources import common, get_source
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

Probe = Callable[["HttpClient", SourceRef], Awaitable[tuple[int | None, str]]]


@dataclass(frozen=True)
class CheckResult:
    """One source's answer: ``postings`` is None when the site gives no count."""

    key: str
    ok: bool
    postings: int | None = None
    note: str = ""
    requests: int = 0


async def _whole_board(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    """Fetch (details off) and parse: the count of an ATS that answers in one request."""
    quiet = replace(ref, options={**ref.options, "details": False, "_known": {}})
    source = get_source(ref.ats)
    postings = source.parse(await source.fetch(client, quiet), quiet)
    return len(postings), ""


async def _workday(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.workday import Workday

    body = {"appliedFacets": {}, "limit": 1, "offset": 0, "searchText": ""}
    page = await client.post_json(Workday().url(ref), body)
    return _count(page, ref, "total", "jobPostings")


async def _smartrecruiters(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.smartrecruiters import SmartRecruiters

    page = await client.get_json(SmartRecruiters().url(ref), {"offset": 0, "limit": 1})
    count, _ = _count(page, ref, "totalFound", "content")
    note = "" if count else "SmartRecruiters answers 0 postings for unknown companies too"
    return count, note


async def _workable(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.workable import SEARCH, Workable

    page = await client.post_json(Workable().url(ref), dict(SEARCH))
    return _count(page, ref, "total", "results")


async def _amazon(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.amazon import Amazon, check_page

    body = await client.get_json(Amazon().url(ref, 0).replace("result_limit=100", "result_limit=1"))
    check_page(body, ref, 0)
    return _count(body, ref, "hits", "jobs")


async def _eightfold(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.eightfold import Eightfold, data_of

    body = await client.get_json(Eightfold().search_url(ref, 0))
    return _count(data_of(body, ref, "search"), ref, "count", "positions")


async def _oracle(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.oracle_hcm import OracleHcm, search_block

    body = await client.get_json(OracleHcm().search_url(ref, 0))
    return _count(search_block(body, ref, 0), ref, "TotalJobsCount", "requisitionList")


async def _apple(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources import careers
    from tracker.sources.apple import DEFAULT_HOST, TOKEN_HEADER, Apple, res_of

    base = careers.base(ref, DEFAULT_HOST)
    session = await client.request("GET", f"{base}/api/v1/CSRFToken")
    token = session.headers.get(TOKEN_HEADER) or ""
    body = await client.post_json(
        f"{base}/api/v1/search", Apple().body(ref, 1), headers={TOKEN_HEADER: token}
    )
    return _count(res_of(body, ref, "search"), ref, "totalRecords", "searchResults")


async def _google(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.google import Google, extract

    data = extract(await client.get_text(Google().url(ref, 1)), ref, 1)
    total = data[2] if len(data) > 2 and isinstance(data[2], int) else None
    return total, ""


async def _icims(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.icims import Icims, read_page

    cards, pages = read_page(await client.get_text(Icims().url(ref, 0)), ref, 0)
    if pages <= 1:
        return len(cards), ""
    return None, f"{pages} pages of about {len(cards)}"


async def _successfactors(client: HttpClient, ref: SourceRef) -> tuple[int | None, str]:
    from tracker.sources.successfactors import SuccessFactors, read_page

    rows, total = read_page(await client.get_text(SuccessFactors().url(ref, 0)), ref, 0)
    return (total if total is not None else len(rows)), ""


def _count(page: Any, ref: SourceRef, total_key: str, items_key: str) -> tuple[int | None, str]:
    """The page's total, checking it has the board's shape."""
    if not isinstance(page, dict) or not isinstance(page.get(items_key), list):
        raise common.malformed(ref, f"the answer has no {items_key!r} array")
    total = page.get(total_key)
    return (total if isinstance(total, int) and not isinstance(total, bool) else None), ""


PROBES: dict[str, Probe] = {
    "workday": _workday,
    "smartrecruiters": _smartrecruiters,
    "workable": _workable,
    "amazon": _amazon,
    "eightfold": _eightfold,
    "oracle_hcm": _oracle,
    "apple": _apple,
    "google": _google,
    "icims": _icims,
    "successfactors": _successfactors,
}
BUDGETS = {"apple": 2}


async def check_source(client: HttpClient, ref: SourceRef) -> CheckResult:
    """Probe one source under a budget of one request (two for Apple)."""
    probe = PROBES.get(ref.ats, _whole_board)
    with client.scope(ref.key, budget=BUDGETS.get(ref.ats, 1) * (client.retries + 1)) as scope:
        try:
            count, note = await probe(client, ref)
        except SourceError as exc:
            return CheckResult(ref.key, False, note=str(exc), requests=scope.requests)
    return CheckResult(ref.key, True, count, note, scope.requests)
