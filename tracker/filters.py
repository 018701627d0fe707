"""The contract's FILTERS as typed values: several values per filter, country names and aliases,
and one clear line naming the nearest known values for anything unknown.

Pure: the values the database knows (companies, sources) are passed in by ``jobs.filters``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from tracker.domain import CATEGORIES, REGIONS, RoleFilter
from tracker.settings import ConfigError


def split_values(values: str | Iterable[str] | None) -> tuple[str, ...]:
    """``["JP,AU", "GB"]`` or ``"JP, AU"`` -> ``("JP", "AU", "GB")`` (order kept, no repeats)."""
    if values is None:
        return ()
    items = [values] if isinstance(values, str) else list(values)
    found: list[str] = []
    for item in items:
        for part in item.split(","):
            value = part.strip()
            if value and value not in found:
                found.append(value)
    return tuple(found)


def nearest(value: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known values closest to ``value`` (case-insensitive), best first."""
    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(item.casefold(), item)
    close = difflib.get_close_matches(value.casefold(), list(by_fold), n=limit, cutoff=0.5)
    return [by_fold[c] for c in close]


def unknown(
    kind: str,
    value: str,
    known: Sequence[str],
    hint: str = "",
    spellings: Mapping[str, str] | None = None,
) -> ConfigError:
    """``unknown company 'gogle' (nearest: google; see tracker sources list)``.

    ``spellings`` maps other accepted spellings (display names) to the known value they mean.
    """
    spelled = {**(spellings or {}), **{k: k for k in known}}
    close = list(dict.fromkeys(spelled[c] for c in nearest(value, spelled)))
    if close:
        listed = "nearest: " + ", ".join(close)
    elif not known:
        listed = f"the database has no {kind} yet"
    elif len(known) <= 8:
        listed = "known: " + ", ".join(known)
    else:
        listed = f"none close among {len(known)} known"
    return ConfigError(f"unknown {kind} {value!r} ({listed}{'; ' + hint if hint else ''})")


def country_codes(values: Iterable[str]) -> tuple[str, ...]:
    """ISO alpha-2 codes for codes, names and aliases (``Japan``, ``UK``, ``USA``, ``gb``)."""
    from tracker.normalize.gazetteer import country_code

    codes: list[str] = []
    for value in values:
        code = country_code(value)
        if code is None:
            raise ConfigError(f"unknown country {value!r} ({_country_hint(value)})")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _country_hint(value: str) -> str:
    import pycountry

    names = {c.name: c.alpha_2 for c in pycountry.countries}
    names.update({getattr(c, "common_name", c.name): c.alpha_2 for c in pycountry.countries})
    close = nearest(value, names)
    if close:
        return "nearest: " + ", ".join(f"{n} ({names[n]})" for n in close)
    return "use a country name or an ISO 3166-1 alpha-2 code such as JP"


def build_filter(
    *,
    company: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    country: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
    include_all: bool = False,
) -> RoleFilter:
    """Check the values that need no database (category, country, region) -> RoleFilter."""
    categories = split_values(category)
    for value in categories:
        if value not in CATEGORIES:
            raise unknown("category", value, CATEGORIES)
    for value in split_values(region):
        if value.upper() not in REGIONS:
            raise unknown("region", value, REGIONS)
    regions = tuple(r.upper() for r in split_values(region))
    return RoleFilter(
        company=split_values(company),
        category=categories,
        country=country_codes(split_values(country)),
        region=regions,
        source=split_values(source),
        include_all=include_all or "not_compute" in categories,
    )


def resolve_known(
    flt: RoleFilter, companies: Mapping[str, str], sources: Sequence[str]
) -> RoleFilter:
    """Companies by slug or display name -> slugs; sources must exist. ``companies`` maps slug
    to display name; anything unknown raises ConfigError naming the nearest known values."""
    by_name = {name.casefold(): slug for slug, name in companies.items()}
    slugs: list[str] = []
    for value in flt.company:
        slug = value.lower() if value.lower() in companies else by_name.get(value.casefold())
        if slug is None:
            names = {name: slug for slug, name in companies.items()}
            raise unknown("company", value, sorted(companies), "see tracker sources list", names)
        if slug not in slugs:
            slugs.append(slug)
    for value in flt.source:
        if value not in sources:
            raise unknown("source", value, sources, "see tracker sources list")
    return RoleFilter(
        company=tuple(slugs),
        category=flt.category,
        country=flt.country,
        region=flt.region,
        source=flt.source,
        include_all=flt.include_all,
    )
