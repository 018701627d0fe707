"""Report -> the contract's diff JSON. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from itertools import chain
from operator import attrgetter
from typing import Any

from tracker.diff import Report, gc_paused
from tracker.domain import Place, Role, SalaryBand
from tracker.report.serialize import (
    _orjson_alike,
    _scalar_alike,
    dumps,
    iso,
    role_dict,
    salary_dict,
)


def _value(field: str, value: Any) -> Any:
    if field == "salary":
        return salary_dict(value) if isinstance(value, SalaryBand) or value is None else value
    if field == "locations":
        return [asdict(p) for p in value if isinstance(p, Place)]
    return value


def report_dict(report: Report) -> dict[str, Any]:
    """The ``tracker diff --format json`` object."""
    with gc_paused():  # tens of thousands of dicts on a whole-year diff (see gc_paused)
        return _report_dict(report)


def report_json(report: Report) -> str:
    """``dumps(report_dict(report))``, the same text, without walking every value of every
    role to learn that orjson may write it (a whole-year report has ~a million): a role's JSON
    holds its fields as they are (checked here per distinct type, place and band, in C
    loops), ISO strings and a few literals; the rest of the report is walked as usual."""
    with gc_paused():
        value = _report_dict(report)
        roles = [*report.opened, *report.closed, *(c.role for c in report.changed)]
        rest = {k: v for k, v in value.items() if k not in ("opened", "closed", "changed")}
        changes = [c["changes"] for c in value["changed"]]
        alike = roles_alike(roles) and _orjson_alike(rest) and _orjson_alike(changes)
        return dumps(value, alike=alike)


# the fields role_dict writes as they are (the others: places, bands, timestamps via iso)
_ROLE_TEXT = attrgetter(
    "source", "external_id", "company", "company_name", "title", "department", "team",
    "compute", "category", "remote", "url",
)  # fmt: skip
_PLACE_FIELDS = attrgetter("raw", "city", "country", "region")
_BAND_FIELDS = attrgetter("min", "max", "currency", "period", "min_usd", "max_usd", "source")
_PLAIN = {str, bool, type(None)}


def roles_alike(roles: Sequence[Role]) -> bool:
    """Whether orjson writes the :func:`role_dict` of every role as the standard library does
    (what :func:`tracker.report.serialize._orjson_alike` would say of them): ids are 64-bit
    ints; every other field written as it is, every place field, is a str, bool or None; every
    amount, currency, period, source and label of a band is alike (see ``_amount``: an alike
    amount gives an alike int or rounded float). Timestamps are written by ``iso`` (str)."""
    if not roles:
        return True
    ids = list(map(attrgetter("id"), roles))
    if set(map(type, ids)) != {int} or min(ids) < -(2**63) or max(ids) >= 2**64:
        return False
    if not set(map(type, chain.from_iterable(map(_ROLE_TEXT, roles)))) <= _PLAIN:
        return False
    places = {id(p): p for p in chain.from_iterable(map(attrgetter("locations"), roles))}
    if not all(type(p) is Place for p in places.values()):
        return False
    if not set(map(type, chain.from_iterable(map(_PLACE_FIELDS, places.values())))) <= _PLAIN:
        return False
    return _bands_alike(chain((r.salary for r in roles), *(r.salaries for r in roles)))


def _bands_alike(found: Iterable[SalaryBand | None]) -> bool:
    bands = {id(b): b for b in found if b is not None}
    if not all(type(b) is SalaryBand for b in bands.values()):
        return False
    labels = set(map(type, map(attrgetter("label"), bands.values())))
    if not labels <= _PLAIN:
        return False
    try:
        values = set(chain.from_iterable(map(_BAND_FIELDS, bands.values())))
    except TypeError:  # an unhashable value: not one of ours
        return False
    return all(map(_scalar_alike, values))


def _report_dict(report: Report) -> dict[str, Any]:
    return {
        "from": iso(report.start),
        "to": iso(report.end),
        "totals": {"from": report.total_start, "to": report.total_end, "delta": report.delta},
        "opened": [role_dict(r) for r in report.opened],
        "closed": [role_dict(r) for r in report.closed],
        "changed": [
            {
                "role": role_dict(c.role),
                "changes": {
                    k: [_value(k, old), _value(k, new)] for k, (old, new) in c.changes.items()
                },
            }
            for c in report.changed
        ],
        "by": {
            dim: [{"key": d.key, "from": d.start, "to": d.end, "delta": d.delta} for d in rows]
            for dim, rows in report.by.items()
        },
        "unverified_sources": [
            {"source": u.source, "last_ok": iso(u.last_ok), "error": u.error}
            for u in report.unverified
        ],
        "summary": list(report.summary),
    }
