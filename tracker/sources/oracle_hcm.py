"""Oracle Recruiting Cloud (Oracle HCM Candidate Experience): Oracle itself and the operators
that use it.

``GET https://{host}/hcmRestApi/resources/latest/recruitingCEJobRequisitions?onlyData=true&
expand=requisitionList.secondaryLocations&finder=findReqs;siteNumber=...,limit=25,offset=N,
keyword="..."`` answers ``{"items": [{"TotalJobsCount", "requisitionList": [...]}]}`` with
PascalCase keys (``Id, Title, PostedDate, PrimaryLocation, WorkplaceType, secondaryLocations``).
``TotalJobsCount`` is the slice's size; pages are read until it is reached (complete or fail).
Details (``recruitingCEJobRequisitionDetails`` ``finder=ById;Id="...",siteNumber=...``: the
description split into ``*DescriptionStr`` fields) are fetched only for new or changed
postings.

Options: ``host`` (required, ``eeho.fa.us2.oraclecloud.com``), ``site`` (required: the site
number, ``CX_45001``; ``site_path`` when the public URL's ``/sites/<path>`` differs),
``query``, and the site's own facets as id lists: ``category`` (``selectedCategoriesFacet``),
``location`` (``selectedLocationsFacet``), ``organization``, ``title``, ``workplace_type``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common, incremental

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

PAGE_SIZE = 25
API = "/hcmRestApi/resources/latest"
FACETS = {
    "category": "selectedCategoriesFacet",
    "location": "selectedLocationsFacet",
    "organization": "selectedOrganizationsFacet",
    "title": "selectedTitlesFacet",
    "workplace_type": "selectedWorkplaceTypesFacet",
}
_ATOM = re.compile(r'[,;"=]')


class OracleHcm:
    """Oracle Recruiting Cloud sites (Oracle, operators); token = a slice name, host + site."""

    ats: ClassVar[str] = "oracle_hcm"

    def site(self, ref: SourceRef) -> str:
        """The site number (finder value)."""
        return careers.required(ref, "site", "the site number, e.g. CX_45001")

    def finder(self, ref: SourceRef, offset: int) -> str:
        """``findReqs;siteNumber=...,facetsList=NONE,limit=...,offset=...[,keyword=...]``."""
        parts = [f"siteNumber={self.site(ref)}", "facetsList=NONE", f"limit={PAGE_SIZE}"]
        parts.append(f"offset={offset}")
        words = careers.query(ref).replace('"', " ").strip()
        if words:
            parts.append(f'keyword="{words}"')
        for option, name in FACETS.items():
            ids = [v for v in careers.values(ref, option) if not _ATOM.search(v)]
            if ids:
                parts.append(f"{name}={';'.join(ids)}")
        return "findReqs;" + ",".join(parts)

    def search_url(self, ref: SourceRef, offset: int) -> str:
        """The requisitions search URL of the page at ``offset``."""
        params = {
            "onlyData": "true",
            "expand": "requisitionList.secondaryLocations",
            "finder": self.finder(ref, offset),
        }
        return f"{self._base(ref)}{API}/recruitingCEJobRequisitions?{urlencode(params)}"

    def detail_url(self, ref: SourceRef, ident: str) -> str:
        """The requisition details URL."""
        params = {
            "onlyData": "true",
            "expand": "all",
            "finder": f'ById;Id="{ident}",siteNumber={self.site(ref)}',
        }
        return f"{self._base(ref)}{API}/recruitingCEJobRequisitionDetails?{urlencode(params)}"

    def _base(self, ref: SourceRef) -> str:
        return careers.base(ref, careers.required(ref, "host", "e.g. eeho.fa.us2.oraclecloud.com"))

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page of the slice, plus details of new or changed requisitions."""

        async def page(offset: int) -> careers.Page:
            body = await client.get_json(self.search_url(ref, offset))
            block = search_block(body, ref, offset)
            rows = common.opt_list(block.get("requisitionList"))
            return careers.Page(body, rows, careers.total_of(block.get("TotalJobsCount")))

        pages = await careers.offset_pages(ref, page, req_id)
        items = requisitions(pages, ref)

        async def one(ident: str) -> Any:
            detail = await client.get_json(self.detail_url(ref, ident))
            found = common.opt_list(common.opt_dict(detail).get("items"))
            if not found:  # the requisition closed since the list was read
                return None
            return detail

        return await careers.with_details(ref, pages, items, signature, one)

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Search pages (+ details), or one captured details answer -> postings."""
        pages, details = careers.pages_and_details(payload, ref)
        if pages and all(is_detail_answer(p) for p in pages):
            rows = [common.opt_list(p.get("items"))[0] for p in pages]
            return [parse_requisition(r, {"items": [r]}, i, ref) for i, r in enumerate(rows)]
        items = requisitions(pages, ref)
        return [
            parse_requisition(item, details.get(ident), index, ref)
            for index, (ident, item) in enumerate(items.items())
        ]

    def posting_url(self, ref: SourceRef, ident: str) -> str | None:
        """``https://{host}/hcmUI/CandidateExperience/en/sites/{site}/job/{id}``."""
        host = careers.option(ref, "host")
        site = careers.option(ref, "site_path") or careers.option(ref, "site")
        if not host or not site:
            return None
        return f"https://{host}/hcmUI/CandidateExperience/en/sites/{site}/job/{quote(ident)}"


