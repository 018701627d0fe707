"""Diff two snapshots of roles into a Report. Pure.

Snapshots are taken with non-compute roles included (``--all``) so that a role whose category
moves in or out of compute reads as a *change*, not as opened/closed; ``include_all`` then decides
which roles the report counts.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter, lt
from typing import Any

from tracker.counts import UNKNOWN, count_values
from tracker.domain import Counted, Place, Role, RoleKey, SalaryBand

REPORT_DIMS: tuple[str, ...] = ("company", "country", "region", "category")

_gc_lock = threading.Lock()
_gc_pauses = 0  # callers inside gc_paused(); the collector is re-enabled when the last leaves


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: building a whole-year report allocates ~100k
    tuples, rows and dicts that all stay alive, and the collector's full passes over them
    were a quarter of the CPU. Nothing here makes cycles worth collecting early. Nests and
    works across threads; a collector disabled by someone else stays disabled."""
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0 and not gc.isenabled():
            paused = False
        else:
            paused = True
            _gc_pauses += 1
            gc.disable()
    try:
        yield
    finally:
        if paused:
            with _gc_lock:
                _gc_pauses -= 1
                if _gc_pauses == 0:
                    gc.enable()


@dataclass(frozen=True)
class Snapshot:
    """The roles open at one time: light keys for all of them, full roles for those a diff
    may show (the caller loads those after comparing keys; see ``changed_ids``)."""

    keys: Sequence[Counted]
    roles: dict[int, Role]

    @classmethod
    def of(cls, roles: Sequence[Role]) -> Snapshot:
        """A snapshot from full roles (every role comparable field by field)."""
        return cls(keys=list(roles), roles={r.id: r for r in roles})


def version_of(item: Counted) -> int | None:
    return item.version_id if isinstance(item, RoleKey) else None


def ids_to_load(a: Sequence[Counted], b: Sequence[Counted]) -> tuple[set[int], set[int]]:
    """Posting ids whose full roles a diff needs: (at the start, at the end).

    Closed and possibly-changed roles at the start; opened and possibly-changed at the end.
    A role open at both ends with the same version id cannot have changed.
    """
    va = {k.id: k.version_id if type(k) is RoleKey else version_of(k) for k in a}
    vb = {k.id: k.version_id if type(k) is RoleKey else version_of(k) for k in b}
    common = {i for i in va.keys() & vb.keys() if va[i] is None or va[i] != vb[i]}
    return (va.keys() - vb.keys()) | common, (vb.keys() - va.keys()) | common


