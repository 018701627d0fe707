"""Discovery: from a careers page or job URL to the watchlist entry that tracks its board.

``discover(url, page_html=None)`` is pure. It reads the URL itself first (Greenhouse, Lever,
Ashby, Workday, SmartRecruiters, Workable, Recruitee, Teamtailor URL forms), then the page's
HTML: ``<script src>``, ``<iframe src>``, links and any other URL of those boards in the page
(embedded boards on a company's own site). A page with schema.org ``JobPosting`` JSON-LD and no
known board gives an ``html`` entry. Anything else raises :class:`NotRecognized`.

It returns the watchlist keys, e.g.::

    {"company": "Nvidia", "ats": "workday", "token": "nvidia",
     "host": "nvidia.wd5.myworkdayjobs.com", "site": "NVIDIAExternalCareerSite"}

(``api_base`` too for EU Greenhouse/Lever boards and regional Teamtailor sites).
``discover_url(client, url)`` is the I/O wrapper the CLI calls: the URL alone when it is
recognised, else the page fetched with :func:`fetch_page` (following redirects).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tracker.sources import discover_sites

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

Entry = dict[str, Any]
_SEG = r"([A-Za-z0-9][A-Za-z0-9_.\-]*)"
_LANG = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")
_URL_IN_TEXT = re.compile(r"""(?:https?:)?//[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[^\s"'<>()\\]*""")
_BARE_HOST = re.compile(
    r"\b(?:[a-z0-9\-]+\.)+(?:greenhouse\.io|lever\.co|ashbyhq\.com|myworkdayjobs\.com|"
    r"myworkdaysite\.com|smartrecruiters\.com|workable\.com|recruitee\.com|teamtailor\.com|"
    + discover_sites.HOSTS
    + r")"
    r"(?:/[^\s\"'<>()\\]*)?",
    re.IGNORECASE,
)
_SR_WIDGET = re.compile(r"""company_code["']?\s*[:=]\s*["']([A-Za-z0-9_\-]+)["']""")
_RESERVED = {"www", "app", "api", "jobs", "careers", "career", "help", "support", "static", "cdn"}


class NotRecognized(ValueError):
    """No known job board in the URL or the page."""

    def __init__(self, url: str, looked_at_page: bool) -> None:
        where = "the URL or the page's scripts, iframes and links" if looked_at_page else "the URL"
        super().__init__(f"no supported job board found for {url} (checked {where})")


@dataclass(frozen=True)
class Page:
    """A fetched page: the final URL after redirects and its HTML."""

    url: str
    html: str


def company_name(token: str) -> str:
    """A display-name guess from a board token: ``digital-realty`` -> ``Digital Realty``."""
    words = re.split(r"[-_\s]+", token.strip())
    return " ".join(w if w.isupper() or not w.islower() else w.capitalize() for w in words if w)


def _entry(ats: str, token: str, **extra: str) -> Entry:
    return {"company": company_name(token), "ats": ats, "token": token, **extra}


def _parts(url: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """(lower-case host, path segments, query) of a URL (scheme optional)."""
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif not re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.IGNORECASE):
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    return host, [s for s in parts.path.split("/") if s], parse_qs(parts.query)


