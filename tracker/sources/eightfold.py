"""Eightfold PCSX career sites (Microsoft's apply.careers.microsoft.com, Morgan Stanley, ...).

``GET https://{host}/api/pcsx/search?domain={domain}&query=...&location=...&start=N`` returns
``{"status": 200, "data": {"positions": [...], "count": N}}``, ten positions a page
(``start`` is the offset). ``count`` is the slice's size; pages are read until it is reached
(complete or fail). Details (``/api/pcsx/position_details?position_id=ID&domain=...``: the
description, where US postings state their pay) are fetched only for new or changed postings.

Options: ``host`` (required, e.g. ``apply.careers.microsoft.com``), ``domain`` (the tenant's
domain, default: the host without its first label, ``morganstanley.eightfold.ai`` ->
``morganstanley.com``), ``query``, ``location``, and any ``filter_<facet>`` the site offers
(``filter_profession = "Datacenter"``; a list or comma-separated values repeat the key).
``postedTs`` is in epoch **seconds**; ``standardizedLocations`` read ``"Bengaluru, KA, IN"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common, incremental

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient


class Eightfold:
    """Eightfold PCSX career sites (Microsoft); token = a slice name, options host + query."""

    ats: ClassVar[str] = "eightfold"

    def domain(self, ref: SourceRef) -> str:
        """``domain`` option, else derived from the host."""
        found = careers.option(ref, "domain")
        if found:
            return found
        host = careers.required(
            ref, "host", "the career site's host, e.g. apply.careers.microsoft.com"
        )
        labels = host.split(".")
        if host.endswith(".eightfold.ai"):
            return f"{labels[0]}.com"
        return ".".join(labels[-2:])

    def search_url(self, ref: SourceRef, start: int) -> str:
        """The search URL of the page at offset ``start``."""
        params: list[tuple[str, str | int]] = [
            ("domain", self.domain(ref)),
            ("query", careers.query(ref)),
            ("location", careers.option(ref, "location") or ""),
            ("start", start),
        ]
        for key in sorted(ref.options):
            if key.startswith("filter_"):
                params += [(key, value) for value in careers.values(ref, key)]
        base = careers.base(ref, careers.option(ref, "host"))
        return f"{base}/api/pcsx/search?{urlencode(params)}"

    def detail_url(self, ref: SourceRef, position_id: str) -> str:
        """The position-details URL."""
        params = urlencode({"position_id": position_id, "domain": self.domain(ref), "hl": "en"})
        return (
            f"{careers.base(ref, careers.option(ref, 'host'))}/api/pcsx/position_details?{params}"
        )

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page of the slice, plus details of new or changed positions."""

        async def page(start: int) -> careers.Page:
            body = await client.get_json(self.search_url(ref, start))
            data = data_of(body, ref, f"search page at {start}")
            positions = common.expect_jobs(data, ref, "positions")
            return careers.Page(body, positions, careers.total_of(data.get("count")))

        pages = await careers.offset_pages(ref, page, position_id)
        items = positions(pages, ref)

        async def one(ident: str) -> Any:
            detail = await client.get_json(self.detail_url(ref, ident))
            data_of(detail, ref, f"details of {ident}")
            return detail

        return await careers.with_details(ref, pages, items, signature, one)

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages (+ details) -> postings, one per position id."""
        data = common.opt_dict(payload.get("data")) if isinstance(payload, dict) else {}
        if data and "positions" not in data and "name" in data:  # one position_details answer
            return [parse_position(data, payload, position_id(data), ref)]
        if data and "pages" not in payload:
            payload = [payload]
        pages, details = _split(payload, ref)
        items = positions(pages, ref)
        return [
            parse_position(item, details.get(ident), ident, ref) for ident, item in items.items()
        ]


def _split(payload: Any, ref: SourceRef) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(payload, dict) and "pages" in payload:
        pages, details = payload["pages"], payload.get("details") or {}
    else:
        pages, details = payload, {}
    if not isinstance(pages, list) or not isinstance(details, dict):
        raise common.malformed(ref, "expected a search page or an array of pages")
    return pages, details


def data_of(body: Any, ref: SourceRef, where: str) -> dict[str, Any]:
    """The ``data`` object of an answer; anything else is malformed."""
    data = common.opt_dict(body).get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise common.malformed(ref, f"{where} has no 'data' object")
    return data


def position_id(item: Any) -> str:
    """The position's numeric id, as a string."""
    return careers.id_text(common.opt_dict(item).get("id"))


def positions(pages: list[Any], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{id: position}`` over all pages."""

    def rows_of(page: Any, number: int) -> list[Any]:
        return common.expect_jobs(data_of(page, ref, f"page {number + 1}"), ref, "positions")

    return careers.unique_over(pages, ref, rows_of, position_id)


def signature(item: dict[str, Any]) -> str:
    """Title, locations and department: what, changed, needs a fresh detail."""
    return incremental.signature(item.get("name"), item.get("locations"), item.get("department"))


def parse_position(item: dict[str, Any], detail: Any, ident: str, ref: SourceRef) -> RawPosting:
    """One position (with its details when fetched) -> RawPosting."""
    info = common.opt_dict(common.opt_dict(detail).get("data"))
    html = common.opt_str(info.get("jobDescription"))
    text = common.html_to_text(html) if html else None
    host = careers.option(ref, "host")
    path = common.opt_str(item.get("positionUrl"))
    url = common.opt_str(info.get("publicUrl")) or (
        f"https://{host}{path}" if host and path else None
    )
    names = [common.opt_str(n) for n in common.opt_list(item.get("locations"))]
    standard = [common.opt_str(n) for n in common.opt_list(item.get("standardizedLocations"))]
    extra = {
        "ats_job_id": common.opt_str(item.get("atsJobId"))
        or common.opt_str(item.get("displayJobId"))
    }
    extra.update(careers.detail_flags(signature(item), info or None))
    return RawPosting(
        external_id=ident,
        title=common.required_title(item, 0, ref, key="name"),
        url=url,
        department=common.opt_str(item.get("department")),
        location_raw="; ".join(n for n in names if n) or None,
        structured_places=places(standard or names),
        remote=remote(item.get("workLocationOption")),
        salary_texts=careers.pay_lines(text),
        description=text,
        posted_at=from_epoch_s(item.get("postedTs")),
        extra={k: v for k, v in extra.items() if v is not None},
    )


def places(names: list[str | None]) -> tuple[Place, ...]:
    """``"Bengaluru, KA, IN"``: the trailing two-letter code is the country."""
    found = []
    for name in names:
        if not name:
            continue
        tail = name.rsplit(",", 1)[-1].strip()
        code = (
            tail
            if len(tail) == 2 and tail.isalpha() and tail.isupper() and name.count(",") >= 2
            else None
        )
        found.append(Place(raw=name, country=code))
    return common.unique(found)


def remote(value: Any) -> bool | None:
    """``workLocationOption``: remote -> True, onsite/hybrid -> False."""
    text = (common.opt_str(value) or "").lower()
    if not text:
        return None
    return text in ("remote", "remote_local", "fully_remote")


def from_epoch_s(value: Any) -> datetime | None:
    """Epoch seconds -> aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
