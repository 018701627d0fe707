"""Roles -> the contract's JSON shapes and flat CSV rows. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tracker.domain import Place, Role, SalaryBand
from tracker.report.inert import csv_cell, json_inert, utf8_json_inert


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with ``Z``."""
    if value is None:
        return None
    return _iso(value)


@lru_cache(maxsize=4096)  # roles share their run times: most calls repeat a recent value
def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value: float | None) -> int | float | None:
    if value is None:
        return None
    if value.__class__ is float:  # the usual case, without the float() call
        return int(value) if value.is_integer() else round(value, 2)
    return int(value) if float(value).is_integer() else round(value, 2)


def salary_dict(band: SalaryBand | None) -> dict[str, Any] | None:
    """The contract's ``salary`` object, or None."""
    if band is None:
        return None
    low, high, low_usd, high_usd = band.min, band.max, band.min_usd, band.max_usd
    # _amount of each, without the call for whole-number floats (the usual amounts)
    return {
        "min": int(low) if low.__class__ is float and low.is_integer() else _amount(low),
        "max": int(high) if high.__class__ is float and high.is_integer() else _amount(high),
        "currency": band.currency,
        "period": band.period,
        "min_usd": (
            int(low_usd)
            if low_usd.__class__ is float and low_usd.is_integer()
            else _amount(low_usd)
        ),
        "max_usd": (
            int(high_usd)
            if high_usd.__class__ is float and high_usd.is_integer()
            else _amount(high_usd)
        ),
        "source": band.source,
    }


def band_dict(band: SalaryBand) -> dict[str, Any]:
    """One of a role's ``salaries``: the ``salary`` shape plus the band's ``label``."""
    return {**(salary_dict(band) or {}), "label": band.label}


def place_dict(place: Place) -> dict[str, Any]:
    """``asdict(place)``, without its deep copy (a year's diff has tens of thousands)."""
    return {"raw": place.raw, "city": place.city, "country": place.country, "region": place.region}


def role_dict(role: Role) -> dict[str, Any]:
    """One role in the contract's JSON shape."""
    salary = salary_dict(role.salary)
    bands = role.salaries
    if len(bands) == 1 and bands[0] is role.salary and salary:  # the usual single band
        salaries = [{**salary, "label": bands[0].label}]
    else:
        salaries = [
            # the primary band is usually the first: its salary dict is already made
            {**salary, "label": band.label} if band is role.salary and salary else band_dict(band)
            for band in bands
        ]
    return {
        "id": role.id,
        "source": role.source,
        "external_id": role.external_id,
        "company": role.company,
        "company_name": role.company_name,
        "title": role.title,
        "department": role.department,
        "team": role.team,
        "compute": role.compute,
        "category": role.category,
        "locations": [  # place_dict(p), without its call
            {"raw": p.raw, "city": p.city, "country": p.country, "region": p.region}
            for p in role.locations
        ],
        "remote": role.remote,
        "salary": salary,
        "salaries": salaries,
        "url": role.url,
        # iso(), without its call
        "first_seen": None if role.first_seen is None else _iso(role.first_seen),
        "last_seen": None if role.last_seen is None else _iso(role.last_seen),
        "closed_at": None if role.closed_at is None else _iso(role.closed_at),
    }


def dumps(value: Any, *, alike: bool | None = None) -> str:
    """Pretty, UTF-8 JSON as every ``--format json`` prints it; C1 controls and bidi overrides
    are written as ``\\uXXXX`` escapes (the same JSON, inert in a terminal).

    ``alike``: whether the caller has checked that every value is one orjson writes as the
    standard library does (:func:`_orjson_alike`); ``None`` checks here. A caller that knows
    (``tracker.report.jsonout.report_json``) spares the walk over a whole-year report."""
    data = _orjson_bytes(value, alike)
    if data is None:
        return json_inert(json.dumps(value, indent=2, ensure_ascii=False))
    text = data.decode()
    return text if utf8_json_inert(data) else json_inert(text)