def _greenhouse(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if not re.fullmatch(r"(?:[a-z\-]+\.)*(?:eu\.)?greenhouse\.io", host):
        return None
    extra = {"api_base": "https://boards-api.eu.greenhouse.io"} if ".eu." in f".{host}" else {}
    token: str | None = (query.get("for") or [""])[0] or None
    if not token and host.startswith(("boards-api.", "api.")) and path[:2] == ["v1", "boards"]:
        token = path[2] if len(path) > 2 else None
    if not token and host.startswith(("boards.", "job-boards.")) and path:
        token = None if path[0] in ("embed", "v1") else path[0]
    return _entry("greenhouse", token, **extra) if token else None


def _lever(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    eu = {"api_base": "https://api.eu.lever.co"} if ".eu." in host else {}
    if host in ("jobs.lever.co", "jobs.eu.lever.co") and path:
        return _entry("lever", path[0], **eu)
    if host in ("api.lever.co", "api.eu.lever.co") and path[:2] == ["v0", "postings"]:
        return _entry("lever", path[2], **eu) if len(path) > 2 else None
    return None


def _ashby(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host == "jobs.ashbyhq.com" and path and path[0] != "api":
        return _entry("ashby", path[0])
    if host == "api.ashbyhq.com" and path[:2] == ["posting-api", "job-board"] and len(path) > 2:
        return _entry("ashby", path[2])
    return None


def _workday(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    tenant_host = re.fullmatch(r"([a-z0-9\-_]+)\.(wd\d+)\.myworkdayjobs\.com", host)
    site_host = re.fullmatch(r"(wd\d+)\.myworkdaysite\.com", host)
    if not tenant_host and not site_host:
        return None
    if path[:2] == ["wday", "cxs"] and len(path) >= 4:
        return _workday_entry(path[2], host, path[3])
    rest = path[1:] if path and _LANG.match(path[0]) else path
    if site_host:  # wd3.myworkdaysite.com/[en-US/]recruiting/{tenant}/{site}
        if len(rest) >= 3 and rest[0] == "recruiting":
            return _workday_entry(rest[1], host, rest[2])
        return None
    assert tenant_host is not None
    if rest and rest[0] not in ("job", "wday", "login"):
        return _workday_entry(tenant_host.group(1), host, rest[0])
    return None


def _workday_entry(tenant: str, host: str, site: str) -> Entry:
    return {**_entry("workday", tenant), "host": host, "site": site}


def _smartrecruiters(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com") and path:
        skip = {"oneclick-ui", "sr-jobs", "ni", "external-referrals"}
        return None if path[0].lower() in skip else _entry("smartrecruiters", path[0])
    if host == "api.smartrecruiters.com" and path[:2] == ["v1", "companies"] and len(path) > 2:
        return _entry("smartrecruiters", path[2])
    return None


def _workable(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host == "apply.workable.com" and path:
        if path[0] == "api" and len(path) > 3 and path[2] == "accounts":
            return _entry("workable", path[3])
        return None if path[0] in ("api", "embed", "j") else _entry("workable", path[0])
    sub = re.fullmatch(r"([a-z0-9\-]+)\.workable\.com", host)
    if sub and sub.group(1) not in _RESERVED | {"apply"}:
        return _entry("workable", sub.group(1))
    account = (query.get("account") or [""])[0]
    return _entry("workable", account) if host.endswith("workable.com") and account else None


def _recruitee(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    sub = re.fullmatch(r"([a-z0-9\-]+)\.recruitee\.com", host)
    if sub and sub.group(1) not in _RESERVED:
        return _entry("recruitee", sub.group(1))
    return None


def _teamtailor(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    sub = re.fullmatch(r"([a-z0-9\-]+)(\.[a-z]{2})?\.teamtailor\.com", host)
    if not sub or sub.group(1) in _RESERVED:
        return None
    if sub.group(2):  # a regional site such as carrtalent.na.teamtailor.com
        return _entry("teamtailor", sub.group(1), api_base=f"https://{host}")
    return _entry("teamtailor", sub.group(1))


RULES: tuple[Callable[[str, list[str], dict[str, list[str]]], Entry | None], ...] = (
    _greenhouse,
    _lever,
    _ashby,
    _workday,
    _smartrecruiters,
    _workable,
    _recruitee,
    _teamtailor,
    *discover_sites.RULES,  # career sites and the operators' ATSs
)


def from_url(url: str) -> Entry | None:
    """The board a URL belongs to, or None."""
    try:
        host, path, query = _parts(url)
    except ValueError:
        return None
    for rule in RULES:
        found = rule(host, path, query)
        if found:
            return found
    return None


def page_urls(page_html: str) -> list[str]:
    """URLs in a page, most telling first: script/iframe src, then links, then any in text."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page_html)
    found = [n.attributes.get("src") for n in tree.css("script[src], iframe[src], embed[src]")]
    found += [n.attributes.get("href") for n in tree.css("a[href], link[href]")]
    for node in tree.css("[data-src], [data-url], [data-board], [data-href]"):
        found += [v for k, v in node.attributes.items() if k.startswith("data-")]
    found += _URL_IN_TEXT.findall(page_html)
    found += _BARE_HOST.findall(page_html)
    found += [f"https://jobs.smartrecruiters.com/{c}" for c in _SR_WIDGET.findall(page_html)]
    return [u.strip() for u in found if isinstance(u, str) and u.strip()]


def from_page(page_html: str) -> Entry | None:
    """The first board an embed, link or URL in the page points at, or None."""
    for url in page_urls(page_html):
        found = from_url(url)
        if found:
            return found
    return None


def _json_ld_entry(url: str, page_html: str) -> Entry | None:
    """An ``html`` entry when the page carries schema.org JobPosting JSON-LD."""
    from selectolax.lexbor import LexborHTMLParser

    from tracker.sources import jsonld

    tree = LexborHTMLParser(page_html)
    scripts = [n.text() for n in tree.css('script[type="application/ld+json"]')]
    if not jsonld.scripts_job_postings(scripts):
        return None
    host, _, _ = _parts(url)
    name = host.removeprefix("www.").removeprefix("careers.").removeprefix("jobs.").split(".")[0]
    return {"company": company_name(name), "ats": "html", "token": name or "careers", "url": url}


def discover(url: str, page_html: str | None = None) -> Entry:
    """The watchlist entry for the board at ``url`` (see the module docstring)."""
    found = from_url(url)
    if found is None and page_html:
        found = from_page(page_html) or _json_ld_entry(url, page_html)
        found = found or discover_sites.successfactors_entry(_parts(url)[0], page_html)
    if found is None:
        raise NotRecognized(url, page_html is not None)
    return found


async def fetch_page(client: HttpClient, url: str) -> Page:
    """GET a careers page (redirects followed, politeness as for boards)."""
    target = url if re.match(r"^https?://", url, re.IGNORECASE) else f"https://{url}"
    response = await client.get_page(target)
    return Page(url=response.url, html=response.text())


async def discover_url(client: HttpClient, url: str) -> Entry:
    """``discover`` for the CLI: the URL alone if it names a board, else its page."""
    found = from_url(url)
    if found is not None:
        return found
    page = await fetch_page(client, url)
    found = from_url(page.url)
    return found if found is not None else discover(url, page.html)
