"""schema.org ``JobPosting`` objects (JSON-LD) -> RawPosting pieces. Pure.

Used by Teamtailor (its feed carries one per item in ``_jobposting``) and by HTML careers pages
(``<script type="application/ld+json">``). Handles ``@graph``, arrays and ``ItemList`` wrappers,
``jobLocation`` as one place or many, ``address`` as an object or a string, ``baseSalary`` as a
``MonetaryAmount`` with a ``QuantitativeValue`` (or a bare number), and ``jobLocationType:
TELECOMMUTE``.
"""

from __future__ import annotations

import json
from typing import Any

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, prose

UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def is_job_posting(value: Any) -> bool:
    """An object whose ``@type`` is (or includes) ``JobPosting``."""
    kind = common.opt_dict(value).get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.split("/")[-1] == "JobPosting" for k in kinds)


def find_job_postings(data: Any) -> list[dict[str, Any]]:
    """Every JobPosting in a decoded JSON-LD document (walks @graph, arrays, ItemList items)."""
    found: list[dict[str, Any]] = []

    def walk(value: Any, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(value, list):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            if is_job_posting(value):
                found.append(value)
                return
            for key in ("@graph", "itemListElement", "item", "mainEntity"):
                if key in value:
                    walk(value[key], depth + 1)

    walk(data, 0)
    return found


def scripts_job_postings(texts: list[str]) -> list[dict[str, Any]]:
    """JobPostings in the text of ``ld+json`` scripts; scripts that are not JSON are skipped."""
    found: list[dict[str, Any]] = []
    for text in texts:
        try:
            data = json.loads(text.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
        except ValueError:
            continue
        found += find_job_postings(data)
    return found


def to_raw(
    posting: dict[str, Any], external_id: str, url: str | None, ref: SourceRef
) -> RawPosting:
    """One JobPosting -> RawPosting (id and url decided by the caller)."""
    html = common.opt_str(posting.get("description"))
    text = common.html_to_text(html) if html else None
    places = job_places(posting.get("jobLocation"))
    band = salary_band(posting.get("baseSalary"))
    return RawPosting(
        external_id=external_id,
        title=common.required_title(posting, 0, ref),
        url=url,
        location_raw="; ".join(p.raw for p in places) or None,
        structured_places=places,
        remote=remote(posting),
        salaries=(band,) if band else (),
        salary_texts=prose.pay_lines([text]) if text else (),
        description=text or None,
        posted_at=common.parse_iso(posting.get("datePosted")),
        extra=_extra(posting),
    )


def identifier(posting: dict[str, Any]) -> str | None:
    """``identifier`` (a PropertyValue's ``value``, or a plain string/number)."""
    value = posting.get("identifier")
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        return None
    return str(value).strip()


def job_places(value: Any) -> tuple[Place, ...]:
    """``jobLocation`` (a Place or a list of them) -> raw places with city and country."""
    items = value if isinstance(value, list) else [value]
    places = [place(item) for item in items]
    return common.unique(p for p in places if p is not None)


def place(value: Any) -> Place | None:
    """One schema.org Place -> Place(raw="Locality, Region, Country", city, country)."""
    data = common.opt_dict(value)
    address = data.get("address")
    if isinstance(address, str):
        return Place(raw=address.strip()) if address.strip() else None
    address = common.opt_dict(address)
    locality = common.opt_str(address.get("addressLocality"))
    region = common.opt_str(address.get("addressRegion"))
    country = _name(address.get("addressCountry"))
    parts = common.unique(p for p in (locality, region, country) if p)
    if not parts:
        name = common.opt_str(data.get("name"))
        return Place(raw=name) if name else None
    code = country.upper() if country and len(country) == 2 and country.isalpha() else None
    return Place(raw=", ".join(parts), city=locality, country=code)


def salary_band(value: Any) -> SalaryBand | None:
    """``baseSalary`` -> structured band (amounts may be numbers or numeric strings)."""
    data = common.opt_dict(value)
    amount = data.get("value")
    quantity = common.opt_dict(amount)
    if not quantity and amount is not None:
        quantity = {"value": amount}
    low = _number(quantity.get("minValue"))
    high = _number(quantity.get("maxValue"))
    if low is None and high is None:
        low = high = _number(quantity.get("value"))
    currency = common.opt_str(data.get("currency"))
    if low is None and high is None:
        return None
    unit = (common.opt_str(quantity.get("unitText")) or "YEAR").upper()
    return SalaryBand(
        min=low,
        max=high,
        currency=currency.upper() if currency else None,
        period=UNITS.get(unit, "year"),
        source="structured",
    )


def remote(posting: dict[str, Any]) -> bool | None:
    """``jobLocationType: TELECOMMUTE`` -> True; None when the posting does not say."""
    kind = posting.get("jobLocationType")
    kinds = kind if isinstance(kind, list) else [kind]
    if any(isinstance(k, str) and k.strip().upper() == "TELECOMMUTE" for k in kinds):
        return True
    return None


def _name(value: Any) -> str | None:
    """A string, or the ``name`` of an object (``addressCountry: {"name": "BE"}``)."""
    if isinstance(value, dict):
        return common.opt_str(value.get("name"))
    return common.opt_str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, str):
        return common.number_text(value)
    return common.number(value)


def _extra(posting: dict[str, Any]) -> dict[str, Any]:
    organization = common.opt_dict(posting.get("hiringOrganization"))
    extra = {
        "hiring_organization": common.opt_str(organization.get("name")),
        "employment_type": posting.get("employmentType") or None,
        "valid_through": common.opt_str(posting.get("validThrough")),
    }
    return {k: v for k, v in extra.items() if v is not None}
