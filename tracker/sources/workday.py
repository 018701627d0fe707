"""Workday CXS job sites: paged search, facet splits past the result cap, incremental details.

``POST {base}/wday/cxs/{tenant}/{site}/jobs`` with ``{"appliedFacets", "limit", "offset",
"searchText"}`` returns 20 postings a page. Only the first page's ``total`` is trusted (later
pages often say 0); the remaining pages are requested concurrently (``per_host`` bounds them).

Large tenants cap an unfiltered search (NVIDIA says ``total: 2000`` for ~2,550 postings). Then the
search is split by one of the ``facets`` the response offers (job family, location, ...) whose
counts cover the whole board, each slice read on its own (split again if it is still capped) and
the slices united by ``externalPath``. The board's size is taken from the top-level facets (one
value per posting, so a complete one sums to the size); the split is accepted only if the union
holds that many postings, less 1 % for postings closing mid-read. When no facet covers the board,
or the union falls short, the fetch fails.

Details (``GET .../job/{path}``: description, every location, start date) are fetched only for new
or changed postings; see :mod:`tracker.sources.incremental`. The payload is
``{"pages": [...], "details": {externalPath: detail | None}}``; ``parse`` also takes one captured
page or an array of pages. ``external_id`` is the requisition id (``bulletFields[0]``), the
``externalPath``'s id suffix when a requisition is posted twice, else the ``externalPath``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import common, incremental
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

PAGE_SIZE = 20
RESULT_CAP = 2000
SLACK = 0.01  # share of postings that may close while a split board is read
MAX_PAGES = 1000  # per query, when the total cannot be trusted
_COUNT_ONLY = re.compile(r"^\s*\d+\s+locations?\s*$", re.IGNORECASE)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Facet:
    """One facet the search offers: its parameter and ``(value id, count)`` pairs."""

    param: str
    values: tuple[tuple[str, int], ...]
    nested: bool = False  # came from a group such as ``locationMainGroup``

    @property
    def total(self) -> int:
        return sum(count for _, count in self.values)

    @property
    def largest(self) -> int:
        return max((count for _, count in self.values), default=0)

    @property
    def cost(self) -> int:
        """Pages needed to read every slice."""
        return sum(math.ceil(count / PAGE_SIZE) for _, count in self.values)


class Workday:
    """Workday job sites (CXS API); token = tenant, plus the host and site options."""

    ats: ClassVar[str] = "workday"

    def base(self, ref: SourceRef) -> str:
        """``api_base``, else ``https://{host}``."""
        if ref.api_base:
            return ref.api_base.rstrip("/")
        host = common.opt_str(ref.options.get("host"))
        if not host:
            raise SourceError(
                f"{ref.key}: workday needs the host option (tenant.wdN.myworkdayjobs.com)"
            )
        return f"https://{host.rstrip('/')}"

    def site(self, ref: SourceRef) -> str:
        """The career site name (``options["site"]``)."""
        site = common.opt_str(ref.options.get("site"))
        if not site:
            raise SourceError(f"{ref.key}: workday needs the site option (the career site name)")
        return site

    def url(self, ref: SourceRef) -> str:
        """The search endpoint."""
        return f"{self.base(ref)}/wday/cxs/{ref.token}/{self.site(ref)}/jobs"

    def detail_url(self, ref: SourceRef, external_path: str) -> str:
        """The detail endpoint of one posting (``externalPath`` starts with ``/job/``)."""
        path = external_path if external_path.startswith("/job/") else f"/job/{external_path}"
        return f"{self.base(ref)}/wday/cxs/{ref.token}/{self.site(ref)}{quote(path, _PATH_SAFE)}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page (split by facets past the cap), plus details of new/changed postings."""
        pages = await _Search(client, self.url(ref), ref).board()
        items = unique_items(pages, ref)
        ids = external_ids(items)
        listed = ((path, ids[path], list_signature(item)) for path, item in items.items())
        keys = [key for key, _ in incremental.wanted(ref, listed)]

        async def one(path: str) -> Any:
            detail = await client.get_json(self.detail_url(ref, path))
            if not isinstance(common.opt_dict(detail).get("jobPostingInfo"), dict):
                raise common.malformed(ref, f"detail of {path} has no 'jobPostingInfo' object")
            return detail

        details = await incremental.fetch_details(keys, one)
        return {"pages": pages, "details": details}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages (+ details) -> postings, one per ``externalPath``."""
        pages, details = incremental.split_payload(payload, ref, "jobPostings")
        items = unique_items(pages, ref)
        ids = external_ids(items)
        return [
            parse_posting(item, ids[path], details.get(path), ref) for path, item in items.items()
        ]


class _Search:
    """Reads one board: pages of a query, facet splits of capped queries."""

    def __init__(self, client: HttpClient, url: str, ref: SourceRef) -> None:
        self.client, self.url, self.ref = client, url, ref

    async def page(self, applied: dict[str, list[str]], offset: int) -> dict[str, Any]:
        body = {"appliedFacets": applied, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
        page = await self.client.post_json(self.url, body)
        where = f"search page at offset {offset}"
        if not isinstance(page, dict):
            raise common.malformed(self.ref, f"{where} is {common.type_name(page)}")
        postings = page.setdefault("jobPostings", [])
        if not isinstance(postings, list) or (not postings and _total(page) is None):
            keys = ", ".join(sorted(str(k) for k in page)[:8])
            raise common.malformed(self.ref, f"{where} is an object without postings ({keys})")
        return page

    async def board(self) -> list[dict[str, Any]]:
        first = await self.page({}, 0)
        return await self.query({}, first)

    async def query(self, applied: dict[str, list[str]], first: dict[str, Any]) -> list[Any]:
        total = _total(first)
        if total is not None and total >= RESULT_CAP:
            return await self.split(applied, first)
        return await self.pages(applied, first, total)

    async def pages(
        self, applied: dict[str, list[str]], first: dict[str, Any], total: int | None
    ) -> list[dict[str, Any]]:
        """Every page of an uncapped query; later pages' totals are ignored."""
        got = len(first["jobPostings"])
        if got == 0:
            return [first]
        step = min(got, PAGE_SIZE)
        if total is not None and total >= got:
            offsets = range(step, total, step)
            if len(offsets) > MAX_PAGES:
                raise SourceError(f"{self.ref.key}: {total} postings need over {MAX_PAGES} pages")
            later = await incremental.gather_all(self.page(applied, o) for o in offsets)
            return [first, *later]
        pages, offset = [first], got
        while len(pages[-1]["jobPostings"]) >= step:
            if len(pages) > MAX_PAGES:
                raise SourceError(f"{self.ref.key}: search did not end after {MAX_PAGES} pages")
            pages.append(await self.page(applied, offset))
            offset += len(pages[-1]["jobPostings"])
        return pages

    async def split(self, applied: dict[str, list[str]], first: dict[str, Any]) -> list[Any]:
        """A capped query read slice by slice along one facet; fails if it stays incomplete."""
        facets = flatten_facets(first.get("facets"))
        size = board_size(facets, applied)
        facet = choose_facet(facets, applied, size)
        where = f" within {applied}" if applied else ""
        if facet is None:
            raise SourceError(
                f"{self.ref.key}: the search{where} reaches Workday's {RESULT_CAP}-result cap "
                f"and no facet splits all of its {size}+ postings; the board cannot be read "
                "completely"
            )
        pages: list[Any] = [first]
        for value, _count in facet.values:
            sliced = {**applied, facet.param: [value]}
            pages += await self.query(sliced, await self.page(sliced, 0))
        found = len(unique_items(pages, self.ref))
        if found < size - slack(size):
            raise SourceError(
                f"{self.ref.key}: split by {facet.param}{where}, the search found {found} "
                f"postings but its facet counts show {size}; the board cannot be read completely"
            )
        return pages