def _pretty(value: Any, alike: bool | None = None) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte; orjson writes it
    (~10x faster: the standard library's indented output is pure Python) when every value is
    one both libraries write alike (see :func:`_orjson_alike`)."""
    data = _orjson_bytes(value, alike)
    if data is None:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return data.decode()


def _orjson_bytes(value: Any, alike: bool | None) -> bytes | None:
    """:func:`_pretty`'s text as orjson writes it (UTF-8), or None when the standard library
    must write it."""
    if _orjson_alike(value) if alike is None else alike:
        import orjson

        try:
            # subclasses, dataclasses and datetimes raise (the standard library decides)
            # instead of being written by orjson's own rules: the checked walk never lets
            # them through, and a caller vouching for its values gets the same guard
            return orjson.dumps(value, option=_orjson_options())
        except orjson.JSONEncodeError:  # e.g. a lone surrogate: the standard library decides
            pass
    return None


@lru_cache(maxsize=1)
def _orjson_options() -> int:
    import orjson

    return int(
        orjson.OPT_INDENT_2
        | orjson.OPT_PASSTHROUGH_SUBCLASS
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
    )


_ORJSON_DEPTH = 200  # orjson refuses deeper nesting (254 levels)


def _orjson_alike(value: Any, depth: int = 0) -> bool:
    """Whether orjson writes ``value`` exactly as the standard library does: dicts with str
    keys, lists, tuples, str, bool, None, 64-bit ints and floats written without an exponent
    (0 or 1e-4 <= |x| < 1e16: below that orjson writes ``1e-5`` as ``0.00001``; no NaN or
    infinity, which it writes as null). Exact types only: subclasses go to the standard
    library."""
    kind = type(value)
    if kind is dict:
        if any(type(key) is not str for key in value):
            return False
        children: Any = value.values()
    elif kind is list or kind is tuple:
        children = value
    else:
        return _scalar_alike(value)
    if depth >= _ORJSON_DEPTH:
        return False
    for child in children:
        kind = type(child)
        if kind is str or child is None or kind is bool:
            continue
        if kind is dict or kind is list or kind is tuple:
            if not _orjson_alike(child, depth + 1):
                return False
        elif not _scalar_alike(child):
            return False
    return True


def _scalar_alike(value: Any) -> bool:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-(2**63) <= value < 2**64)
    if kind is float:
        return bool(value == 0 or 1e-4 <= abs(value) < 1e16)
    return False


def format_places(places: Sequence[Place], remote: bool = False) -> str:
    """``Tokyo, JP; Sydney, AU`` for tables."""
    parts = []
    for p in places:
        if p.city and p.country:
            parts.append(f"{p.city}, {p.country}")
        else:
            parts.append(p.country or p.city or p.raw)
    if remote and not any("remote" in part.lower() for part in parts):
        parts.append("Remote")
    return "; ".join(dict.fromkeys(parts))


def format_band(band: SalaryBand | None) -> str:
    """The one money format of tables and reports (see ``tracker.report.money.band_text``):
    ``£225,000–£270,000 (≈ $297k–$355k)``."""
    from tracker.report.money import band_text

    return band_text(band)


ROLE_CSV_FIELDS = [
    "id",
    "source",
    "external_id",
    "company",
    "company_name",
    "title",
    "department",
    "team",
    "compute",
    "category",
    "countries",
    "regions",
    "cities",
    "locations",
    "remote",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_min_usd",
    "salary_max_usd",
    "url",
    "first_seen",
    "last_seen",
    "closed_at",
]


def role_row(role: Role) -> dict[str, Any]:
    """One flat CSV row per role; multi-valued fields joined with ``;``."""
    band = role.salary
    return {
        "id": role.id,
        "source": role.source,
        "external_id": role.external_id,
        "company": role.company,
        "company_name": role.company_name,
        "title": role.title,
        "department": role.department or "",
        "team": role.team or "",
        "compute": str(role.compute).lower(),
        "category": role.category,
        "countries": ";".join(dict.fromkeys(p.country for p in role.locations if p.country)),
        "regions": ";".join(dict.fromkeys(p.region for p in role.locations if p.region)),
        "cities": ";".join(dict.fromkeys(p.city for p in role.locations if p.city)),
        "locations": ";".join(p.raw for p in role.locations),
        "remote": str(role.remote).lower(),
        "salary_min": _amount(band.min) if band else "",
        "salary_max": _amount(band.max) if band else "",
        "salary_currency": band.currency if band else "",
        "salary_period": band.period if band else "",
        "salary_min_usd": _amount(band.min_usd) if band else "",
        "salary_max_usd": _amount(band.max_usd) if band else "",
        "url": role.url or "",
        "first_seen": iso(role.first_seen),
        "last_seen": iso(role.last_seen),
        "closed_at": iso(role.closed_at) or "",
    }


def to_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> str:
    """Rows -> CSV text with a header; text cells made inert (no formulas, no controls)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
