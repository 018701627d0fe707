"""amazon.jobs search JSON: one slice of Amazon's (and AWS's) career site.

``GET https://www.amazon.jobs/en/search.json?base_query=...&offset=N&result_limit=100&sort=recent``
returns ``{"error", "hits", "jobs": [...]}``; every hit already carries the description and
qualifications, so there is no detail request. ``hits`` is the slice's size; pages are read
until it is reached (complete or fail, see :mod:`tracker.sources.careers`). An ``error`` string
with HTTP 200 (``"Result limit cannot be greater than 100"``) is a failure, not an empty board.

Options: ``query`` (keywords), and the site's own filters, each one value or a list:
``category`` (``category[]``, e.g. ``data-center``), ``business_category`` (e.g. ``aws``),
``country`` (``normalized_country_code[]``, ISO 3166 alpha-3 such as ``USA``), ``team``
(``team[]``). Pay is only in the description (``USA, WA, Seattle - 143,700.00 - 194,400.00 USD
annually``); ``posted_date`` is ``"April  9, 2026"`` (double space).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_HOST = "www.amazon.jobs"
PAGE_SIZE = 100  # the site's maximum result_limit
FILTERS = {
    "category": "category[]",
    "business_category": "business_category[]",
    "country": "normalized_country_code[]",
    "team": "team[]",
}


class Amazon:
    """amazon.jobs (Amazon, AWS); token = a slice name, options query + category/country/..."""

    ats: ClassVar[str] = "amazon"

    def url(self, ref: SourceRef, offset: int) -> str:
        """The search URL of the page at ``offset`` (filters as repeated ``name[]`` keys)."""
        params: list[tuple[str, str | int]] = [("base_query", careers.query(ref))]
        for option, name in FILTERS.items():
            params += [(name, value) for value in careers.values(ref, option)]
        params += [("offset", offset), ("result_limit", PAGE_SIZE), ("sort", "recent")]
        return f"{careers.base(ref, DEFAULT_HOST)}/en/search.json?{urlencode(params)}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page of the slice."""

        async def page(offset: int) -> careers.Page:
            body = await client.get_json(self.url(ref, offset))
            jobs = check_page(body, ref, offset)
            return careers.Page(body, jobs, careers.total_of(body.get("hits")))

        return {"pages": await careers.offset_pages(ref, page, job_id)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages -> postings, one per ``id_icims``."""
        captured = payload.get("pages", payload) if isinstance(payload, dict) else payload
        for number, page in enumerate(captured if isinstance(captured, list) else [captured]):
            if isinstance(page, dict) and page.get("error"):
                check_page(page, ref, number)  # the site's own error, not a shape error
        pages, _ = careers.split(payload, ref, "jobs")
        for number, page in enumerate(pages):
            check_page(page, ref, number)
        jobs = careers.unique_by((j for p in pages for j in p["jobs"]), ref, job_id)
        return [parse_job(job, index, ref) for index, job in enumerate(jobs.values())]


def check_page(body: Any, ref: SourceRef, where: int) -> list[Any]:
    """The page's jobs; an ``error`` (HTTP 200 soft failure) or a missing array fails."""
    if not isinstance(body, dict):
        raise common.malformed(ref, f"search page {where} is {common.type_name(body)}")
    if body.get("error"):
        raise SourceError(f"{ref.key}: amazon.jobs answered an error: {body['error']}")
    return common.expect_jobs(body, ref, "jobs")


def job_id(job: Any) -> str:
    """``id_icims`` (the number in the job's URL), else the UUID ``id``."""
    item = common.opt_dict(job)
    return str(item.get("id_icims") or item.get("id") or "")


def parse_job(job: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One search hit -> RawPosting."""
    html = "<br/>".join(
        common.opt_str(job.get(k)) or ""
        for k in ("description", "basic_qualifications", "preferred_qualifications")
    )
    text = common.html_to_text(html)
    path = common.opt_str(job.get("job_path"))
    team = common.opt_dict(job.get("team"))
    places = job_places(job)
    return RawPosting(
        external_id=job_id(job),
        title=common.required_title(job, index, ref),
        url=f"https://{DEFAULT_HOST}{path}" if path else None,
        department=common.opt_str(job.get("job_category")),
        team=common.opt_str(team.get("label")),
        location_raw=common.opt_str(job.get("normalized_location"))
        or common.opt_str(job.get("location")),
        structured_places=places,
        remote=remote(job),
        salary_texts=careers.pay_lines(text),
        description=text or None,
        posted_at=posted(job.get("posted_date")),
        extra={
            k: v
            for k, v in {
                "business_category": common.opt_str(job.get("business_category")),
                "legal_entity": common.opt_str(job.get("company_name")),
                "uuid": common.opt_str(job.get("id")),
            }.items()
            if v
        },
    )


def _locations(job: dict[str, Any]) -> list[dict[str, Any]]:
    """``locations``: JSON strings (or objects) of structured places."""
    found = []
    for item in common.opt_list(job.get("locations")):
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                continue
        if isinstance(item, dict):
            found.append(item)
    return found


def job_places(job: dict[str, Any]) -> tuple[Place, ...]:
    """Each structured location (raw text + ISO-2 country), else the ``location`` text."""
    places = []
    for loc in _locations(job):
        raw = common.opt_str(loc.get("normalizedLocation")) or common.opt_str(loc.get("location"))
        code = common.opt_str(loc.get("countryIso2a"))
        if raw:
            places.append(Place(raw=raw, country=code.upper() if code else None))
    if not places and common.opt_str(job.get("location")):
        places.append(Place(raw=str(job["location"]).strip()))
    return common.unique(places)


def remote(job: dict[str, Any]) -> bool | None:
    """True when every structured location is of type REMOTE; None without types."""
    kinds = {str(loc.get("type", "")).upper() for loc in _locations(job) if loc.get("type")}
    if not kinds:
        return None
    return kinds == {"REMOTE"}


def posted(value: Any) -> datetime | None:
    """``"April  9, 2026"`` -> 2026-04-09 UTC."""
    text = " ".join(str(value or "").split())
    try:
        return datetime.strptime(text, "%B %d, %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