def _total(page: dict[str, Any]) -> int | None:
    value = page.get("total")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def flatten_facets(value: Any, nested: bool = False) -> list[Facet]:
    """The response's ``facets`` as a flat list (groups such as ``locationMainGroup`` opened)."""
    found: list[Facet] = []
    for facet in common.opt_list(value):
        facet = common.opt_dict(facet)
        values = [common.opt_dict(v) for v in common.opt_list(facet.get("values"))]
        groups = [v for v in values if "facetParameter" in v and isinstance(v.get("values"), list)]
        if groups:
            found += flatten_facets(groups, nested=True)
            continue
        param = common.opt_str(facet.get("facetParameter"))
        pairs = tuple(
            (str(v["id"]), v["count"])
            for v in values
            if common.opt_str(v.get("id"))
            and isinstance(v.get("count"), int)
            and not isinstance(v.get("count"), bool)
            and v["count"] > 0
        )
        if param and pairs:
            found.append(Facet(param, pairs, nested))
    return found


def board_size(facets: list[Facet], applied: dict[str, list[str]]) -> int:
    """A lower bound of a capped search's size: the largest sum of its top-level facets.

    Top-level facets (job family, time type, worker type) carry one value per posting, so a
    complete one sums to the search's size; location groups may count a posting several times
    and are left out. Facets already applied are left out too (they may be counted as if not
    applied).
    """
    flat = [f.total for f in facets if not f.nested and f.param not in applied]
    return max([RESULT_CAP, *flat])


