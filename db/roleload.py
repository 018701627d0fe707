"""Full roles in bulk, lean: one query with the places joined, positional columns, each distinct
timestamp parsed once. What whole-year diffs and long listings need (tens of thousands of
roles); the same :class:`Role` values as :func:`db.queries._role`. Read-only; never commits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import lt
from typing import Any

from sqlalchemy import String, type_coerce

from db.paycols import bands_from_text
from db.tables import COMPANY, LAST_SEEN, PLACE, POSTING, SOURCE, VERSION
from tracker.domain import Place, Role, RoleKey, SalaryBand

_HEAD = (
    POSTING.c.id,
    SOURCE.c.key,
    POSTING.c.external_id,
    COMPANY.c.slug,
    COMPANY.c.name,
    VERSION.c.title,
    VERSION.c.department,
    VERSION.c.team,
    VERSION.c.compute,
    VERSION.c.category,
    VERSION.c.remote,
    VERSION.c.url,
    # raw values: parsed below, once per distinct timestamp
    type_coerce(POSTING.c.first_seen, String()).label("first_seen"),
    type_coerce(LAST_SEEN, String()).label("last_seen"),
    type_coerce(POSTING.c.closed_at, String()).label("closed_at"),
    VERSION.c.category_rule,
)
_PAY = (
    VERSION.c.salary_source,
    VERSION.c.salary_min,
    VERSION.c.salary_max,
    VERSION.c.salary_currency,
    VERSION.c.salary_period,
    VERSION.c.salary_min_usd,
    VERSION.c.salary_max_usd,
    VERSION.c.salary_label,
    VERSION.c.salary_bands,
)
_PLACE = (PLACE.c.raw, PLACE.c.city, PLACE.c.country, PLACE.c.region)
COLUMNS = (*_HEAD, *_PAY, *_PLACE)
# a whole snapshot: full role columns, the version id (keys for all, roles for some) and
# the place's position (rows ordered by posting only: a posting's places are sorted here)
SNAPSHOT_COLUMNS = (
    *COLUMNS,
    VERSION.c.id.label("version_id"),
    PLACE.c.position.label("place_position"),
)
_AT_PLACE = len(_HEAD) + len(_PAY)
_AFTER_PLACE = _AT_PLACE + len(_PLACE)
_VERSION_ID = len(COLUMNS)
_POSITION = _VERSION_ID + 1


def _when(seen: dict[Any, datetime] | None = None) -> Callable[[Any], datetime | None]:
    """A converter of stored timestamps to aware UTC, caching each distinct value (in
    ``seen``, which callers may read first: most values repeat)."""
    seen = {} if seen is None else seen

    def convert(value: Any) -> datetime | None:
        if value is None:
            return None
        found = seen.get(value)
        if found is None:
            when = datetime.fromisoformat(value) if isinstance(value, str) else value
            found = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
            seen[value] = found
        return found

    return convert


def _band(pay: Sequence[Any]) -> SalaryBand | None:
    source, low, high, currency, period, low_usd, high_usd, label = pay[:8]
    if source is None:
        return None
    values = {
        "min": low,
        "max": high,
        "currency": currency,
        "period": period or "year",
        "source": source,
        "min_usd": low_usd,
        "max_usd": high_usd,
        "label": label,
    }
    if not _PLAIN_BAND:
        return SalaryBand(**values)
    band = object.__new__(SalaryBand)
    band.__dict__.update(values)  # what SalaryBand(**values) does (see _plain_frozen)
    return band


def roles_from_rows(rows: Iterable[Sequence[Any]]) -> list[Role]:
    """Roles from rows of :data:`COLUMNS` (or :data:`SNAPSHOT_COLUMNS`), a posting's rows
    consecutive, places in order."""
    seen: dict[Any, datetime] = {}
    when = _when(seen)
    places: dict[tuple[Any, ...], Place] = {}
    found: list[Role] = []
    current: list[Any] | None = None
    n_head = len(_HEAD)
    for row in rows:
        if current is None or current[0][0] != row[0]:
            if current is not None:
                found.append(_role(current, when, seen))
            current = [row[:n_head], row[n_head:_AT_PLACE], []]
        place = tuple(row[_AT_PLACE:_AFTER_PLACE])
        if place[0] is not None:
            known = places.get(place)  # not setdefault: that builds a Place for every row
            if known is None:
                known = places[place] = Place(*place)
            current[2].append(known)
    if current is not None:
        found.append(_role(current, when, seen))
    return found


def _role(
    parts: list[Any], when: Callable[[Any], datetime | None], seen: dict[Any, datetime]
) -> Role:
    head, pay, places = parts
    (pid, key, external_id, slug, name, title, department, team, compute, category, remote, url,
     first_seen, last_seen, closed_at, category_rule) = head  # fmt: skip
    salary = _band(pay)
    values = {
        "id": pid,
        "source": key,
        "external_id": external_id,
        "company": slug,
        "company_name": name,
        "title": title,
        "department": department,
        "team": team,
        "compute": bool(compute),
        "category": category,
        "locations": tuple(places),
        "remote": bool(remote),
        "salary": salary,
        "url": url,
        "first_seen": seen.get(first_seen) or when(first_seen),
        "last_seen": seen.get(last_seen) or when(last_seen),
        "closed_at": None if closed_at is None else seen.get(closed_at) or when(closed_at),
        "category_rule": category_rule,
        "salaries": bands_from_text(pay[8], salary),
    }
    if not _PLAIN_ROLE:
        return Role(**values)
    role = object.__new__(Role)
    role.__dict__.update(values)  # what Role(**values) does, without a setattr call per field
    return role


def _plain_frozen(cls: type, names: tuple[str, ...]) -> bool:
    """Whether ``cls(**values)`` (every field given) is the same as a bare instance whose
    ``__dict__`` is ``values``: a frozen dataclass sets each field through
    ``object.__setattr__`` (~a fifth of loading a whole-year diff's roles), and nothing else
    while it stays a plain dataclass with these fields (no slots, no ``__post_init__``)."""
    fields = dataclasses.fields(cls)
    return (
        tuple(f.name for f in fields) == names
        and "__slots__" not in vars(cls)
        and not hasattr(cls, "__post_init__")
        and all(f.init for f in fields)
    )


_PLAIN_ROLE = _plain_frozen(
    Role,
    ("id", "source", "external_id", "company", "company_name", "title", "department", "team",
     "compute", "category", "locations", "remote", "salary", "url", "first_seen", "last_seen",
     "closed_at", "category_rule", "salaries"),
)  # fmt: skip
_PLAIN_BAND = _plain_frozen(
    SalaryBand, ("min", "max", "currency", "period", "source", "min_usd", "max_usd", "label")
)


def keys_from_rows(rows: Iterable[Sequence[Any]]) -> list[RoleKey]:
    """Role keys from rows ``(posting id, version id, source key, company slug, company name,
    category, compute, *place)``, a posting's rows consecutive, places in order and interned."""
    interned: dict[tuple[Any, ...], Place] = {}
    shared: dict[tuple[int, ...], tuple[Place, ...]] = {}
    found: list[RoleKey] = []
    head: tuple[Any, ...] | None = None
    places: list[Place] = []
    for row in rows:
        if head is None or head[0] != row[0]:
            if head is not None:
                found.append(_key(head, _locations(places, shared)))
            head, places = (*row[:6], bool(row[6])), []
        if row[7] is not None:
            place = tuple(row[7:])
            known = interned.get(place)
            if known is None:
                known = interned[place] = Place(*place)
            places.append(known)
    if head is not None:
        found.append(_key(head, _locations(places, shared)))
    return found


def _locations(
    places: list[Place], shared: dict[tuple[int, ...], tuple[Place, ...]]
) -> tuple[Place, ...]:
    """``tuple(places)`` of interned places, itself shared by every key with the same places
    (counting by country or region then looks at each distinct tuple once)."""
    ids = tuple(map(id, places))
    found = shared.get(ids)
    if found is None:
        found = shared[ids] = tuple(places)
    return found


def _key(head: tuple[Any, ...], locations: tuple[Place, ...]) -> RoleKey:
    pid, vid, key, slug, name, category, compute = head
    return RoleKey(pid, vid, key, slug, name, category, compute, locations)


def snapshot_from_rows(
    rows: Iterable[Sequence[Any]],
) -> tuple[list[RoleKey], dict[int, list[Sequence[Any]]]]:
    """From rows of :data:`SNAPSHOT_COLUMNS` (a posting's rows consecutive, its places in any
    order): the key of every role (as :func:`keys_from_rows` makes them) and each posting's
    rows in place order, from which :func:`roles_from_rows` builds the full roles of those a
    diff shows."""
    # each distinct place once, with the 1-tuple every key with only that place shares
    interned: dict[tuple[Any, ...], tuple[Place, tuple[Place, ...]]] = {}
    shared: dict[tuple[int, ...], tuple[Place, ...]] = {}
    found: list[RoleKey] = []
    groups: dict[int, list[Sequence[Any]]] = {}
    group: list[Sequence[Any]] = []
    places: list[Place] = []
    locations: tuple[Place, ...] = ()
    head: Sequence[Any] | None = None
    for row in rows:
        if head is None or head[0] != row[0]:
            if head is not None:
                if len(group) > 1:
                    locations = _locations(_in_place_order(group, places), shared)
                found.append(_snapshot_key(head, locations))
            head, group = row, [row]
            groups[row[0]] = group
            if row[_AT_PLACE] is None:
                places, locations = [], ()
            else:
                place = tuple(row[_AT_PLACE:_AFTER_PLACE])
                known = interned.get(place)
                if known is None:
                    one = Place(*place)
                    known = interned[place] = (one, (one,))
                places, locations = [known[0]], known[1]
            continue
        group.append(row)  # a posting's second place or more (its first row had a place)
        place = tuple(row[_AT_PLACE:_AFTER_PLACE])
        known = interned.get(place)
        if known is None:
            one = Place(*place)
            known = interned[place] = (one, (one,))
        places.append(known[0])
    if head is not None:
        if len(group) > 1:
            locations = _locations(_in_place_order(group, places), shared)
        found.append(_snapshot_key(head, locations))
    return found, groups


def _in_place_order(group: list[Sequence[Any]], places: list[Place]) -> list[Place]:
    """A posting's rows (and its places, one per row) sorted by position, in place."""
    positions = [row[_POSITION] for row in group]
    if all(map(lt, positions, positions[1:])):
        return places  # already in order (SQLite's index gives them so)
    order = sorted(range(len(group)), key=positions.__getitem__)
    group[:] = [group[i] for i in order]
    return [places[i] for i in order]


def _snapshot_key(row: Sequence[Any], locations: tuple[Place, ...]) -> RoleKey:
    # SNAPSHOT_COLUMNS: id, source key, external id, slug, name, title, department, team,
    # compute, category, ...
    return RoleKey(row[0], row[_VERSION_ID], row[1], row[3], row[4], row[9], bool(row[8]),
                   locations)  # fmt: skip
