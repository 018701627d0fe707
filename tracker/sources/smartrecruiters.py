"""SmartRecruiters Posting API: 100 postings a page, details for new or changed postings.

``GET {base}/v1/companies/{id}/postings?offset=&limit=100`` gives ``totalFound`` and ``content``;
the pages after the first are requested concurrently. ``GET .../postings/{postingId}`` adds the
job ad (description sections) and sometimes ``compensation``; it is fetched only for new or
changed postings (see :mod:`tracker.sources.incremental`). The payload is
``{"pages": [...], "details": {postingId: detail | None}}``; ``parse`` also takes one captured
page or an array of pages.

An unknown company id answers 200 with no postings. A board that returns nothing on its first
ever fetch (no ``_known`` postings) is therefore a configuration error, not an empty board.
Pay comes from the detail's ``compensation``, else the ``Salary Range`` custom field (figures
only: its currency is taken from the posting's country, its period from the size).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, incremental, prose
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://api.smartrecruiters.com"
PAGE_SIZE = 100
MAX_PAGES = 1000
PERIODS = (("hour", "hour"), ("day", "day"), ("week", "week"), ("month", "month"))
# Currency of a "Salary Range" custom field (figures only), by the posting's country.
CURRENCIES = {
    "us": "USD", "ca": "CAD", "gb": "GBP", "uk": "GBP", "ie": "EUR", "de": "EUR", "fr": "EUR",
    "nl": "EUR", "es": "EUR", "it": "EUR", "be": "EUR", "at": "EUR", "fi": "EUR", "pt": "EUR",
    "gr": "EUR", "in": "INR", "jp": "JPY", "sg": "SGD", "au": "AUD", "nz": "NZD", "ch": "CHF",
    "se": "SEK", "no": "NOK", "dk": "DKK", "pl": "PLN", "my": "MYR", "th": "THB", "il": "ILS",
    "kr": "KRW", "cn": "CNY", "mx": "MXN", "br": "BRL", "ph": "PHP",
}  # fmt: skip
_RANGE = re.compile(r"^\s*([\d.,]+)\s*(?:-|–|—|to)\s*([\d.,]+)\s*$")
SECTIONS = ("jobDescription", "qualifications", "additionalInformation")


class SmartRecruiters:
    """SmartRecruiters job boards (api.smartrecruiters.com); token = the company identifier."""

    ats: ClassVar[str] = "smartrecruiters"

    def url(self, ref: SourceRef) -> str:
        """The postings endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/v1/companies/{ref.token}/postings"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every page, plus details of new or changed postings."""
        url = self.url(ref)

        async def page(offset: int) -> dict[str, Any]:
            data = await client.get_json(url, {"offset": offset, "limit": PAGE_SIZE})
            if not isinstance(data, dict) or not isinstance(data.get("content"), list):
                raise common.malformed(ref, f"page at offset {offset} has no 'content' array")
            return data

        first = await page(0)
        got, total = len(first["content"]), first.get("totalFound")
        if got == 0 and not total and not incremental.has_history(ref):
            raise SourceError(
                f"{ref.key}: SmartRecruiters returned no postings: is the company id right? "
                "(an unknown company answers with an empty board)"
            )
        pages = [first]
        if isinstance(total, int) and got and total > got:
            offsets = range(got, total, got)
            if len(offsets) > MAX_PAGES:
                raise SourceError(f"{ref.key}: {total} postings need over {MAX_PAGES} pages")
            pages += await incremental.gather_all(page(o) for o in offsets)
        listed = [
            (pid, pid, list_signature(item)) for pid, item in unique_items(pages, ref).items()
        ]
        keys = [key for key, _ in incremental.wanted(ref, listed)]

        async def detail(posting_id: str) -> Any:
            data = await client.get_json(f"{url}/{posting_id}")
            if not isinstance(data, dict):
                raise common.malformed(ref, f"detail of posting {posting_id} is not an object")
            return data

        return {"pages": pages, "details": await incremental.fetch_details(keys, detail)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Pages (+ details) -> postings, one per posting id."""
        pages, details = incremental.split_payload(payload, ref, "content")
        items = unique_items(pages, ref)
        return [parse_posting(item, details.get(pid), ref) for pid, item in items.items()]


def unique_items(pages: list[dict[str, Any]], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{posting id: list item}`` over all pages, first occurrence kept, shapes checked."""
    items: dict[str, dict[str, Any]] = {}
    index = 0
    for page in pages:
        for item in page["content"]:
            item = common.expect_job(item, index, ref)
            posting_id = common.required_id(item, index, ref)
            common.required_title(item, index, ref, key="name")
            items.setdefault(posting_id, item)
            index += 1
    return items


def list_signature(item: dict[str, Any]) -> str:
    """The list fields whose change calls for a fresh detail."""
    location = common.opt_dict(item.get("location"))
    return incremental.signature(
        item.get("name"),
        location.get("fullLocation"),
        location.get("remote"),
        location.get("hybrid"),
        common.opt_dict(item.get("department")).get("label"),
        custom_field(item, "Salary Range"),
        item.get("releasedDate"),
    )


def parse_posting(item: dict[str, Any], detail: Any, ref: SourceRef) -> RawPosting:
    """One list item, with its detail when there is one, -> RawPosting."""
    full = {**item, **common.opt_dict(detail)}
    location = common.opt_dict(full.get("location"))
    text = description(full)
    bands = [compensation_band(full.get("compensation")), custom_band(full, location)]
    return RawPosting(
        external_id=str(item["id"]).strip(),
        title=str(item["name"]).strip(),
        url=posting_url(item, ref),
        department=common.opt_str(common.opt_dict(full.get("department")).get("label")),
        location_raw=common.opt_str(location.get("fullLocation")),
        structured_places=places(location),
        remote=remote(location),
        salaries=tuple(b for b in bands if b is not None),
        salary_texts=prose.pay_lines([text]) if text else (),
        description=text,
        posted_at=common.parse_iso(full.get("releasedDate")),
        extra=_extra(item, full, detail is not None),
    )


def posting_url(item: dict[str, Any], ref: SourceRef) -> str:
    """``https://jobs.smartrecruiters.com/{company}/{id}`` (the same with or without detail)."""
    company = common.opt_str(common.opt_dict(item.get("company")).get("identifier"))
    return f"https://jobs.smartrecruiters.com/{company or ref.token}/{str(item['id']).strip()}"


def places(location: dict[str, Any]) -> tuple[Place, ...]:
    """The posting's one location, with its city and ISO country."""
    city = common.opt_str(location.get("city"))
    code = common.opt_str(location.get("country"))
    raw = common.opt_str(location.get("fullLocation")) or ", ".join(
        p for p in (city, common.opt_str(location.get("region")), code) if p
    )
    if not raw:
        return ()
    country = code.upper() if code and len(code) == 2 and code.isalpha() else None
    return (Place(raw=raw, city=city, country=country),)


def remote(location: dict[str, Any]) -> bool | None:
    """``location.remote`` (a boolean), else None."""
    value = location.get("remote")
    return value if isinstance(value, bool) else None


def custom_field(item: dict[str, Any], label: str) -> str | None:
    """The ``valueLabel`` of the custom field called ``label`` (case-insensitive)."""
    for field in common.opt_list(item.get("customField")):
        field = common.opt_dict(field)
        if (common.opt_str(field.get("fieldLabel")) or "").lower() == label.lower():
            return common.opt_str(field.get("valueLabel"))
    return None


def compensation_band(value: Any) -> SalaryBand | None:
    """The detail's ``compensation{min,max,currency,period}`` -> band."""
    data = common.opt_dict(value)
    low, high = common.number(data.get("min")), common.number(data.get("max"))
    currency = common.opt_str(data.get("currency"))
    if (low is None and high is None) or not currency:
        return None
    period = (common.opt_str(data.get("period")) or "").lower()
    name = next((p for needle, p in PERIODS if needle in period), "year")
    return SalaryBand(min=low, max=high, currency=currency.upper(), period=name)


def custom_band(item: dict[str, Any], location: dict[str, Any]) -> SalaryBand | None:
    """``Salary Range`` = ``"170,600.00-227,400.00"`` -> band in the country's currency."""
    text = custom_field(item, "Salary Range")
    match = _RANGE.match(text or "")
    country = (common.opt_str(location.get("country")) or "").lower()
    if not match or country not in CURRENCIES:
        return None
    low, high = amount(match.group(1)), amount(match.group(2))
    if low is None or high is None:
        return None
    period = "hour" if high < 1000 else "year"
    return SalaryBand(low, high, CURRENCIES[country], period=period, label="Salary Range")


def amount(text: str) -> float | None:
    """``170,600.00`` / ``170.600,00`` / ``34.52`` -> float (the last separator is decimal
    when it is followed by one or two digits)."""
    text = text.strip()
    last = max(text.rfind(","), text.rfind("."))
    if last >= 0 and len(text) - last - 1 in (1, 2):
        whole, fraction = text[:last], text[last + 1 :]
        text = f"{re.sub(r'[.,]', '', whole)}.{fraction}"
    else:
        text = re.sub(r"[.,]", "", text)
    return common.number_text(text)


def description(posting: dict[str, Any]) -> str | None:
    """Plain text of the job ad's description, qualifications and additional information."""
    sections = common.opt_dict(common.opt_dict(posting.get("jobAd")).get("sections"))
    parts = []
    for name in SECTIONS:
        section = common.opt_dict(sections.get(name))
        html = common.opt_str(section.get("text"))
        if html:
            title = common.opt_str(section.get("title")) or ""
            parts.append(f"{title}\n{common.html_to_text(html)}".strip())
    text = common.clean_text("\n\n".join(parts))
    return text or None


def _extra(item: dict[str, Any], full: dict[str, Any], has_detail: bool) -> dict[str, Any]:
    """The list signature, whether the detail was used, and provenance."""
    extra = {
        "signature": list_signature(item),
        "detail": has_detail,
        "ref_number": common.opt_str(full.get("refNumber")),
        "function": common.opt_str(common.opt_dict(full.get("function")).get("label")),
        "employment_type": common.opt_str(
            common.opt_dict(full.get("typeOfEmployment")).get("label")
        ),
        "experience_level": common.opt_str(
            common.opt_dict(full.get("experienceLevel")).get("label")
        ),
        "hybrid": common.opt_dict(full.get("location")).get("hybrid"),
        "posting_url": common.opt_str(full.get("postingUrl")),
    }
    return {k: v for k, v in extra.items() if v is not None}


def parse_detail(detail: Any, ref: SourceRef) -> RawPosting:
    """A detail response on its own (a captured ``.../postings/{id}`` payload) -> RawPosting."""
    data = common.expect_job(detail, 0, ref)
    common.required_id(data, 0, ref)
    common.required_title(data, 0, ref, key="name")
    return parse_posting(data, data, ref)