@dataclass(frozen=True)
class Change:
    """A role open at both ends whose tracked fields changed: field -> (old, new)."""

    role: Role
    before: Role
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class DimDelta:
    key: Any
    start: int
    end: int

    @property
    def delta(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Unverified:
    """A source whose numbers in the window are not confirmed by a successful run."""

    source: str
    last_ok: datetime | None
    error: str | None
    since: datetime | None = None  # first failure of the current failing streak
    company_name: str | None = None  # display name for headlines


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    total_start: int
    total_end: int
    opened: list[Role]
    closed: list[Role]
    changed: list[Change]
    by: dict[str, list[DimDelta]]
    unverified: list[Unverified] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    start_roles: list[Counted] = field(default_factory=list)
    end_roles: list[Counted] = field(default_factory=list)
    include_all: bool = False
    sources: int = 0  # enabled sources in the report's scope (0: not known)

    @property
    def delta(self) -> int:
        return self.total_end - self.total_start

    @property
    def all_unverified(self) -> bool:
        """Every source in scope failed (or was not scraped) in the window: the numbers are
        last-known values, not a measurement of this period."""
        return self.sources > 0 and len(self.unverified) >= self.sources


def place_key(place: Place) -> tuple[str, str, str]:
    """A sortable identity for a place: never None (a place may lack a city or a country,
    e.g. "Singapore" has a country only, and None does not compare with str)."""
    if place.country or place.city:
        return (place.city or "", place.country or "", "")
    return ("", "", (place.raw or "").strip().lower())


def band_key(band: SalaryBand | None) -> tuple[Any, ...] | None:
    if band is None:
        return None
    return (band.min, band.max, band.currency, band.period)


def role_changes(old: Role, new: Role) -> dict[str, tuple[Any, Any]]:
    """Title, places, salary band and category changes between two versions of a role."""
    changes: dict[str, tuple[Any, Any]] = {}
    if old.title != new.title:
        changes["title"] = (old.title, new.title)
    if sorted(map(place_key, old.locations)) != sorted(map(place_key, new.locations)):
        changes["locations"] = (old.locations, new.locations)
    if band_key(old.salary) != band_key(new.salary):
        changes["salary"] = (old.salary, new.salary)
    if old.category != new.category:
        changes["category"] = (old.category, new.category)
    return changes


def _counted(roles: Iterable[Counted], include_all: bool) -> list[Counted]:
    return [r for r in roles if include_all or r.compute]


def by_dims(
    start: Sequence[Counted], end: Sequence[Counted], dims: Sequence[str]
) -> dict[str, Any]:
    """Counts per value of each dimension at both ends, with deltas; biggest moves first."""
    result: dict[str, list[DimDelta]] = {}
    for dim in dims:
        a, b = _count_values(start, dim), _count_values(end, dim)
        rows = [DimDelta(k, a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)]
        rows.sort(key=lambda d: (-d.end, -abs(d.delta), str(d.key or "~")))
        result[dim] = rows
    return result


def _count_values(roles: Sequence[Counted], dim: str) -> Counter[Any]:
    """:func:`tracker.counts.count_values`, with each distinct ``locations`` tuple looked at
    once for place dimensions (snapshots share them: see :mod:`db.roleload`)."""
    if dim in ("company", "category", "source"):
        return Counter(map(attrgetter(dim), roles))  # count_values' rule, without a generator
    if dim not in ("country", "region", "city"):
        return count_values(roles, dim)
    shared: dict[int, list[Any]] = {}  # id(locations) -> [locations, roles with them]
    for role in roles:
        seen = shared.get(id(role.locations))
        if seen is None:
            shared[id(role.locations)] = [role.locations, 1]
        else:
            seen[1] += 1
    counter: Counter[Any] = Counter()
    for locations, n in shared.values():
        found = {getattr(p, dim) for p in locations}
        found.discard(None)
        found.discard("")
        for value in found or (UNKNOWN,):
            counter[value] += n
    return counter


def diff(
    start_roles: Snapshot | Sequence[Role],
    end_roles: Snapshot | Sequence[Role],
    start: datetime,
    end: datetime,
    *,
    include_all: bool = False,
    unverified: Sequence[Unverified] = (),
    dims: Sequence[str] = REPORT_DIMS,
    sources: int = 0,
) -> Report:
    """Compare the roles open at ``start`` with those open at ``end``."""
    snap_a = start_roles if isinstance(start_roles, Snapshot) else Snapshot.of(start_roles)
    snap_b = end_roles if isinstance(end_roles, Snapshot) else Snapshot.of(end_roles)
    counted_a = _counted(snap_a.keys, include_all)
    counted_b = _counted(snap_b.keys, include_all)
    in_a, in_b = {k.id for k in snap_a.keys}, {k.id for k in snap_b.keys}
    opened = [snap_b.roles[k.id] for k in counted_b if k.id not in in_a]
    closed = [snap_a.roles[k.id] for k in counted_a if k.id not in in_b]
    report = Report(
        start=start,
        end=end,
        total_start=len(counted_a),
        total_end=len(counted_b),
        opened=_sorted(opened, _role_order, _by_title),
        closed=_sorted(closed, _role_order, _by_title),
        changed=_changes(snap_a, snap_b, include_all),
        by=by_dims(counted_a, counted_b, dims),
        unverified=list(unverified),
        start_roles=_sorted(counted_a, _key_order, _by_company),
        end_roles=_sorted(counted_b, _key_order, _by_company),
        include_all=include_all,
        sources=sources,
    )
    from tracker.report.summary import summarize

    return _with_summary(report, summarize(report))


def _changes(a: Snapshot, b: Snapshot, include_all: bool) -> list[Change]:
    """Roles open at both ends (counted at either) whose tracked fields changed."""
    changed = []
    for rid in sorted(a.roles.keys() & b.roles.keys()):
        old, new = a.roles[rid], b.roles[rid]
        if not (include_all or old.compute or new.compute):
            continue
        changes = role_changes(old, new)
        if changes:
            changed.append(Change(role=new, before=old, changes=changes))
    return changed


# (company, id) and (company, title, id), made in C: whole snapshots are sorted
_key_order = attrgetter("company", "id")
_role_order = attrgetter("company", "title", "id")
_by_company = attrgetter("company")
_by_title = attrgetter("company", "title")
_ids = attrgetter("id")


def _sorted(items: Sequence[Any], order: Any, without_id: Any) -> list[Any]:
    """``sorted(items, key=order)`` where ``order`` is ``without_id`` then the id: items
    already in id order (snapshots come so) need only the stable sort on ``without_id``,
    which compares strings instead of tuples (~5x faster on a whole snapshot)."""
    ids = list(map(_ids, items))
    if all(map(lt, ids, ids[1:])):  # strictly increasing: the ids never tie
        return sorted(items, key=without_id)
    return sorted(items, key=order)


def _with_summary(report: Report, summary: list[str]) -> Report:
    from dataclasses import replace

    return replace(report, summary=summary)
