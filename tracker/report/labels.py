"""Words for what the data stores as slugs: category labels, company display names. Pure.

Tables, reports and digests show the words; JSON and CSV keep the slugs (the contract).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tracker.domain import Counted

CATEGORY_LABELS: Mapping[str, str] = {
    "dc_operations": "Data-center operations",
    "dc_engineering": "Data-center engineering",
    "dc_electrical": "Data-center electrical",
    "dc_construction": "Data-center construction",
    "deal_sourcing": "Sites and capacity deals",
    "energy": "Energy and power",
    "capacity_planning": "Capacity planning",
    "hardware_fleet": "Hardware fleet",
    "other_compute": "Other compute",
    "not_compute": "Not compute",
}


def category_label(slug: str | None) -> str:
    """``dc_operations`` -> ``Data-center operations`` (an unknown slug is shown as it is)."""
    if not slug:
        return "(unknown)"
    return CATEGORY_LABELS.get(slug, slug)


def company_names(roles: Iterable[Counted]) -> dict[str, str]:
    """Company slug -> display name, from the roles at hand."""
    return {r.company: r.company_name for r in roles}


def dim_value(dim: str, value: Any, names: Mapping[str, str] | None = None) -> Any:
    """A dimension value as people read it: category in words, company by its display name."""
    if value is None:
        return value
    if dim == "category":
        return category_label(value)
    if dim == "company" and names:
        return names.get(value, value)
    return value
