"""Diff two snapshots of roles into a Report. Pure.

Snapshots are taken with non-compute roles included (``--all``) so that a role whose category
moves in or out of compute reads as a *change*, not as opened/closed; ``include_all`` then decides
which roles the report counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker.counts import count_roles
from tracker.domain import Place, Role, SalaryBand

REPORT_DIMS: tuple[str, ...] = ("company", "country", "region", "category")


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
    start_roles: list[Role] = field(default_factory=list)
    end_roles: list[Role] = field(default_factory=list)
    include_all: bool = False

    @property
    def delta(self) -> int:
        return self.total_end - self.total_start


def place_key(place: Place) -> tuple[str | None, str | None, str | None]:
    if place.country or place.city:
        return (place.city, place.country, None)
    return (None, None, place.raw.strip().lower())


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


def _counted(roles: Iterable[Role], include_all: bool) -> list[Role]:
    return [r for r in roles if include_all or r.compute]


def by_dims(start: Sequence[Role], end: Sequence[Role], dims: Sequence[str]) -> dict[str, Any]:
    """Counts per value of each dimension at both ends, with deltas; biggest moves first."""
    result: dict[str, list[DimDelta]] = {}
    for dim in dims:
        a = {row[dim]: row["count"] for row in count_roles(start, [dim])}
        b = {row[dim]: row["count"] for row in count_roles(end, [dim])}
        rows = [DimDelta(k, a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)]
        rows.sort(key=lambda d: (-d.end, -abs(d.delta), str(d.key or "~")))
        result[dim] = rows
    return result


def diff(
    start_roles: Sequence[Role],
    end_roles: Sequence[Role],
    start: datetime,
    end: datetime,
    *,
    include_all: bool = False,
    unverified: Sequence[Unverified] = (),
    dims: Sequence[str] = REPORT_DIMS,
) -> Report:
    """Compare the roles open at ``start`` with those open at ``end``."""
    a = {r.id: r for r in start_roles}
    b = {r.id: r for r in end_roles}
    counted_a = _counted(a.values(), include_all)
    counted_b = _counted(b.values(), include_all)
    opened = [r for r in counted_b if r.id not in a]
    closed = [r for r in counted_a if r.id not in b]
    changed = []
    for rid in sorted(set(a) & set(b)):
        if not (include_all or a[rid].compute or b[rid].compute):
            continue
        changes = role_changes(a[rid], b[rid])
        if changes:
            changed.append(Change(role=b[rid], before=a[rid], changes=changes))
    order = _role_order
    report = Report(
        start=start,
        end=end,
        total_start=len(counted_a),
        total_end=len(counted_b),
        opened=sorted(opened, key=order),
        closed=sorted(closed, key=order),
        changed=changed,
        by=by_dims(counted_a, counted_b, dims),
        unverified=list(unverified),
        start_roles=sorted(counted_a, key=order),
        end_roles=sorted(counted_b, key=order),
        include_all=include_all,
    )
    from tracker.report.summary import summarize

    return _with_summary(report, summarize(report))


def _role_order(role: Role) -> tuple[str, str, int]:
    return (role.company, role.title, role.id)


def _with_summary(report: Report, summary: list[str]) -> Report:
    from dataclasses import replace

    return replace(report, summary=summary)
