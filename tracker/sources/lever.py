"""Lever Postings API: one GET returns every published posting as a bare array."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, fingerprint, prose
from tracker.sources.base import Validators

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://api.lever.co"
# salaryRange.interval -> period; Lever spells them per-year-salary, per-hour-wage, ...
INTERVALS: tuple[tuple[str, str], ...] = (
    ("year", "year"),
    ("annual", "year"),
    ("month", "month"),
    ("week", "week"),
    ("day", "day"),
    ("daily", "day"),
    ("hour", "hour"),
)


class Lever:
    """Lever job sites (api.lever.co; EU sites via api_base); token = the site name."""

    ats: ClassVar[str] = "lever"

    def url(self, ref: SourceRef) -> str:
        """The site's postings endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/v0/postings/{ref.token}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET /v0/postings/{site}?mode=json`` (conditional on the stored validators)."""
        return await client.get_json(self.url(ref), {"mode": "json"}, validators=Validators.of(ref))

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """A JSON array of postings -> postings; any malformed posting fails the whole board."""
        if not isinstance(payload, list):
            got = common.type_name(payload)
            raise common.malformed(ref, f"expected an array of postings, got {got}")
        jobs = [common.expect_job(p, i, ref) for i, p in enumerate(payload)]
        items = [(common.required_id(job, i, ref), job) for i, job in enumerate(jobs)]
        return fingerprint.parse_items(items, ref, lambda i: parse_posting(jobs[i], i, ref))


def parse_posting(posting: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One Lever posting object -> RawPosting."""
    categories = common.opt_dict(posting.get("categories"))
    band = salary_band(posting.get("salaryRange"))
    return RawPosting(
        external_id=common.required_id(posting, index, ref),
        title=common.required_title(posting, index, ref, key="text"),
        url=common.opt_str(posting.get("hostedUrl")),
        department=common.opt_str(categories.get("department")),
        team=common.opt_str(categories.get("team")),
        location_raw=common.opt_str(categories.get("location")),
        structured_places=places(categories, posting.get("country")),
        remote=remote(posting.get("workplaceType")),
        salaries=(band,) if band else (),
        salary_texts=salary_texts(posting),
        description=description(posting),
        posted_at=common.from_epoch_ms(posting.get("createdAt")),
        extra=_extra(posting, categories),
    )


def places(categories: dict[str, Any], country: Any) -> tuple[Place, ...]:
    """``allLocations`` (else ``location``) as raw places; the ISO country if only one."""
    names = [common.opt_str(n) for n in common.opt_list(categories.get("allLocations"))]
    raws = common.unique(n for n in names if n)
    if not raws and common.opt_str(categories.get("location")):
        raws = (common.opt_str(categories.get("location")),)
    code = common.opt_str(country)
    code = code.upper() if code and len(code) == 2 and code.isalpha() else None
    if len(raws) == 1:
        return (Place(raw=raws[0], country=code),)
    return tuple(Place(raw=raw) for raw in raws)


def remote(workplace_type: Any) -> bool | None:
    """``workplaceType``: remote -> True, onsite/hybrid -> False, unspecified/absent -> None."""
    value = (common.opt_str(workplace_type) or "").lower()
    if value in ("", "unspecified"):
        return None
    return value == "remote"


def salary_band(value: Any) -> SalaryBand | None:
    """``salaryRange`` {min, max, currency, interval} (any key order) -> a structured band."""
    data = common.opt_dict(value)
    period = interval_period(data.get("interval"))
    return common.structured_band(data.get("min"), data.get("max"), data.get("currency"), period)


def interval_period(value: Any) -> str | None:
    """``per-year-salary`` -> year, ``per-hour-wage`` -> hour, ...; None for one-time or unknown."""
    text = (common.opt_str(value) or "").lower()
    for needle, period in INTERVALS:
        if needle in text:
            return period
    return None


def salary_texts(posting: dict[str, Any]) -> tuple[str, ...]:
    """``salaryDescriptionPlain``, then pay lines of ``additionalPlain``, the description and
    the lists (their HTML: only blocks with an amount are converted)."""
    texts: list[str] = []
    described = common.clean_text(common.opt_str(posting.get("salaryDescriptionPlain")) or "")
    if described:
        texts.append(described)
    plain = [posting.get(k) for k in ("additionalPlain", "descriptionPlain")]
    texts.extend(prose.pay_lines(v for v in plain if isinstance(v, str)))
    for item in common.opt_list(posting.get("lists")):
        texts.extend(prose.html_pay_lines(common.opt_str(common.opt_dict(item).get("content"))))
    return common.unique(texts)


def description(posting: dict[str, Any]) -> str | None:
    """Plain text: the description, each list (heading and items), the closing section."""
    parts = [common.opt_str(posting.get("descriptionPlain"))]
    for item in common.opt_list(posting.get("lists")):
        item = common.opt_dict(item)
        heading = common.opt_str(item.get("text")) or ""
        content = common.opt_str(item.get("content"))
        items = common.html_to_text(content) if content else ""
        parts.append(f"{heading}\n{items}".strip())
    parts.append(common.opt_str(posting.get("additionalPlain")))
    text = common.clean_text("\n\n".join(p for p in parts if p))
    return text or None


def _extra(posting: dict[str, Any], categories: dict[str, Any]) -> dict[str, Any]:
    """Provenance worth keeping that has no RawPosting field."""
    extra = {
        "commitment": common.opt_str(categories.get("commitment")),
        "country": common.opt_str(posting.get("country")),
        "workplace_type": common.opt_str(posting.get("workplaceType")),
    }
    return {k: v for k, v in extra.items() if v is not None}
