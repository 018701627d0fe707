"""Recruitee career sites: one GET of ``/api/offers/`` returns every published offer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, prose
from tracker.sources.base import Validators

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

PERIODS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year",
    "month": "month", "monthly": "month", "week": "week", "weekly": "week",
    "day": "day", "daily": "day", "hour": "hour", "hourly": "hour",
}  # fmt: skip


class Recruitee:
    """Recruitee career sites ({token}.recruitee.com/api/offers/); token = the subdomain."""

    ats: ClassVar[str] = "recruitee"

    def url(self, ref: SourceRef) -> str:
        """The offers endpoint."""
        return f"{common.base_url(ref, f'https://{ref.token}.recruitee.com')}/api/offers/"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET /api/offers/`` (conditional on the stored validators)."""
        return await client.get_json(self.url(ref), validators=Validators.of(ref))

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"offers": [...]}`` -> postings; any malformed offer fails the whole board."""
        offers = common.expect_jobs(payload, ref, key="offers")
        return [parse_offer(common.expect_job(o, i, ref), i, ref) for i, o in enumerate(offers)]


def parse_offer(offer: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One offer -> RawPosting. Pay is rarely structured: prose lines become salary texts."""
    band = salary_band(offer.get("salary"))
    html = [common.opt_str(offer.get(k)) for k in ("description", "requirements")]
    text = common.clean_text("\n\n".join(common.html_to_text(h) for h in html if h))
    return RawPosting(
        external_id=common.required_id(offer, index, ref),
        title=common.required_title(offer, index, ref),
        url=common.opt_str(offer.get("careers_url")),
        department=common.opt_str(offer.get("department")),
        location_raw=common.opt_str(offer.get("location")),
        structured_places=places(offer),
        remote=remote(offer),
        salaries=(band,) if band else (),
        salary_texts=salary_texts(offer, text),
        description=text or None,
        posted_at=parse_time(offer.get("published_at")) or parse_time(offer.get("created_at")),
        extra=_extra(offer),
    )


def parse_time(value: Any) -> Any:
    """``"2026-07-13 13:42:26 UTC"`` (or ISO 8601) -> aware datetime, or None."""
    text = common.opt_str(value)
    if text and text.endswith(" UTC"):
        text = text[: -len(" UTC")] + "+00:00"
    return common.parse_iso(text)


def places(offer: dict[str, Any]) -> tuple[Place, ...]:
    """``locations[]`` (city, state, country, country_code), else the offer's own fields."""
    found = []
    for item in common.opt_list(offer.get("locations")) or [offer]:
        item = common.opt_dict(item)
        city = common.opt_str(item.get("city"))
        state = common.opt_str(item.get("state")) or common.opt_str(item.get("state_name"))
        country = common.opt_str(item.get("country"))
        code = common.opt_str(item.get("country_code"))
        parts = common.unique(p for p in (city, state, country) if p)
        if parts:
            found.append(
                Place(raw=", ".join(parts), city=city, country=code.upper() if code else None)
            )
    return common.unique(found)


def remote(offer: dict[str, Any]) -> bool | None:
    """``remote`` true -> True; ``on_site``/``hybrid`` true -> False; else None."""
    if offer.get("remote") is True:
        return True
    if offer.get("on_site") is True or offer.get("hybrid") is True or offer.get("remote") is False:
        return False
    return None


def salary_band(value: Any) -> SalaryBand | None:
    """``salary{min,max,period,currency}`` (amounts may be strings) -> band, if it has one."""
    data = common.opt_dict(value)
    low, high = _amount(data.get("min")), _amount(data.get("max"))
    currency = common.opt_str(data.get("currency"))
    if (low is None and high is None) or not currency:
        return None
    period = PERIODS.get((common.opt_str(data.get("period")) or "year").lower(), "year")
    return SalaryBand(min=low, max=high, currency=currency.upper(), period=period)


def salary_texts(offer: dict[str, Any], text: str) -> tuple[str, ...]:
    """Pay lines of the description and of the application form's info boxes and questions."""
    bodies = [text]
    for question in common.opt_list(offer.get("open_questions")):
        body = common.opt_str(common.opt_dict(question).get("body"))
        if body:
            bodies.append(common.html_to_text(body) if "<" in body else body)
    return common.unique(prose.pay_lines(bodies))


def _amount(value: Any) -> float | None:
    if isinstance(value, str):
        return common.number_text(value)
    return common.number(value)


def _extra(offer: dict[str, Any]) -> dict[str, Any]:
    keys = ("slug", "guid", "employment_type_code", "experience_code", "status", "tags")
    return {k: offer[k] for k in keys if offer.get(k) not in (None, "", [])}
