"""Discovery rules for the career sites and the operators' ATSs (see :mod:`discover`).

A career-site URL names a slice: its search keywords become ``query`` and the token is a slug
of them (``amazon.jobs/en/search?base_query=data+center`` -> ``amazon:data-center``); a URL
without keywords watches the whole site (token ``all``, which one should narrow before
scraping). Each rule takes ``(host, path segments, query)`` and returns a watchlist entry or
None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Entry = dict[str, Any]
Rule = Callable[[str, list[str], dict[str, list[str]]], Entry | None]
KNOWN_ORACLE = {"eeho.fa.us2.oraclecloud.com": "Oracle"}  # Oracle's own Recruiting Cloud
_RESERVED = {"www", "app", "api", "jobs", "careers", "career", "help", "support", "static", "cdn"}


def _first(query: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = [v.strip() for v in query.get(name, []) if v.strip()]
        if values:
            return values[0]
    return ""


def _slice(company: str, ats: str, words: str, **extra: Any) -> Entry:
    token = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "all"
    entry: Entry = {"company": company, "ats": ats, "token": token}
    if words:
        entry["query"] = words
    return {**entry, **{k: v for k, v in extra.items() if v}}


def _amazon(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if not (host == "amazon.jobs" or host.endswith(".amazon.jobs")):
        return None
    categories = [v for v in query.get("category[]", []) + query.get("category", []) if v]
    business = [v for v in query.get("business_category[]", []) if v]
    extra: dict[str, Any] = {"category": categories, "business_category": business}
    return _slice("Amazon", "amazon", _first(query, "base_query", "keywords"), **extra)


def _eightfold(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host in ("careers.microsoft.com", "jobs.careers.microsoft.com"):
        host = "apply.careers.microsoft.com"
    tenant = re.fullmatch(r"([a-z0-9\-]+)\.eightfold\.ai", host)
    if host != "apply.careers.microsoft.com" and not tenant:
        return None
    if tenant and tenant.group(1) in _RESERVED | {"app"}:
        return None
    company = "Microsoft" if not tenant else tenant.group(1).replace("-", " ").title()
    words = _first(query, "query", "q")
    entry = _slice(company, "eightfold", words, host=host, domain=_first(query, "domain"))
    name = tenant.group(1) if tenant else "microsoft"
    entry["token"] = f"{name}-{entry['token']}" if words else name
    return entry


def _oracle(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if not host.endswith(".oraclecloud.com"):
        return None
    site = ""
    if "sites" in path and path.index("sites") + 1 < len(path):
        site = path[path.index("sites") + 1]
    finder = _first(query, "finder")
    match = re.search(r"siteNumber=([A-Za-z0-9_]+)", finder)
    site = site or (match.group(1) if match else "")
    if not site:
        return None
    words = _first(query, "keyword")
    company = KNOWN_ORACLE.get(host, host.split(".")[0].title())
    entry = _slice(company, "oracle_hcm", words, host=host, site=site)
    name = re.sub(r"[^a-z0-9]+", "-", company.lower()).strip("-")
    entry["token"] = f"{name}-{entry['token']}" if words else f"{name}-{site.lower()}"
    return entry


def _apple(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host != "jobs.apple.com":
        return None
    return _slice("Apple", "apple", _first(query, "search", "query"))


def _meta(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host not in ("metacareers.com", "www.metacareers.com"):
        return None
    teams = [v for k, vs in query.items() if k.startswith("teams") for v in vs if v]
    entry = _slice("Meta", "meta", _first(query, "q"), team=teams)
    if not entry.get("query") and teams:
        entry["token"] = re.sub(r"[^a-z0-9]+", "-", teams[0].lower()).strip("-")
    return entry


def _google(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    if host not in ("google.com", "www.google.com", "careers.google.com"):
        return None
    if "careers" not in path and host != "careers.google.com":
        return None
    locations = [v for v in query.get("location", []) if v]
    return _slice("Google", "google", _first(query, "q"), location=locations)


def _icims(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    sub = re.fullmatch(r"([a-z0-9\-]+)\.icims\.com", host)
    if not sub or sub.group(1) in _RESERVED:
        return None
    name = sub.group(1).removeprefix("careers-").removeprefix("jobs-")
    return {"company": name.replace("-", " ").title(), "ats": "icims", "token": sub.group(1)}


def _bamboohr(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    sub = re.fullmatch(r"([a-z0-9\-]+)\.bamboohr\.com", host)
    if not sub or sub.group(1) in _RESERVED:
        return None
    return {
        "company": sub.group(1).replace("-", " ").title(),
        "ats": "bamboohr",
        "token": sub.group(1),
    }


def _rippling(host: str, path: list[str], query: dict[str, list[str]]) -> Entry | None:
    slug = ""
    if host == "ats.rippling.com" and path:
        slug = path[1] if len(path) > 1 and re.fullmatch(r"[a-z]{2}-[A-Z]{2}", path[0]) else path[0]
    if host == "api.rippling.com" and "board" in path and path.index("board") + 1 < len(path):
        slug = path[path.index("board") + 1]
    if not slug:
        return None
    return {"company": slug.replace("-", " ").title(), "ats": "rippling", "token": slug}


RULES: tuple[Rule, ...] = (
    _amazon,
    _eightfold,
    _oracle,
    _apple,
    _meta,
    _google,
    _icims,
    _bamboohr,
    _rippling,
)
HOSTS = r"icims\.com|bamboohr\.com|rippling\.com|eightfold\.ai|oraclecloud\.com"


def successfactors_entry(url_host: str, page_html: str) -> Entry | None:
    """A SuccessFactors (Recruiting Marketing) site recognised by its page's markup."""
    markers = ("jobTitle-link", "paginationLabel", "rmk-", "successfactors")
    if not url_host or sum(marker in page_html for marker in markers) < 2:
        return None
    name = url_host.removeprefix("www.").removeprefix("careers.").removeprefix("jobs.")
    company = name.split(".")[0].replace("-", " ").title()
    return {"company": company, "ats": "successfactors", "token": company.lower(), "host": url_host}
