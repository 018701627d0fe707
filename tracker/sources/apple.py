"""jobs.apple.com: one slice of Apple's career site.

A search is an anonymous session: ``GET /api/v1/CSRFToken`` answers an ``x-apple-csrf-token``
header (and a session cookie), then ``POST /api/v1/search`` with that header and
``{"query", "filters": {"locations", "teams"}, "page", "locale", "sort"}`` answers
``{"res": {"searchResults": [...], "totalRecords": N}}``, 20 results a page. Each page takes a
fresh token; pages are read until ``totalRecords`` is reached (complete or fail). Details
(``GET /api/v1/jobDetails/{positionId}?locale=en-us``: description, qualifications, and pay
text where the site states it) are fetched only for new or changed postings.

Options: ``query``; ``location`` (Apple's location ids, ``postLocation-USA``); ``team``
(``teamsAndSubTeams-HRDWR`` or ``teamsAndSubTeams-HRDWR:subTeam-CAM``). A result ``id`` is
``{positionId}-{postingIdentifier}``: one position posted in several places is one posting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common, incremental
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_HOST = "jobs.apple.com"
TOKEN_HEADER = "x-apple-csrf-token"
TEXT_KEYS = (
    "jobSummary",
    "description",
    "responsibilities",
    "minimumQualifications",
    "preferredQualifications",
    "payAndBenefits",
)


class Apple:
    """jobs.apple.com; token = a slice name, options query + location/team ids."""

    ats: ClassVar[str] = "apple"

    def body(self, ref: SourceRef, page: int) -> dict[str, Any]:
        """The search request body of page ``page`` (1-based)."""
        teams = []
        for value in careers.values(ref, "team"):
            team, _, sub = value.partition(":")
            teams.append({"team": team, "subTeam": sub} if sub else {"team": team})
        filters: dict[str, Any] = {}
        if careers.values(ref, "location"):
            filters["locations"] = careers.values(ref, "location")
        if teams:
            filters["teams"] = teams
        return {
            "query": careers.query(ref),
            "filters": filters,
            "page": page,
            "locale": "en-us",
            "sort": "relevance",  # the value the captured requests use
            "format": {"longDate": "MMMM D, YYYY", "mediumDate": "MMM D, YYYY"},
        }

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page of the slice (a fresh token each), plus details of new/changed postings."""
        base = careers.base(ref, DEFAULT_HOST)

        async def page(number: int) -> careers.Page:
            session = await client.request("GET", f"{base}/api/v1/CSRFToken")
            token = session.headers.get(TOKEN_HEADER)
            if not token:
                raise SourceError(f"{ref.key}: jobs.apple.com gave no {TOKEN_HEADER} header")
            body = await client.post_json(
                f"{base}/api/v1/search", self.body(ref, number), headers={TOKEN_HEADER: token}
            )
            res = res_of(body, ref, f"search page {number}")
            rows = common.expect_jobs(res, ref, "searchResults")
            return careers.Page(body, rows, careers.total_of(res.get("totalRecords")))

        pages = await careers.offset_pages(ref, page, position_id, start=1, step=1)
        items = results(pages, ref)

        async def one(ident: str) -> Any:
            detail = await client.get_json(f"{base}/api/v1/jobDetails/{ident}", {"locale": "en-us"})
            res_of(detail, ref, f"details of {ident}")
            return detail

        return await careers.with_details(ref, pages, items, signature, one)

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages (+ details) -> postings, one per position."""
        pages, details = careers.pages_and_details(payload, ref)
        pages = [{"res": p} if isinstance(p, dict) and "res" not in p else p for p in pages]
        if pages and all(is_detail_answer(p) for p in pages):
            return [parse_detail_only(p, i, ref) for i, p in enumerate(pages)]
        items = results(pages, ref)
        return [
            parse_result(item, details.get(ident), ident, index, ref)
            for index, (ident, item) in enumerate(items.items())
        ]


def res_of(body: Any, ref: SourceRef, where: str) -> dict[str, Any]:
    """The ``res`` object of an answer."""
    res = body.get("res") if isinstance(body, dict) else None
    if not isinstance(res, dict):
        raise common.malformed(ref, f"{where} has no 'res' object")
    return res


def is_detail_answer(page: Any) -> bool:
    """A captured ``jobDetails`` answer (``res`` holds one posting, not ``searchResults``)."""
    res = common.opt_dict(common.opt_dict(page).get("res"))
    return "searchResults" not in res and "postingTitle" in res


def position_id(item: Any) -> str:
    """``positionId``, else the ``id``'s part before the dash."""
    data = common.opt_dict(item)
    value = data.get("positionId") or str(data.get("id") or "").split("-")[0]
    return str(value or "")


