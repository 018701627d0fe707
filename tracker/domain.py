"""Domain types shared by every layer: plain frozen dataclasses, no I/O.

The pipeline is ``fetch -> payload -> parse -> RawPosting -> normalize -> Posting``;
``db.store`` records a run of ``Posting`` values and ``db.queries`` reads ``Role`` values back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, cast

CATEGORIES: tuple[str, ...] = (
    "dc_operations",
    "dc_engineering",
    "dc_electrical",
    "dc_construction",
    "deal_sourcing",
    "energy",
    "capacity_planning",
    "hardware_fleet",
    "other_compute",
    "not_compute",
)
REGIONS: tuple[str, ...] = ("APAC", "EMEA", "AMER")
PERIODS: tuple[str, ...] = ("year", "month", "week", "day", "hour")
DIMENSIONS: tuple[str, ...] = ("company", "category", "country", "region", "city", "source")

RunStatus = Literal["ok", "failed", "suspect", "skipped"]  # skipped: another writer had it


@dataclass(frozen=True)
class SourceRef:
    """One configured board: what ``fetch``/``parse`` need to know about it."""

    ats: str
    token: str
    company: str  # display name
    company_slug: str
    options: dict[str, Any] = field(default_factory=dict)  # every other watchlist key
    api_base: str | None = None

    @property
    def key(self) -> str:
        return source_key(self.ats, self.token, self.options)

    @property
    def departments(self) -> tuple[str, ...]:
        value = self.options.get("departments") or ()
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        return tuple(str(v) for v in value if str(v).strip())


def source_key(ats: str, token: str, options: dict[str, Any] | None = None) -> str:
    """``ats:token``; Workday adds the site: ``workday:token/site``."""
    site = (options or {}).get("site")
    if ats == "workday" and site:
        return f"{ats}:{token}/{site}"
    return f"{ats}:{token}"


@dataclass(frozen=True)
class Place:
    """A normalized place. ``raw`` is the string the board gave."""

    raw: str
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None  # APAC | EMEA | AMER


@dataclass(frozen=True)
class SalaryBand:
    """Pay band in the posting's native currency; ``*_usd`` added at normalization."""

    min: float | None
    max: float | None
    currency: str | None  # ISO 4217
    period: str = "year"  # year|month|week|day|hour
    source: str = "structured"  # structured|text
    min_usd: float | None = None
    max_usd: float | None = None
    label: str | None = None  # e.g. "Canada Annual Pay Range" for multi-band postings


@dataclass(frozen=True)
class RawPosting:
    """One posting as an ATS gave it, lightly structured by ``parse()``; pure data."""

    external_id: str
    title: str
    url: str | None = None
    department: str | None = None
    team: str | None = None
    location_raw: str | None = None  # the board's free-text location
    structured_places: tuple[Place, ...] = ()  # places the ATS gave as fields
    remote: bool | None = None
    salaries: tuple[SalaryBand, ...] = ()  # structured salary fields, primary first
    salary_texts: tuple[str, ...] = ()  # salary-bearing text snippets for text parsing
    description: str | None = None  # plain text
    posted_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Posting:
    """A normalized posting, ready to be stored: what a version records."""

    external_id: str
    title: str
    url: str | None
    department: str | None
    team: str | None
    compute: bool
    category: str
    category_rule: str  # which rule decided the category (shown by `tracker history`)
    places: tuple[Place, ...]
    remote: bool
    salary: SalaryBand | None
    salaries: tuple[SalaryBand, ...] = ()  # every published band, primary (``salary``) first
    pay_lines: tuple[str, ...] = ()  # the pay text the bands were read from (for renormalize)

    @property
    def content_hash(self) -> str:
        """Stable hash of what a version records; unchanged postings are skipped by it.

        Derived values stay out: US-dollar amounts (an exchange-rate move is not a change) and
        the pay lines (the bands read from them are in).
        """
        cached: str | None = self.__dict__.get("_content_hash")
        if cached is None:  # immutable: computed once (a scrape worker sends it along)
            payload = _HASH_JSON.encode(content_of(self))
            cached = hashlib.sha256(payload.encode()).hexdigest()[:32]
            object.__setattr__(self, "_content_hash", cached)
        return cached


# what json.dumps(sort_keys=True, default=str, ensure_ascii=False) builds on every call
_HASH_JSON = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False)


def _native(band: SalaryBand | None) -> dict[str, Any] | None:
    if band is None:
        return None
    data = _shallow(band)
    del data["min_usd"], data["max_usd"]
    for key in ("min", "max"):  # 120000 and 120000.0 are the same amount
        data[key] = None if data[key] is None else float(data[key])
    return data


def content_of(posting: Posting) -> dict[str, Any]:
    """The fields a version is compared on: every stored field but derived pay values.

    Bands beyond the primary one join only when there are several, so a posting stored before
    every band was kept compares equal to itself.
    """
    data = _shallow(posting)  # asdict() without its deep copies: same JSON, a quarter faster
    data["places"] = [_shallow(p) for p in posting.places]
    data["salary"] = _native(posting.salary)
    del data["pay_lines"], data["salaries"]
    if len(posting.salaries) > 1:
        data["bands"] = [_native(band) for band in posting.salaries]
    return data


def _shallow(obj: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: getattr(obj, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Role:
    """A posting as the queries return it (docs/json.md, "A role")."""

    id: int
    source: str
    external_id: str
    company: str
    company_name: str
    title: str
    department: str | None
    team: str | None
    compute: bool
    category: str
    locations: tuple[Place, ...]
    remote: bool
    salary: SalaryBand | None
    url: str | None
    first_seen: datetime
    last_seen: datetime
    closed_at: datetime | None
    category_rule: str | None = None
    salaries: tuple[SalaryBand, ...] = ()  # every published band, primary (``salary``) first


@dataclass(frozen=True, slots=True)
class RoleKey:
    """The light form of a role open at some time: enough to count it and to tell whether it
    changed (``version_id``). Snapshots of whole boards use it; full Roles are loaded only for
    the roles a diff shows."""

    id: int
    version_id: int
    source: str
    company: str
    company_name: str
    category: str
    compute: bool
    locations: tuple[Place, ...]


Counted = Role | RoleKey  # what counting needs: id, company, category, source, compute, places


@dataclass(frozen=True)
class RunResult:
    """What ``db.store.record_run`` did, for summaries and logs."""

    source: str
    status: RunStatus
    observed_at: datetime
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    reopened: int = 0
    error: str | None = None
    run_id: int | None = None


@dataclass(frozen=True)
class RoleFilter:
    """The contract's FILTERS. ``include_all`` is ``--all`` (non-compute roles too).

    Each filter holds several values (any of them matches; empty = no filter). A plain string
    is accepted for one value: ``RoleFilter(company="anthropic")``. Build it from user input
    with ``tracker.filters.build_filter`` (validation, country names, comma lists).
    """

    company: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    include_all: bool = False

    def __post_init__(self) -> None:
        for name in ("company", "category", "country", "region", "source"):
            value: object = getattr(self, name)
            if value is None:
                object.__setattr__(self, name, ())
            elif isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(cast(Iterable[str], value)))
