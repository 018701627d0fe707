"""SAP SuccessFactors career sites (Recruiting Marketing): HTML search pages.

``GET https://{host}/search/?q=...&startrow=N`` answers an HTML page with a results table
(``tr.data-row``: ``a.jobTitle-link`` to ``/job/{slug}/{id}/``, ``span.jobLocation``) and a
label ``Results <b>1 – 25</b> of <b>633</b>``, 25 rows a page. Pages are read until the total
is reached (complete or fail); a page that is neither a result table nor an empty search fails
the run.

Token: a name for the site (the company). Options: ``host`` (required, ``jobs.sap.com``,
``careers.celestica.com``), ``query`` (``q``), and any of the site's facet drop-downs as
``facet_<name>`` (``facet_country = "DE"`` -> ``optionsFacetsDD_country=DE``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

_BOLD = re.compile(r"<b>\s*([\d.,\s]+?)\s*</b>", re.IGNORECASE)
_JOB_ID = re.compile(r"/job/(?:[^/]+/)?(\d+)/?(?:[?#].*)?$")


class SuccessFactors:
    """SAP SuccessFactors career sites (HTML search); token = a name, option host + query."""

    ats: ClassVar[str] = "successfactors"

    def url(self, ref: SourceRef, start: int) -> str:
        """The search page starting at row ``start``."""
        params: list[tuple[str, str | int]] = [("q", careers.query(ref))]
        for key in sorted(ref.options):
            if key.startswith("facet_"):
                name = f"optionsFacetsDD_{key.removeprefix('facet_')}"
                params += [(name, value) for value in careers.values(ref, key)]
        params.append(("startrow", start))
        base = careers.base(ref, careers.required(ref, "host", "the career site's host"))
        return f"{base}/search/?{urlencode(params)}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every search page, as HTML, complete or SourceError."""

        async def page(start: int) -> careers.Page:
            html = await client.get_text(self.url(ref, start))
            rows, total = read_page(html, ref, start)
            return careers.Page(html, rows, total)

        return {"pages": await careers.offset_pages(ref, page, lambda row: row.external_id)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Search pages (HTML) -> postings, one per job id."""
        pages = payload.get("pages") if isinstance(payload, dict) else payload
        pages = [pages] if isinstance(pages, str) else pages
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise common.malformed(ref, "expected SuccessFactors search pages (HTML)")
        jobs: dict[str, RawPosting] = {}
        if len(pages) == 1 and (single := detail_page(pages[0], ref)) is not None:
            return [single]  # a captured job page
        for number, html in enumerate(pages):
            for row in read_page(html, ref, number)[0]:
                jobs.setdefault(row.external_id, row)
        return list(jobs.values())


def total(tree: Any) -> int | None:
    """The last bold number of the pagination label (``of <b>633</b>``)."""
    label = tree.css_first("span.paginationLabel")
    if label is None:
        return None
    numbers = _BOLD.findall(label.html or "")
    if not numbers:
        return None
    digits = re.sub(r"\D", "", numbers[-1])
    return int(digits) if digits else None


def read_page(html: str, ref: SourceRef, where: int) -> tuple[list[RawPosting], int | None]:
    """(the page's postings, the search's total); an unrecognised page fails."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    rows = [parse_row(node, ref) for node in tree.css("tr.data-row")]
    found = total(tree)
    if not rows and found is None and not tree.css(".keywordsearch-icon, #search-wrapper, form"):
        raise SourceError(
            f"{ref.key}: search page at row {where} is not a SuccessFactors result list"
        )
    return [r for r in rows if r is not None], found if found is not None else (
        0 if not rows else None
    )


def parse_row(row: Any, ref: SourceRef) -> RawPosting | None:
    """One result row -> RawPosting (None for a row without a job link)."""
    link = row.css_first("a.jobTitle-link")
    if link is None:
        return None
    href = link.attributes.get("href") or ""
    match = _JOB_ID.search(href)
    title = " ".join(link.text().split())
    if not match or not title:
        raise common.malformed(ref, f"result row {href!r} has no job id or title")
    place = row.css_first("td.colLocation span.jobLocation") or row.css_first("span.jobLocation")
    location = " ".join(place.text().split()) if place is not None else None
    host = careers.option(ref, "host")
    return RawPosting(
        external_id=match.group(1),
        title=title,
        url=f"https://{host}{href}" if host and href.startswith("/") else (href or None),
        location_raw=location or None,
        structured_places=(Place(raw=location),) if location else (),
        extra={"path": href},
    )


def detail_page(html: str, ref: SourceRef) -> RawPosting | None:
    """A job page (schema.org microdata: title, streetAddress, datePosted, description) -> its
    posting; None for a results page."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    if tree.css_first("tr.data-row") is not None:
        return None
    canonical = tree.css_first('link[rel="canonical"]')
    url = (canonical.attributes.get("href") if canonical is not None else None) or ""
    match = _JOB_ID.search(url)
    heading = tree.css_first('[itemprop="title"]')
    title = " ".join(heading.text().split()) if heading is not None else ""
    if not match or not title:
        return None

    def meta(prop: str) -> str | None:
        node = tree.css_first(f'meta[itemprop="{prop}"]')
        return common.opt_str(node.attributes.get("content")) if node is not None else None

    body = tree.css_first('[itemprop="description"]')
    text = common.html_to_text(body.html or "") if body is not None else ""
    location = meta("streetAddress")
    return RawPosting(
        external_id=match.group(1),
        title=title,
        url=url,
        location_raw=location,
        structured_places=(Place(raw=location),) if location else (),
        salary_texts=careers.pay_lines(text),
        description=text or None,
        extra={"date_posted": meta("datePosted")} if meta("datePosted") else {},
    )
