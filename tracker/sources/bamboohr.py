"""BambooHR hosted careers (``{company}.bamboohr.com/careers``).

``GET https://{token}.bamboohr.com/careers/list`` returns ``{"meta": {"totalCount": N},
"result": [...]}``, every open job in one answer (``id, jobOpeningName, departmentLabel,
employmentStatusLabel, location{city, state}, atsLocation{country, state, city}, isRemote,
locationType`` "0" on-site / "1" remote / "2" hybrid). ``totalCount`` must match the list.
An unknown company is not a 404: BambooHR redirects to its marketing site, an HTML page, which
fails the run as "expected JSON". Details (``/careers/{id}/detail``: description, the free-text
``compensation`` such as ``"$300 - $425/Day"``, ``datePosted``) are fetched only for new or
changed jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common, incremental

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

LOCATION_TYPES = {"0": False, "1": True, "2": False}


class BambooHR:
    """BambooHR career pages; token = the company subdomain ({token}.bamboohr.com)."""

    ats: ClassVar[str] = "bamboohr"

    def base(self, ref: SourceRef) -> str:
        return common.base_url(ref, f"https://{ref.token}.bamboohr.com")

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """The list (one request), plus details of new or changed jobs."""
        listing = await client.get_json(f"{self.base(ref)}/careers/list")
        jobs = jobs_of(listing, ref)

        async def one(ident: str) -> Any:
            return await client.get_json(f"{self.base(ref)}/careers/{ident}/detail")

        listed = ((ident, signature(job)) for ident, job in jobs.items())
        return {"list": listing, "details": await careers.details(ref, listed, one)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """The list (+ details), or one captured detail answer -> postings."""
        details: Any = {}
        if isinstance(payload, dict) and "list" in payload:
            payload, details = payload["list"], payload.get("details") or {}
        opening = common.opt_dict(
            common.opt_dict(common.opt_dict(payload).get("result")).get("jobOpening")
        )
        if opening:
            url = common.opt_str(opening.get("jobOpeningShareUrl")) or ""
            ident = url.rstrip("/").rsplit("/", 1)[-1] or "0"
            return [parse_job({**opening, "id": ident}, payload, 0, ref)]
        if not isinstance(details, dict):
            raise common.malformed(ref, "'details' is not an object")
        jobs = jobs_of(payload, ref)
        return [
            parse_job(job, details.get(ident), index, ref)
            for index, (ident, job) in enumerate(jobs.items())
        ]


def jobs_of(listing: Any, ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{id: job}``; a ``totalCount`` the list does not hold fails."""
    rows = common.expect_jobs(listing, ref, "result")
    total = careers.total_of(common.opt_dict(listing.get("meta")).get("totalCount"))
    if total is not None and total != len(rows):
        raise common.malformed(ref, f"totalCount is {total} but the list holds {len(rows)} jobs")
    jobs = careers.unique_by(rows, ref, lambda job: job.get("id"))
    for index, job in enumerate(jobs.values()):
        common.required_title(job, index, ref, key="jobOpeningName")
    return jobs


def signature(job: dict[str, Any]) -> str:
    """Title, place and department: what, changed, needs a fresh detail."""
    return incremental.signature(
        job.get("jobOpeningName"), job.get("location"), job.get("departmentLabel")
    )


def place(job: dict[str, Any]) -> Place | None:
    """``location`` (city, state[, addressCountry]), else ``atsLocation``."""
    for key in ("location", "atsLocation"):
        loc = common.opt_dict(job.get(key))
        parts = [
            common.opt_str(loc.get(k))
            for k in ("city", "state", "province", "addressCountry", "country")
        ]
        raw = ", ".join(common.unique(p for p in parts if p))
        if raw:
            return Place(raw=raw)
    return None


def parse_job(job: dict[str, Any], detail: Any, index: int, ref: SourceRef) -> RawPosting:
    """One list job (with its detail when fetched) -> RawPosting."""
    info = common.opt_dict(common.opt_dict(common.opt_dict(detail).get("result")).get("jobOpening"))
    html = common.opt_str(info.get("description"))
    text = common.html_to_text(html) if html else None
    pay = common.opt_str(info.get("compensation"))
    where = place(info) or place(job)
    kind = str(info.get("locationType") or job.get("locationType") or "")
    remote = True if job.get("isRemote") is True else LOCATION_TYPES.get(kind)
    ident = str(job.get("id"))
    base = common.base_url(ref, f"https://{ref.token}.bamboohr.com")
    return RawPosting(
        external_id=ident,
        title=common.required_title(job, index, ref, key="jobOpeningName"),
        url=common.opt_str(info.get("jobOpeningShareUrl")) or f"{base}/careers/{ident}",
        department=common.opt_str(job.get("departmentLabel"))
        or common.opt_str(info.get("departmentLabel")),
        location_raw=where.raw if where else None,
        structured_places=(where,) if where else (),
        remote=remote,
        salary_texts=((f"Compensation: {pay}",) if pay else ()) + (careers.pay_lines(text)),
        description=text,
        posted_at=common.parse_iso(info.get("datePosted")),
        extra={
            **careers.detail_flags(signature(job), info or None),
            **(
                {"employment": job["employmentStatusLabel"]}
                if common.opt_str(job.get("employmentStatusLabel"))
                else {}
            ),
        },
    )