def search_block(body: Any, ref: SourceRef, where: int) -> dict[str, Any]:
    """``items[0]`` of a search answer: the block holding ``requisitionList``."""
    items = common.opt_list(common.opt_dict(body).get("items"))
    block = common.opt_dict(items[0]) if items else {}
    if not isinstance(block.get("requisitionList"), list):
        raise common.malformed(ref, f"search page at offset {where} has no 'requisitionList'")
    return block


def is_detail_answer(page: Any) -> bool:
    """A ``recruitingCEJobRequisitionDetails`` answer (items carry descriptions, no list)."""
    items = common.opt_list(common.opt_dict(page).get("items"))
    first = common.opt_dict(items[0]) if items else {}
    return "requisitionList" not in first and "Title" in first


def req_id(item: Any) -> str:
    return careers.id_text(common.opt_dict(item).get("Id"))


def requisitions(pages: list[Any], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{Id: requisition}`` over all pages."""
    return careers.unique_over(
        pages, ref, lambda page, number: search_block(page, ref, number)["requisitionList"], req_id
    )


def signature(item: dict[str, Any]) -> str:
    """Title and places: what, changed, needs a fresh detail."""
    return incremental.signature(
        item.get("Title"), item.get("PrimaryLocation"), item.get("secondaryLocations")
    )


def parse_requisition(item: dict[str, Any], detail: Any, index: int, ref: SourceRef) -> RawPosting:
    """One requisition (with its details when fetched) -> RawPosting."""
    rows = common.opt_list(common.opt_dict(detail).get("items"))
    info = common.opt_dict(rows[0]) if rows else {}
    html = "\n".join(
        common.opt_str(info.get(k)) or ""
        for k in (
            "ExternalDescriptionStr",
            "ExternalResponsibilitiesStr",
            "ExternalQualificationsStr",
            "CorporateDescriptionStr",
        )
    ).strip()
    text = common.html_to_text(html) if html else None
    ident = req_id(item) or req_id(info)
    if not ident:
        raise common.malformed(ref, f"requisition #{index + 1} has no 'Id'")
    names = [common.opt_str(item.get("PrimaryLocation"))]
    for loc in common.opt_list(item.get("secondaryLocations")) + common.opt_list(
        info.get("secondaryLocations")
    ):
        name = common.opt_dict(loc).get("Name") if isinstance(loc, dict) else loc
        names.append(common.opt_str(name))
    raws = common.unique(n for n in names if n)
    extra: dict[str, Any] = {"workplace_type": common.opt_str(item.get("WorkplaceType"))}
    extra.update(careers.detail_flags(signature(item), info or None))
    return RawPosting(
        external_id=ident,
        title=common.required_title(item, index, ref, key="Title"),
        url=OracleHcm().posting_url(ref, ident),
        location_raw=raws[0] if raws else None,
        structured_places=tuple(Place(raw=r) for r in raws),
        remote=remote(item.get("WorkplaceType") or item.get("WorkplaceTypeCode")),
        salary_texts=careers.pay_lines(text),
        description=text,
        posted_at=common.parse_iso(item.get("PostedDate") or info.get("ExternalPostedStartDate")),
        extra={k: v for k, v in extra.items() if v is not None},
    )


def remote(value: Any) -> bool | None:
    """``WorkplaceType``: Remote -> True, On-site/Hybrid -> False, empty -> None."""
    text = (common.opt_str(value) or "").lower()
    if not text:
        return None
    return "remote" in text and "hybrid" not in text
