"""Plain careers pages: schema.org ``JobPosting`` JSON-LD, and/or CSS selectors.

Options: ``url`` (the page) and optionally ``selectors`` = ``{item, title, location, link}``:
``item`` selects one element per posting; ``title``, ``location`` and ``link`` select inside it
(``title`` defaults to the item's text; ``link`` to the item itself when it is an ``<a>``, else
its first ``a[href]``). The posting's id is its absolute link, else a hash of title and
location. JSON-LD JobPostings on the page are read too (id: ``identifier``, ``url``, or a hash).

A page where the selectors match nothing, or that has neither selectors nor JSON-LD postings,
fails the run: a redesigned page must not read as "every role closed".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

from tracker.domain import RawPosting, SourceRef
from tracker.sources import common, incremental, jsonld
from tracker.sources.base import SourceError, Validators

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

    from tracker.sources.http import HttpClient


class Html:
    """Careers pages (HTML): CSS selectors and/or schema.org JobPosting JSON-LD; option url."""

    ats: ClassVar[str] = "html"

    def page_url(self, ref: SourceRef) -> str:
        """The page's public URL (``options["url"]``)."""
        url = common.opt_str(ref.options.get("url"))
        if not url:
            raise SourceError(f"{ref.key}: an html source needs the url option")
        return url

    def fetch_url(self, ref: SourceRef) -> str:
        """The URL to request: the page's, with scheme and host replaced by ``api_base``."""
        url = self.page_url(ref)
        if not ref.api_base:
            return url
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{ref.api_base.rstrip('/')}{parts.path or '/'}{query}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET`` the page (conditional on the stored validators)."""
        html = await client.get_text(self.fetch_url(ref), validators=Validators.of(ref))
        return {"url": self.page_url(ref), "html": html}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"url", "html"}`` (or the HTML text) -> postings from JSON-LD and selectors."""
        from selectolax.lexbor import LexborHTMLParser

        if isinstance(payload, str):
            payload = {"url": common.opt_str(ref.options.get("url")) or "", "html": payload}
        if not isinstance(payload, dict) or not isinstance(payload.get("html"), str):
            raise common.malformed(ref, "expected the page's HTML")
        page_url = str(payload.get("url") or "")
        tree = LexborHTMLParser(payload["html"])
        postings = from_json_ld(tree, page_url, ref)
        selectors = selector_option(ref)
        if selectors:
            postings += from_selectors(tree, selectors, page_url, ref)
        elif not postings:
            raise SourceError(
                f"{ref.key}: no schema.org JobPosting on {page_url or 'the page'} and no "
                "selectors configured"
            )
        unique: dict[str, RawPosting] = {}
        for posting in postings:
            unique.setdefault(posting.external_id, posting)
        return list(unique.values())


def selector_option(ref: SourceRef) -> dict[str, str]:
    """``options["selectors"]`` as a dict (a JSON string is accepted); must have ``item``."""
    value = ref.options.get("selectors")
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except ValueError:
            raise SourceError(f"{ref.key}: selectors must be a table or a JSON object") from None
    if not value:
        return {}
    if not isinstance(value, dict) or not common.opt_str(value.get("item")):
        raise SourceError(f"{ref.key}: selectors need at least an item selector")
    return {str(k): str(v) for k, v in value.items() if common.opt_str(v)}


def from_json_ld(tree: LexborHTMLParser, page_url: str, ref: SourceRef) -> list[RawPosting]:
    """Postings from the page's ``application/ld+json`` scripts."""
    scripts = [n.text() for n in tree.css('script[type="application/ld+json"]')]
    postings = []
    for posting in jsonld.scripts_job_postings(scripts):
        if not common.opt_str(posting.get("title")):
            continue
        link = common.opt_str(posting.get("url"))
        url = urljoin(page_url, link) if link else None
        places = jsonld.job_places(posting.get("jobLocation"))
        external_id = (
            jsonld.identifier(posting)
            or url
            or incremental.signature(posting.get("title"), [p.raw for p in places])
        )
        postings.append(jsonld.to_raw(posting, external_id, url or page_url or None, ref))
    return postings


def from_selectors(
    tree: LexborHTMLParser, selectors: dict[str, str], page_url: str, ref: SourceRef
) -> list[RawPosting]:
    """Postings from the item/title/location/link selectors."""
    try:
        items = tree.css(selectors["item"])
    except Exception as exc:  # selectolax raises plain exceptions for bad selectors
        raise SourceError(f"{ref.key}: bad CSS selector {selectors['item']!r}: {exc}") from None
    postings = [p for p in (from_item(node, selectors, page_url, ref) for node in items) if p]
    if not postings:
        where = page_url or "the page"
        raise SourceError(
            f"{ref.key}: selector {selectors['item']!r} matched no postings on {where}"
        )
    return postings


def from_item(
    node: LexborNode, selectors: dict[str, str], page_url: str, ref: SourceRef
) -> RawPosting | None:
    """One item element -> RawPosting, or None when it has no title."""
    title = _text(node, selectors.get("title"))
    if not title:
        return None
    location = _text(node, selectors.get("location")) if selectors.get("location") else None
    href = _href(node, selectors.get("link"))
    url = urljoin(page_url, href) if href else None
    return RawPosting(
        external_id=url or incremental.signature(title, location),
        title=title,
        url=url,
        location_raw=location,
        extra={"source_page": page_url} if page_url else {},
    )


def _text(node: LexborNode, selector: str | None) -> str | None:
    target = node.css_first(selector) if selector else node
    if target is None:
        return None
    return common.opt_str(" ".join(target.text(separator=" ").split()))


def _href(node: LexborNode, selector: str | None) -> str | None:
    if selector:
        target = node.css_first(selector)
    elif node.tag == "a":
        target = node
    else:
        target = node.css_first("a[href]")
    if target is None:
        return None
    return common.opt_str(target.attributes.get("href"))
