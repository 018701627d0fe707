"""Query strings -> the CLI's typed values, through the CLI's own parsing and validation.

``?country=JP,AU&country=Japan&company=acme&all=1&from=7d&to=2026-11-20``: each filter takes
several values (comma-separated or repeated), countries by code, name or alias; a bad value is a
:class:`~tracker.settings.ConfigError` whose one line the app shows as a 400 page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode

from tracker.report.serialize import iso
from tracker.settings import ConfigError, parse_when

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.domain import RoleFilter

FILTER_KEYS = ("company", "category", "country", "region", "source")
TRUE = ("1", "true", "yes", "on")
MAX_PER_PAGE = 1000
PER_PAGE = 100


class Query(Protocol):
    """What the app reads of a query string (Starlette's ``QueryParams``)."""

    def getlist(self, key: str) -> list[str]: ...

    def multi_items(self) -> list[tuple[str, str]]: ...


def text(query: Query, key: str) -> str | None:
    """The last non-blank value of ``key`` (an empty form field counts as absent)."""
    values = [v.strip() for v in query.getlist(key) if v.strip()]
    return values[-1] if values else None


def flag(query: Query, key: str) -> bool:
    value = text(query, key)
    if value is None:
        return False
    if value.lower() in TRUE or value.lower() in ("0", "false", "no", "off"):
        return value.lower() in TRUE
    raise ConfigError(f"bad {key}={value!r}: use 1 or 0")


def role_filter(engine: Engine, query: Query) -> RoleFilter:
    """The FILTERS of a query string, checked like the CLI's (unknown company: one line)."""
    from jobs.filters import known_filter
    from tracker.filters import build_filter

    values = {key: query.getlist(key) for key in FILTER_KEYS}
    flt = build_filter(**values, include_all=flag(query, "all"))
    return known_filter(engine, flt)


def moment(query: Query, key: str, now: datetime | None = None) -> datetime | None:
    value = text(query, key)
    if value is None:
        return None
    try:
        return parse_when(value, now=now)
    except ConfigError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def at_time(query: Query) -> datetime:
    """``?at=`` (default: now), like ``--at``."""
    return moment(query, "at") or datetime.now(UTC)


def diff_window(query: Query) -> tuple[datetime, datetime]:
    """``?from=&to=`` like ``tracker diff``: ``to`` defaults to now, ``from`` to 7 days before."""
    end = moment(query, "to") or datetime.now(UTC)
    start = moment(query, "from", now=end) or end - timedelta(days=7)
    if start >= end:
        raise ConfigError(f"from ({iso(start)}) must be before to ({iso(end)})")
    return start, end


def trend_window(query: Query) -> tuple[str, datetime, datetime]:
    """``?every=week|month&from=`` like ``tracker trend``: 12 periods back by default."""
    every = text(query, "every") or "week"
    if every not in ("week", "month"):
        raise ConfigError(f"bad every={every!r}: use week or month")
    now = datetime.now(UTC)
    back = timedelta(weeks=11) if every == "week" else timedelta(days=334)
    value = text(query, "from")
    try:
        start = parse_when(value, now=now, end_of_day=False) if value else now - back
    except ConfigError as exc:
        raise ConfigError(f"from: {exc}") from None
    return every, start, now


def dims(query: Query, *, required: bool, one: bool = False) -> list[str]:
    """``?by=company,country`` through the CLI's ``parse_dims``."""
    from tracker.counts import parse_dims

    value = text(query, "by")
    if value is None:
        if required:
            raise ConfigError("missing by=: choose from company, category, country, ...")
        return []
    found = parse_dims(value)
    if one and len(found) != 1:
        raise ConfigError(f"bad by={value!r}: trend takes one dimension")
    return found


def number(query: Query, key: str, default: int, low: int, high: int) -> int:
    value = text(query, key)
    if value is None:
        return default
    try:
        found = int(value)
    except ValueError:
        raise ConfigError(f"bad {key}={value!r}: expected a whole number") from None
    if not low <= found <= high:
        raise ConfigError(f"bad {key}={found}: use {low} to {high}")
    return found


@dataclass(frozen=True)
class Paging:
    sort: str
    descending: bool
    page: int
    per: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per


def paging(query: Query, columns: Sequence[str]) -> Paging:
    """``?sort=-first_seen&page=2&per=100``."""
    sort = text(query, "sort") or "company"
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in columns:
        raise ConfigError(f"bad sort={sort!r}: use one of {', '.join(columns)} (- for descending)")
    per = number(query, "per", PER_PAGE, 1, MAX_PER_PAGE)
    return Paging(key, descending, number(query, "page", 1, 1, 10_000_000), per)


def with_params(query: Query, **changes: str | int | None) -> str:
    """The query string with some keys replaced (None removes them): shareable links."""
    kept = [(k, v) for k, v in query.multi_items() if k not in changes and k != "token" and v]
    kept += [(k, str(v)) for k, v in changes.items() if v is not None]
    return urlencode(kept)


def link(path: str, query: Query, **changes: str | int | None) -> str:
    """``path?query`` with :func:`with_params`'s changes (no ``?`` when nothing is left)."""
    rest = with_params(query, **changes)
    return f"{path}?{rest}" if rest else path


def form_values(query: Query) -> Mapping[str, str]:
    """The filter form's fields as they were submitted (comma-joined)."""
    keys = (*FILTER_KEYS, "from", "to", "at", "by", "every")
    return {k: ",".join(v for v in query.getlist(k) if v.strip()) for k in keys}
