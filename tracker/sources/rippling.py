"""Rippling ATS job boards (``ats.rippling.com/{board}/jobs``).

``GET https://api.rippling.com/platform/api/ats/v1/board/{board}/jobs`` returns a bare array
with **one entry per (job, location)**: a job in five places appears five times with the same
``uuid``; entries are united by ``uuid`` and their ``workLocation`` labels collected. Details
(``.../jobs/{uuid}``: description, ``workLocations``, ``payRangeDetails[{location, currency,
frequency, rangeStart, rangeEnd}]``) are fetched only for new or changed jobs. An unknown board
is a 404 (the run fails).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import careers, common, incremental

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://api.rippling.com"
FREQUENCIES = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}


class Rippling:
    """Rippling ATS boards; token = the board slug (ats.rippling.com/{slug}/jobs)."""

    ats: ClassVar[str] = "rippling"

    def url(self, ref: SourceRef) -> str:
        """The board's jobs endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/platform/api/ats/v1/board/{ref.token}/jobs"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """The board (one request), plus details of new or changed jobs."""
        board = await client.get_json(self.url(ref))
        jobs = united(board, ref)

        async def one(uuid: str) -> Any:
            return await client.get_json(f"{self.url(ref)}/{uuid}")

        listed = ((uuid, signature(job)) for uuid, job in jobs.items())
        return {"board": board, "details": await careers.details(ref, listed, one)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """The board array (+ details), or one captured job detail -> postings."""
        details: Any = {}
        if isinstance(payload, dict) and isinstance(payload.get("board"), list):
            payload, details = payload["board"], payload.get("details") or {}
        elif isinstance(payload, dict) and "uuid" in payload:
            job = {**payload, "locations": list(common.opt_list(payload.get("workLocations")))}
            return [parse_job(job, payload, 0, ref)]
        if not isinstance(details, dict):
            raise common.malformed(ref, "'details' is not an object")
        jobs = united(payload, ref)
        return [
            parse_job(job, details.get(uuid), index, ref)
            for index, (uuid, job) in enumerate(jobs.items())
        ]


def united(board: Any, ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{uuid: entry + "locations": [every label]}`` (one entry per job)."""
    if isinstance(board, dict) and isinstance(board.get("items"), list):
        board = board["items"]  # a paged answer's items
    if not isinstance(board, list):
        raise common.malformed(ref, f"expected an array of jobs, got {common.type_name(board)}")
    jobs: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(board):
        entry = common.expect_job(entry, index, ref)
        uuid = common.required_id(entry, index, ref, key="uuid")
        common.required_title(entry, index, ref, key="name")
        job = jobs.setdefault(uuid, {**entry, "locations": []})
        label = common.opt_str(common.opt_dict(entry.get("workLocation")).get("label"))
        if label and label not in job["locations"]:
            job["locations"].append(label)
    return jobs


def signature(job: dict[str, Any]) -> str:
    """Title, places and department: what, changed, needs a fresh detail."""
    return incremental.signature(job.get("name"), job.get("locations"), job.get("department"))


def bands(detail: dict[str, Any]) -> tuple[SalaryBand, ...]:
    """``payRangeDetails`` -> structured bands (label = the band's location or level)."""
    found = []
    for item in common.opt_list(detail.get("payRangeDetails")):
        item = common.opt_dict(item)
        period = FREQUENCIES.get(str(item.get("frequency") or "").upper())
        band = common.structured_band(
            item.get("rangeStart"),
            item.get("rangeEnd"),
            item.get("currency"),
            period,
            common.opt_str(item.get("location")),
        )
        if band is not None:
            found.append(band)
    return tuple(found)


def parse_job(job: dict[str, Any], detail: Any, index: int, ref: SourceRef) -> RawPosting:
    """One united job (with its detail when fetched) -> RawPosting."""
    info = common.opt_dict(detail)
    text_parts = [common.opt_str(v) for v in common.opt_dict(info.get("description")).values()]
    html = "\n".join(p for p in text_parts if p)
    text = common.html_to_text(html) if html else None
    listed = [common.opt_str(n) for n in common.opt_list(info.get("workLocations"))]
    names: list[str] = [n for n in listed if n] or [str(n) for n in job["locations"] if n]
    department = common.opt_dict(job.get("department")) or common.opt_dict(info.get("department"))
    return RawPosting(
        external_id=str(job.get("uuid")),
        title=common.required_title(job, index, ref, key="name"),
        url=common.opt_str(job.get("url")) or common.opt_str(info.get("url")),
        department=common.opt_str(department.get("label"))
        or common.opt_str(department.get("name")),
        location_raw="; ".join(names) or None,
        structured_places=tuple(Place(raw=n) for n in common.unique(names)),
        remote=True if any(n.lower().startswith("remote") for n in names) else None,
        salaries=bands(info),
        salary_texts=careers.pay_lines(text),
        description=text,
        posted_at=common.parse_iso(info.get("createdOn")),
        extra=careers.detail_flags(signature(job), info or None),
    )