def slack(size: int) -> int:
    """Postings that may close while a split board is read."""
    return max(2, math.ceil(size * SLACK))


def choose_facet(facets: list[Facet], applied: dict[str, list[str]], size: int) -> Facet | None:
    """The facet to split a capped search of ``size`` postings by, or None.

    Only facets that cover the search qualify (their sum reaches ``size``, less the slack) and
    that split it (several values, or one under the cap). Facets whose every value is under
    the cap come first (no further split), then the cheapest in pages.
    """
    usable = [f for f in facets if f.param not in applied]
    usable = [f for f in usable if len(f.values) > 1 or f.largest < RESULT_CAP]
    covering = [f for f in usable if f.total >= size - slack(size)]
    if not covering:
        return None
    return min(covering, key=lambda f: (f.largest >= RESULT_CAP, f.cost, f.param))


def unique_items(pages: list[Any], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{externalPath: list item}`` over all pages, first occurrence kept, shapes checked."""
    items: dict[str, dict[str, Any]] = {}
    index = 0
    for page in pages:
        for item in common.opt_list(common.opt_dict(page).get("jobPostings")):
            item = common.expect_job(item, index, ref)
            path = common.opt_str(item.get("externalPath"))
            if not path:
                raise common.malformed(ref, f"posting #{index + 1} has no 'externalPath'")
            common.required_title(item, index, ref)
            items.setdefault(path, item)
            index += 1
    return items


def requisition(item: dict[str, Any]) -> str | None:
    """``bulletFields[0]`` when it looks like an id (no spaces, has a digit)."""
    fields = common.opt_list(item.get("bulletFields"))
    value = common.opt_str(fields[0]) if fields else None
    if value and len(value) <= 64 and not any(c.isspace() for c in value):
        return value if any(c.isdigit() for c in value) else None
    return None


def path_id(path: str) -> str | None:
    """The id suffix of an ``externalPath`` (``..._R0006260-1`` -> ``R0006260-1``)."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return tail.rsplit("_", 1)[1] if "_" in tail and tail.rsplit("_", 1)[1] else None


def external_ids(items: dict[str, dict[str, Any]]) -> dict[str, str]:
    """A unique, stable id per posting (see the module docstring)."""
    reqs = {path: requisition(item) for path, item in items.items()}
    counts = Counter(r for r in reqs.values() if r)
    ids = {
        path: req if req and counts[req] == 1 else (path_id(path) if req else None) or path
        for path, req in reqs.items()
    }
    clashes = Counter(ids.values())
    return {path: path if clashes[value] > 1 else value for path, value in ids.items()}


def list_signature(item: dict[str, Any]) -> str:
    """Title, location text and path: what, changed, needs a new detail (not ``postedOn``)."""
    return incremental.signature(
        item.get("title"), item.get("locationsText"), item.get("externalPath")
    )


def parse_posting(
    item: dict[str, Any], external_id: str, detail: Any, ref: SourceRef
) -> RawPosting:
    """One list item, with its detail when there is one, -> RawPosting."""
    info = common.opt_dict(common.opt_dict(detail).get("jobPostingInfo"))
    path = str(item["externalPath"])
    listed = common.opt_str(item.get("locationsText"))
    html = common.opt_str(info.get("jobDescription"))
    text = common.html_to_text(html) if html else None
    places = detail_places(info) or list_places(listed)
    return RawPosting(
        external_id=external_id,
        title=str(item["title"]).strip(),
        url=posting_url(ref, path) or common.opt_str(info.get("externalUrl")),
        location_raw=common.opt_str(info.get("location")) or listed,
        structured_places=places,
        remote=remote(info.get("remoteType")),
        salary_texts=tuple(common.salary_lines([text])) if text else (),
        description=text or None,
        posted_at=common.parse_iso(info.get("startDate")),
        extra=_extra(item, common.opt_dict(detail)),
    )


def parse_detail(detail: Any, ref: SourceRef) -> RawPosting:
    """A detail response on its own (a captured ``.../job/...`` payload) -> RawPosting."""
    info = common.opt_dict(common.opt_dict(detail).get("jobPostingInfo"))
    if not info:
        raise common.malformed(ref, "expected an object with a 'jobPostingInfo' object")
    title = common.required_title(info, 0, ref)
    url = common.opt_str(info.get("externalUrl")) or ""
    posting_id = common.opt_str(info.get("jobPostingId")) or ""
    path = url[url.index("/job/") :] if "/job/" in url else f"/job/{posting_id}"
    item = {"title": title, "externalPath": path, "locationsText": info.get("location")}
    item["bulletFields"] = [info.get("jobReqId")]
    return parse_posting(item, external_ids({path: item})[path], detail, ref)


def posting_url(ref: SourceRef, path: str) -> str | None:
    """``https://{host}/{site}{externalPath}``, the form of the detail's ``externalUrl``."""
    host = common.opt_str(ref.options.get("host"))
    site = common.opt_str(ref.options.get("site"))
    return f"https://{host.rstrip('/')}/{site}{path}" if host and site else None


def list_places(locations_text: str | None) -> tuple[Place, ...]:
    """The list's ``locationsText`` as a raw place ("3 Locations" stays a count, not a place)."""
    return (Place(raw=locations_text),) if locations_text else ()


def detail_places(info: dict[str, Any]) -> tuple[Place, ...]:
    """``location`` then ``additionalLocations``; the requisition's country code on its place."""
    names = [info.get("location"), *common.opt_list(info.get("additionalLocations"))]
    requisition_place = common.opt_dict(info.get("jobRequisitionLocation"))
    anchor = common.opt_str(requisition_place.get("descriptor"))
    code = common.opt_str(common.opt_dict(requisition_place.get("country")).get("alpha2Code"))
    places = []
    for name in names:
        raw = common.opt_str(name)
        if raw and not _COUNT_ONLY.match(raw):
            places.append(Place(raw=raw, country=code.upper() if code and raw == anchor else None))
    return common.unique(places)


def remote(value: Any) -> bool | None:
    """``remoteType`` (some tenants): Remote -> True, Hybrid/On-site -> False, else None."""
    text = (common.opt_str(value) or "").lower()
    if not text:
        return None
    if "remote" in text and "hybrid" not in text:
        return True
    return False if any(w in text for w in ("hybrid", "site", "office", "onsite")) else None


def _extra(item: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """Provenance, the list signature and whether the detail was used."""
    info = common.opt_dict(detail.get("jobPostingInfo"))
    organization = common.opt_dict(detail.get("hiringOrganization"))
    extra = {
        "signature": list_signature(item),
        "detail": bool(info),
        "external_path": item.get("externalPath"),
        "posted_on": common.opt_str(item.get("postedOn")),
        "requisition_id": common.opt_str(info.get("jobReqId")) or requisition(item),
        "time_type": common.opt_str(info.get("timeType")),
        "legal_entity": common.opt_str(organization.get("name")),
    }
    return {k: v for k, v in extra.items() if v is not None}