def results(pages: list[Any], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{positionId: result}`` over all pages."""

    def rows_of(page: Any, number: int) -> list[Any]:
        return common.expect_jobs(res_of(page, ref, f"page {number + 1}"), ref, "searchResults")

    return careers.unique_over(pages, ref, rows_of, position_id)


def signature(item: dict[str, Any]) -> str:
    """Title, places and team: what, changed, needs a fresh detail."""
    return incremental.signature(item.get("postingTitle"), item.get("locations"), item.get("team"))


def places(locations: Any) -> tuple[Place, ...]:
    """Location objects -> places: ``"{name or city}, {state}, {country}"`` without repeats."""
    found = []
    for loc in common.opt_list(locations):
        loc = common.opt_dict(loc)
        city = common.opt_str(loc.get("name")) or common.opt_str(loc.get("city"))
        parts = [
            city,
            common.opt_str(loc.get("stateProvince")),
            common.opt_str(loc.get("countryName")),
        ]
        raw = ", ".join(common.unique(p for p in parts if p))
        if raw:
            found.append(Place(raw=raw))
    return common.unique(found)


def detail_text(res: dict[str, Any]) -> str | None:
    """The detail's text fields, one after another (HTML or plain)."""
    parts = [common.opt_str(res.get(k)) for k in TEXT_KEYS]
    text = common.html_to_text("\n".join(p.replace("\n", "<br>") for p in parts if p))
    return text or None


def parse_result(
    item: dict[str, Any], detail: Any, ident: str, index: int, ref: SourceRef
) -> RawPosting:
    """One search result (with its details when fetched) -> RawPosting."""
    res = common.opt_dict(common.opt_dict(detail).get("res"))
    text = detail_text(res) if res else None
    team = common.opt_dict(item.get("team"))
    slug = common.opt_str(item.get("transformedPostingTitle")) or ""
    located = places(res.get("locations")) or places(item.get("locations"))
    extra = {
        "req_id": common.opt_str(item.get("reqId")),
        **careers.detail_flags(signature(item), res or None),
    }
    return RawPosting(
        external_id=ident,
        title=common.required_title(item, index, ref, key="postingTitle"),
        url=f"https://{DEFAULT_HOST}/en-us/details/{ident}/{slug}".rstrip("/"),
        team=common.opt_str(team.get("teamName")),
        location_raw="; ".join(p.raw for p in located) or None,
        structured_places=located,
        remote=bool(item.get("homeOffice")) if "homeOffice" in item else None,
        salary_texts=careers.pay_lines(text),
        description=text,
        posted_at=common.parse_iso(item.get("postDateInGMT")),
        extra={k: v for k, v in extra.items() if v is not None},
    )


def parse_detail_only(page: Any, index: int, ref: SourceRef) -> RawPosting:
    """A captured ``jobDetails`` answer on its own -> RawPosting."""
    res = res_of(page, ref, f"answer #{index + 1}")
    teams = common.opt_list(res.get("teamNames"))
    item = {
        "positionId": res.get("positionId") or res.get("jobNumber"),
        "postingTitle": res.get("postingTitle"),
        "transformedPostingTitle": res.get("transformedPostingTitle"),
        "locations": res.get("locations"),
        "postDateInGMT": res.get("postDateInGMT"),
        "homeOffice": res.get("homeOffice"),
        "team": {"teamName": teams[0] if teams else None},
    }
    ident = position_id(item)
    if not ident:
        raise common.malformed(ref, f"answer #{index + 1} has no 'positionId'")
    return parse_result(item, page, ident, index, ref)
