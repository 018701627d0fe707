"""iCIMS hosted career portals (``careers-{company}.icims.com``): HTML search pages.

``GET https://{token}.icims.com/jobs/search?ss=1&in_iframe=1&pr=N&searchKeyword=...`` answers
an HTML page of job cards (``li.iCIMS_JobCardItem``: a link ``/jobs/{id}/{slug}/job``, an
``h3`` title, "Location" and "ID" header fields, Category / Position Type / Remote tags) and
a "Page 1 of 31" label (``pr`` is 0-based). Every page up to the label's last is read; a later
page without cards, or a page that is neither a result list nor an empty search (a login or
error page), fails the run. A single-page portal may omit the label.

Token: the portal's host name before ``.icims.com`` (``careers-equinix``). Options: ``query``
(``searchKeyword``), ``category`` (``searchCategory`` id), ``location`` (``searchLocation``,
e.g. ``12781-12827-Austin``).
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

_PAGE_OF = re.compile(r"Page\s+(\d+)\s+of\s+(\d+)", re.IGNORECASE)
_JOB_HREF = re.compile(r"/jobs/(\d+)/([^/?#]+)/job", re.IGNORECASE)
FILTERS = {"category": "searchCategory", "location": "searchLocation"}


class Icims:
    """iCIMS career portals (HTML search); token = the host before .icims.com."""

    ats: ClassVar[str] = "icims"

    def url(self, ref: SourceRef, page: int) -> str:
        """The search page ``page`` (0-based ``pr``)."""
        params: list[tuple[str, str | int]] = [("ss", 1), ("in_iframe", 1), ("pr", page)]
        if careers.query(ref):
            params.append(("searchKeyword", careers.query(ref)))
        for option, name in FILTERS.items():
            params += [(name, value) for value in careers.values(ref, option)]
        return f"{careers.base(ref, f'{ref.token}.icims.com')}/jobs/search?{urlencode(params)}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every search page, as HTML, complete or SourceError."""
        first = await client.get_text(self.url(ref, 0))
        cards, pages = read_page(first, ref, 0)
        found = [first]
        if pages > 500:
            raise SourceError(f"{ref.key}: {pages} pages is more than a slice should hold")
        for number in range(1, pages):
            html = await client.get_text(self.url(ref, number))
            cards, _ = read_page(html, ref, number)
            if not cards:
                raise SourceError(
                    f"{ref.key}: search page {number + 1} of {pages} has no jobs; "
                    "the portal cannot be read completely"
                )
            found.append(html)
        return {"pages": found}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Search pages (HTML) -> postings, one per job id."""
        pages = payload.get("pages") if isinstance(payload, dict) else payload
        pages = [pages] if isinstance(pages, str) else pages
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise common.malformed(ref, "expected iCIMS search pages (HTML)")
        jobs: dict[str, RawPosting] = {}
        if len(pages) == 1 and (single := detail_page(pages[0], ref)) is not None:
            return [single]  # a captured job page
        for number, html in enumerate(pages):
            cards, _ = read_page(html, ref, number)
            for card in cards:
                jobs.setdefault(card.external_id, card)
        return list(jobs.values())


def read_page(html: str, ref: SourceRef, number: int) -> tuple[list[RawPosting], int]:
    """(the page's postings, the number of pages); an unrecognised page fails."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    cards = [parse_card(node, ref) for node in tree.css("li.iCIMS_JobCardItem")]
    label = _PAGE_OF.search(tree.body.text() if tree.body is not None else "")
    pages = int(label.group(2)) if label else 1
    if not cards and not label and not tree.css("form, #jsb_form, .iCIMS_NoJobs, .iCIMS_JobsTable"):
        raise SourceError(f"{ref.key}: search page {number + 1} is not an iCIMS result list")
    return [c for c in cards if c is not None], max(1, pages)


def _fields(card: Any) -> dict[str, str]:
    """Header fields (sr-only labels) and tag fields (dt/dd) of a card."""
    fields: dict[str, str] = {}
    for label in card.css("span.sr-only.field-label"):
        value = label.next
        while value is not None and (
            value.tag != "span" or "sr-only" in (value.attributes.get("class") or "")
        ):
            value = value.next
        name = label.text(strip=True).lower()
        if value is not None and name not in fields:
            fields[name] = " ".join(value.text().split())
    for tag in card.css(".iCIMS_JobHeaderTag"):
        dt, dd = tag.css_first("dt"), tag.css_first("dd")
        if dt is not None and dd is not None:
            fields.setdefault(dt.text(strip=True).lower(), " ".join(dd.text().split()))
    return fields


def parse_card(card: Any, ref: SourceRef) -> RawPosting | None:
    """One job card -> RawPosting (None for a card without a job link)."""
    link = next(
        (a for a in card.css("a[href]") if _JOB_HREF.search(a.attributes.get("href") or "")),
        None,
    )
    if link is None:
        return None
    href = link.attributes.get("href") or ""
    match = _JOB_HREF.search(href)
    assert match is not None
    heading = link.css_first("h3")
    title = " ".join((heading.text() if heading is not None else link.text()).split())
    if not title:
        raise common.malformed(ref, f"job {match.group(1)} has no title")
    fields = _fields(card)
    location = fields.get("location") or fields.get("job locations")
    description = card.css_first(".description")
    text = common.clean_text(description.text()) if description is not None else ""
    remote_tag = (fields.get("remote") or "").lower()
    return RawPosting(
        external_id=match.group(1),
        title=title,
        url=href.split("?")[0] if href.startswith("http") else None,
        department=fields.get("category"),
        location_raw=location,
        structured_places=(Place(raw=location),) if location else (),
        remote=True if remote_tag == "yes" else (False if remote_tag == "no" else None),
        salary_texts=careers.pay_lines(text),
        description=text or None,
        extra={
            k: v
            for k, v in {
                "requisition_id": fields.get("id"),
                "position_type": fields.get("position type"),
            }.items()
            if v
        },
    )


def detail_page(html: str, ref: SourceRef) -> RawPosting | None:
    """A job page (no cards, a schema.org JobPosting) -> its posting, else None."""
    from selectolax.lexbor import LexborHTMLParser

    from tracker.sources import jsonld

    tree = LexborHTMLParser(html)
    if tree.css_first("li.iCIMS_JobCardItem") is not None:
        return None
    scripts = [n.text() for n in tree.css('script[type="application/ld+json"]')]
    postings = jsonld.scripts_job_postings(scripts)
    canonical = tree.css_first('link[rel="canonical"]')
    url = (canonical.attributes.get("href") if canonical is not None else None) or ""
    url = url or str(postings[0].get("url") or "") if postings else url
    match = _JOB_HREF.search(url)
    if not postings or not match:
        return None
    return jsonld.to_raw(postings[0], match.group(1), url.split("?")[0], ref)
