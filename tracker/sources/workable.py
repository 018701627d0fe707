"""Workable job boards: ``POST /api/v3/accounts/{account}/jobs`` pages by a ``nextPage`` token.

Details (``GET /api/v2/accounts/{account}/jobs/{shortcode}``: description, requirements,
benefits) are fetched only for new or changed postings (see :mod:`tracker.sources.incremental`).
The payload is ``{"pages": [...], "details": {shortcode: detail | None}}``; ``parse`` also takes
one captured page or an array of pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import common, incremental, prose
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://apply.workable.com"
MAX_PAGES = 500
SEARCH: dict[str, Any] = {"query": ""}  # a cursor page adds "token"; "limit" is refused
TEXTS = ("description", "requirements", "benefits")


class Workable:
    """Workable job boards (apply.workable.com); token = the account name."""

    ats: ClassVar[str] = "workable"

    def url(self, ref: SourceRef) -> str:
        """The v3 jobs search endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/api/v3/accounts/{ref.token}/jobs"

    def detail_url(self, ref: SourceRef, shortcode: str) -> str:
        """The v2 job endpoint."""
        base = common.base_url(ref, DEFAULT_BASE)
        return f"{base}/api/v2/accounts/{ref.token}/jobs/{shortcode}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page (following ``nextPage``), plus details of new or changed postings."""
        pages: list[dict[str, Any]] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            body = {**SEARCH, "token": token} if token else dict(SEARCH)
            page = await client.post_json(self.url(ref), body)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise common.malformed(ref, f"page {len(pages) + 1} has no 'results' array")
            pages.append(page)
            token = common.opt_str(page.get("nextPage"))
            if not token or not page["results"]:
                break
            if token in seen or len(pages) >= MAX_PAGES:
                raise SourceError(f"{ref.key}: Workable paging does not end (token {token!r})")
            seen.add(token)
        items = unique_items(pages, ref)
        listed = [(code, code, list_signature(item)) for code, item in items.items()]
        keys = [key for key, _ in incremental.wanted(ref, listed)]

        async def detail(shortcode: str) -> Any:
            data = await client.get_json(self.detail_url(ref, shortcode))
            if not isinstance(data, dict):
                raise common.malformed(ref, f"detail of job {shortcode} is not an object")
            return data

        return {"pages": pages, "details": await incremental.fetch_details(keys, detail)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages (+ details) -> postings, one per shortcode."""
        pages, details = incremental.split_payload(payload, ref, "results")
        items = unique_items(pages, ref)
        return [parse_job(item, details.get(code), ref) for code, item in items.items()]


def unique_items(pages: list[dict[str, Any]], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{shortcode: job}`` over all pages, first occurrence kept, shapes checked."""
    items: dict[str, dict[str, Any]] = {}
    index = 0
    for page in pages:
        for job in page["results"]:
            job = common.expect_job(job, index, ref)
            code = common.required_id(job, index, ref, key="shortcode")
            common.required_title(job, index, ref)
            items.setdefault(code, job)
            index += 1
    return items


def list_signature(job: dict[str, Any]) -> str:
    """The list fields whose change calls for a fresh detail."""
    keys = ("title", "location", "locations", "remote", "workplace", "department", "type")
    return incremental.signature(*(job.get(k) for k in keys), job.get("published"))


def parse_job(job: dict[str, Any], detail: Any, ref: SourceRef) -> RawPosting:
    """One listed job, with its detail when there is one, -> RawPosting."""
    full = {**job, **common.opt_dict(detail)}
    code = str(job["shortcode"]).strip()
    parts = [common.opt_str(full.get(k)) for k in TEXTS]
    text = common.clean_text("\n\n".join(common.html_to_text(p) for p in parts if p)) or None
    departments = [d for d in common.opt_list(job.get("department")) if common.opt_str(d)]
    return RawPosting(
        external_id=code,
        title=str(job["title"]).strip(),
        url=f"https://apply.workable.com/{ref.token}/j/{code}/",
        department=str(departments[0]).strip() if departments else None,
        team=str(departments[1]).strip() if len(departments) > 1 else None,
        location_raw=common.opt_str(common.opt_dict(job.get("location")).get("display")),
        structured_places=places(job),
        remote=remote(job),
        salary_texts=prose.pay_lines([text]) if text else (),
        description=text,
        posted_at=common.parse_iso(job.get("published")),
        extra=_extra(job, detail is not None),
    )


def parse_detail(detail: Any, ref: SourceRef) -> RawPosting:
    """A v2 detail response on its own -> RawPosting."""
    data = common.expect_job(detail, 0, ref)
    common.required_id(data, 0, ref, key="shortcode")
    common.required_title(data, 0, ref)
    return parse_job(data, data, ref)


def places(job: dict[str, Any]) -> tuple[Place, ...]:
    """``locations[]`` (hidden ones skipped), else ``location``: city, region, country."""
    found = []
    items = [common.opt_dict(i) for i in common.opt_list(job.get("locations"))]
    for item in [i for i in items if i.get("hidden") is not True] or [
        common.opt_dict(job.get("location"))
    ]:
        city = common.opt_str(item.get("city"))
        region, country = common.opt_str(item.get("region")), common.opt_str(item.get("country"))
        parts = common.unique(p for p in (city, region, country) if p)
        code = common.opt_str(item.get("countryCode"))
        if parts:
            found.append(
                Place(raw=", ".join(parts), city=city, country=code.upper() if code else None)
            )
    return common.unique(found)


def remote(job: dict[str, Any]) -> bool | None:
    """``workplace`` (remote / hybrid / on_site), else the ``remote`` flag."""
    workplace = (common.opt_str(job.get("workplace")) or "").lower()
    if workplace:
        return workplace == "remote"
    flag = job.get("remote")
    return flag if isinstance(flag, bool) else None


def _extra(job: dict[str, Any], has_detail: bool) -> dict[str, Any]:
    extra = {
        "signature": list_signature(job),
        "detail": has_detail,
        "id": job.get("id"),
        "employment_type": common.opt_str(job.get("type")),
        "workplace": common.opt_str(job.get("workplace")),
        "language": common.opt_str(job.get("language")),
    }
    return {k: v for k, v in extra.items() if v is not None}
