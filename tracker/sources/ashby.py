"""Ashby Posting API: one GET returns the whole board, with compensation when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, prose
from tracker.sources.base import Validators

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://api.ashbyhq.com"
INTERVALS = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}


class Ashby:
    """Ashby job boards (api.ashbyhq.com posting API); token = the job board name."""

    ats: ClassVar[str] = "ashby"

    def url(self, ref: SourceRef) -> str:
        """The board's posting-API endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/posting-api/job-board/{ref.token}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET /posting-api/job-board/{org}?includeCompensation=true``."""
        return await client.get_json(
            self.url(ref), {"includeCompensation": "true"}, validators=Validators.of(ref)
        )

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"jobs": [...]}`` -> listed postings (``isListed: false`` are left out)."""
        jobs = common.expect_jobs(payload, ref)
        postings = []
        for index, job in enumerate(jobs):
            job = common.expect_job(job, index, ref)
            posting = parse_job(job, index, ref)
            if job.get("isListed") is not False:
                postings.append(posting)
        return postings


def parse_job(job: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One Ashby job object -> RawPosting (validated even when unlisted)."""
    compensation = common.opt_dict(job.get("compensation"))
    summary = common.opt_str(compensation.get("compensationTierSummary"))
    html = common.opt_str(job.get("descriptionHtml"))
    text = common.opt_str(job.get("descriptionPlain"))
    return RawPosting(
        external_id=common.required_id(job, index, ref),
        title=common.required_title(job, index, ref),
        url=common.opt_str(job.get("jobUrl")),
        department=common.opt_str(job.get("department")),
        team=common.opt_str(job.get("team")),
        location_raw=common.opt_str(job.get("location")),
        structured_places=places(job),
        remote=remote(job),
        salaries=salary_bands(compensation),
        salary_texts=common.unique(((summary,) if summary else ()) + prose_pay(text, html)),
        description=common.clean_text(text)
        if text
        else (common.html_to_text(html) if html else None),
        posted_at=common.parse_iso(job.get("publishedAt")),
        extra=_extra(job),
    )


def prose_pay(text: str | None, html: str | None) -> tuple[str, ...]:
    """Pay lines of ``descriptionPlain`` (else of ``descriptionHtml``, block by block)."""
    return prose.pay_lines([text]) if text else prose.html_pay_lines(html)


def remote(job: dict[str, Any]) -> bool | None:
    """``workplaceType`` when given (Remote -> True), else ``isRemote`` (true/false/null)."""
    workplace = common.opt_str(job.get("workplaceType"))
    if workplace:
        return workplace.lower() == "remote"
    flag = job.get("isRemote")
    return flag if isinstance(flag, bool) else None


def places(job: dict[str, Any]) -> tuple[Place, ...]:
    """The primary location and every secondary location, as raw places."""
    found = [place(job.get("location"), job.get("address"))]
    for item in common.opt_list(job.get("secondaryLocations")):
        item = common.opt_dict(item)
        found.append(place(item.get("location"), item.get("address")))
    return common.unique(p for p in found if p is not None)


def place(name: Any, address: Any) -> Place | None:
    """A location name plus its postal address -> Place.

    A city-level address gives ``"Locality, Region, Country"`` as ``raw`` and the city; a remote
    location or one without a locality keeps its own name (an address there is often just the
    company's head office).
    """
    label = common.opt_str(name)
    postal = common.opt_dict(common.opt_dict(address).get("postalAddress"))
    locality = common.opt_str(postal.get("addressLocality"))
    region = common.opt_str(postal.get("addressRegion"))
    country = common.opt_str(postal.get("addressCountry"))
    if not locality or (label and "remote" in label.lower()):
        return Place(raw=label) if label else None
    parts = common.unique(p for p in (locality, region, country) if p)
    is_city = locality.lower() != (country or "").lower()
    if not is_city and label:
        return Place(raw=label)
    return Place(raw=", ".join(parts), city=locality if is_city else None)


def salary_bands(compensation: dict[str, Any]) -> tuple[SalaryBand, ...]:
    """Salary components: one band per tier (label = tier title), the headline range first.

    The headline is the ``summaryComponents`` salary: if a tier has exactly that range it moves
    to the front, otherwise the headline itself leads (unlabelled). Equity, bonus and
    commission components carry no band.
    """
    bands: list[SalaryBand] = []
    for tier in common.opt_list(compensation.get("compensationTiers")):
        tier = common.opt_dict(tier)
        label = common.opt_str(tier.get("title"))
        for component in common.opt_list(tier.get("components")):
            band = salary_band(component, label)
            if band is not None and band not in bands:
                bands.append(band)
    headline = next(
        (
            b
            for c in common.opt_list(compensation.get("summaryComponents"))
            if (b := salary_band(c))
        ),
        None,
    )
    if headline is None:
        return tuple(bands)
    same = [b for b in bands if _same_range(b, headline)]
    first = same[0] if same else headline
    return (first, *(b for b in bands if b is not first))


def salary_band(component: Any, label: str | None = None) -> SalaryBand | None:
    """A ``Salary`` component with an amount and a known interval -> band, else None."""
    data = common.opt_dict(component)
    if str(data.get("compensationType") or "").lower() != "salary":
        return None
    period = interval_period(data.get("interval"))
    return common.structured_band(
        data.get("minValue"), data.get("maxValue"), data.get("currencyCode"), period, label
    )


def interval_period(value: Any) -> str | None:
    """``"1 YEAR"`` -> year, ``"1 HOUR"`` -> hour, ...; ``"NONE"`` or other counts -> None."""
    parts = (common.opt_str(value) or "").upper().split()
    if len(parts) == 2 and parts[0] == "1":
        return INTERVALS.get(parts[1].rstrip("S"))
    return None


def _same_range(a: SalaryBand, b: SalaryBand) -> bool:
    return (a.min, a.max, a.currency, a.period) == (b.min, b.max, b.currency, b.period)


def _extra(job: dict[str, Any]) -> dict[str, Any]:
    """Provenance worth keeping that has no RawPosting field."""
    extra = {
        "employment_type": common.opt_str(job.get("employmentType")),
        "workplace_type": common.opt_str(job.get("workplaceType")),
        "apply_url": common.opt_str(job.get("applyUrl")),
    }
    return {k: v for k, v in extra.items() if v is not None}
