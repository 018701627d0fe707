"""Reads: roles open at a time, posting history. Every datetime returned is aware UTC.

"Open at T" (docs/concepts.md rule 6) is answered from ``posting_span``: a posting is open at T when
one of its spans has ``opened_at <= T`` and (``closed_at`` is null or ``closed_at > T``), so a
reopened posting is *not* open inside its gap. The content shown is the version valid at T
(``valid_from <= T`` and (``valid_to`` is null or ``valid_to > T``)).

Source and run status reads live in :mod:`db.status` and are re-exported here.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Select, and_, exists, func, or_, select, union

from db import roleload
from db.paycols import bands_from_text
from db.status import (
    RunInfo,
    SourceInfo,
    UnverifiedSource,
    get_source,
    latest_runs,
    list_sources,
    runs_for_source,
    unverified_sources,
)
from db.tables import COMPANY, LAST_SEEN, PLACE, POSTING, SOURCE, SPAN, VERSION, as_utc
from tracker.domain import Place, Role, RoleFilter, RoleKey, SalaryBand

if TYPE_CHECKING:
    from db.session import SessionLike

__all__ = [
    "PostingHistory",
    "RunInfo",
    "SourceInfo",
    "SpanInfo",
    "UnverifiedSource",
    "VersionInfo",
    "get_source",
    "latest_runs",
    "list_sources",
    "moved_between",
    "posting_history",
    "role_keys_at",
    "roles_at",
    "roles_by_ids",
    "runs_for_source",
    "snapshot_keys",
    "snapshot_pair",
    "snapshot_rows",
    "unverified_sources",
]

# Fields compared between consecutive versions, in display order.
TRACKED_FIELDS: tuple[str, ...] = (
    "title",
    "department",
    "team",
    "url",
    "compute",
    "category",
    "remote",
    "locations",
    "salary",
)


@dataclass(frozen=True)
class SpanInfo:
    """One open interval of a posting: ``[opened_at, closed_at)``."""

    opened_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class VersionInfo:
    """One content version with what changed from the previous one (``{field: (old, new)}``)."""

    id: int
    run_id: int
    valid_from: datetime
    valid_to: datetime | None
    title: str
    department: str | None
    team: str | None
    url: str | None
    compute: bool
    category: str
    category_rule: str | None
    remote: bool
    locations: tuple[Place, ...]
    salary: SalaryBand | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class PostingHistory:
    """A posting as it is now (``role``), its open spans and its versions, oldest first."""

    role: Role
    spans: tuple[SpanInfo, ...]
    versions: tuple[VersionInfo, ...]


# --------------------------------------------------------------------------------------------
# roles at T


def _role_columns() -> list[Any]:
    return [
        POSTING.c.id,
        SOURCE.c.key.label("source"),
        POSTING.c.external_id,
        COMPANY.c.slug.label("company"),
        COMPANY.c.name.label("company_name"),
        POSTING.c.first_seen,
        LAST_SEEN.label("last_seen"),
        POSTING.c.closed_at,
        *(c.label(f"v_{c.name}") for c in VERSION.c),
    ]


def _base_from() -> Any:
    """posting ⋈ source ⋈ company (the version is joined by the caller)."""
    return POSTING.join(SOURCE, SOURCE.c.id == POSTING.c.source_id).join(
        COMPANY, COMPANY.c.id == POSTING.c.company_id
    )


def _open_at(at: datetime) -> Any:
    """EXISTS a span of the posting open at ``at``."""
    span_open = and_(
        SPAN.c.posting_id == POSTING.c.id,
        SPAN.c.opened_at <= at,
        or_(SPAN.c.closed_at.is_(None), SPAN.c.closed_at > at),
    )
    return exists().where(span_open)


def _open_in(at: datetime) -> Any:
    """The same rows as :func:`_open_at`, as ``posting.id IN (postings with a span open at
    at)``: SQLite reads the spans' window index once instead of probing each posting's spans
    (a whole unfiltered snapshot ~35% faster); worse when a company or source filter leaves a
    few postings to probe."""
    span_open = and_(SPAN.c.opened_at <= at, or_(SPAN.c.closed_at.is_(None), SPAN.c.closed_at > at))
    return POSTING.c.id.in_(select(SPAN.c.posting_id).where(span_open))


def _filtered(stmt: Select[Any], flt: RoleFilter) -> Select[Any]:
    """Apply the contract's FILTERS. An explicit category overrides the compute-only default."""
    if flt.company:
        stmt = stmt.where(COMPANY.c.slug.in_([c.strip().lower() for c in flt.company]))
    if flt.source:
        stmt = stmt.where(SOURCE.c.key.in_([s.strip() for s in flt.source]))
    if flt.category:
        stmt = stmt.where(VERSION.c.category.in_([c.strip() for c in flt.category]))
    elif not flt.include_all:
        stmt = stmt.where(VERSION.c.compute.is_(True))
    filter_place = PLACE.alias("filter_place")  # the outer query may join PLACE itself
    for column, values in (
        (filter_place.c.country, flt.country),
        (filter_place.c.region, flt.region),
    ):
        if values:
            wanted = [v.strip().upper() for v in values]
            match = and_(filter_place.c.version_id == VERSION.c.id, column.in_(wanted))
            stmt = stmt.where(exists().where(match))
    return stmt


def _version_at(at: datetime) -> Any:
    """Join condition: the posting's version valid at ``at``."""
    return and_(
        VERSION.c.posting_id == POSTING.c.id,
        VERSION.c.valid_from <= at,
        or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to > at),
    )


def roles_stmt(at: datetime, flt: RoleFilter) -> Select[Any]:
    """The SELECT behind :func:`roles_at` (one row per open posting, version valid at ``at``)."""
    at = as_utc(at)
    stmt = (
        select(*_role_columns())
        .select_from(_base_from().join(VERSION, _version_at(at)))
        .where(_open_at(at))
    )
    return _filtered(stmt, flt).order_by(COMPANY.c.slug, VERSION.c.title, POSTING.c.id)


def _lean_at(at: datetime) -> Select[Any]:
    """Lean role rows (:mod:`db.roleload`) with the version valid at ``at`` and its places."""
    joined = (
        _base_from()
        .join(VERSION, _version_at(at))
        .outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    )
    return select(*roleload.COLUMNS).select_from(joined)


def roles_at(session: SessionLike, at: datetime, flt: RoleFilter | None = None) -> list[Role]:
    """Roles open at ``at`` matching ``flt``, sorted by company, title, id (one query)."""
    at = as_utc(at)
    stmt = _filtered(_lean_at(at).where(_open_at(at)), flt or RoleFilter())
    order = (COMPANY.c.slug, VERSION.c.title, POSTING.c.id, PLACE.c.position)
    return roleload.roles_from_rows(session.connection().execute(stmt.order_by(*order)))


def roles_by_ids(session: SessionLike, at: datetime, ids: Sequence[int]) -> dict[int, Role]:
    """Full roles for the given posting ids, with the version valid at ``at`` (open or not)."""
    from db.apply import ids_in  # the writers' module: loaded only where ids are listed

    conn = session.connection()
    at = as_utc(at)
    found: dict[int, Role] = {}
    for start in range(0, len(ids), 5000):
        stmt = _lean_at(at).where(ids_in(POSTING.c.id, ids[start : start + 5000]))
        rows = _plain_rows(conn, stmt.order_by(POSTING.c.id, PLACE.c.position))
        found.update((role.id, role) for role in roleload.roles_from_rows(rows))
    return found


def _plain_rows(conn: Connection, stmt: Select[Any]) -> list[Any]:
    """The driver's own row tuples, all at once: for :mod:`db.roleload`, which takes raw
    values (booleans as 0/1 on SQLite, timestamps as text or datetimes), tens of thousands of
    rows without a Row object and a fetch call each (~a third less CPU per whole snapshot)."""
    result = conn.execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def role_keys_at(
    session: SessionLike,
    at: datetime,
    flt: RoleFilter | None = None,
    ids: Sequence[int] | None = None,
) -> list[RoleKey]:
    """Light records of every role open at ``at`` (or of those among ``ids``): no datetimes,
    places interned; what counting and diffing whole boards needs, in one query."""
    at = as_utc(at)
    columns = (
        POSTING.c.id,
        VERSION.c.id.label("version_id"),
        SOURCE.c.key,
        COMPANY.c.slug,
        COMPANY.c.name,
        VERSION.c.category,
        VERSION.c.compute,
        PLACE.c.raw,
        PLACE.c.city,
        PLACE.c.country,
        PLACE.c.region,
    )
    joined = (
        _base_from()
        .join(VERSION, _version_at(at))
        .outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    )
    stmt = _filtered(select(*columns).select_from(joined).where(_open_at(at)), flt or RoleFilter())
    if ids is not None:
        from db.apply import ids_in

        stmt = stmt.where(ids_in(POSTING.c.id, ids))
    stmt = stmt.order_by(POSTING.c.id, PLACE.c.position)
    return roleload.keys_from_rows(session.connection().execute(stmt))


def moved_between(session: SessionLike, start: datetime, end: datetime) -> set[int]:
    """Postings that opened, closed or got a new version in ``(start, end]``: the only ones
    whose state at ``start`` can differ from their state at ``end``."""
    start, end = as_utc(start), as_utc(end)
    in_window = union(
        select(SPAN.c.posting_id).where(SPAN.c.opened_at > start, SPAN.c.opened_at <= end),
        select(SPAN.c.posting_id).where(SPAN.c.closed_at > start, SPAN.c.closed_at <= end),
        select(VERSION.c.posting_id).where(
            VERSION.c.valid_from > start, VERSION.c.valid_from <= end
        ),
    )
    return set(session.connection().execute(in_window).scalars())


RoleLoader = Callable[[Sequence[int]], dict[int, Role]]


def snapshot_rows(
    session: SessionLike, at: datetime, flt: RoleFilter | None = None
) -> tuple[list[RoleKey], RoleLoader]:
    """The keys of every role open at ``at`` (as :func:`role_keys_at`) and a loader of full
    roles among them (as :func:`roles_by_ids`) from the same rows: one query where a long
    diff needed a key snapshot and then most of its roles again by id."""
    at, flt = as_utc(at), flt or RoleFilter()
    joined = (
        _base_from()
        .join(VERSION, _version_at(at))
        .outerjoin(PLACE, PLACE.c.version_id == VERSION.c.id)
    )
    open_at = _open_at(at) if flt.company or flt.source else _open_in(at)
    stmt = _filtered(select(*roleload.SNAPSHOT_COLUMNS).select_from(joined).where(open_at), flt)
    # by posting only: places are put in order per posting (SQLite then sorts nothing)
    rows = _plain_rows(session.connection(), stmt.order_by(POSTING.c.id))
    keys, groups = roleload.snapshot_from_rows(rows)

    def load(ids: Sequence[int]) -> dict[int, Role]:
        chosen = itertools.chain.from_iterable(groups[i] for i in ids)
        return {role.id: role for role in roleload.roles_from_rows(chosen)}

    return keys, load


def snapshot_pair(
    session: SessionLike, start: datetime, end: datetime, flt: RoleFilter | None = None
) -> tuple[tuple[list[RoleKey], RoleLoader], tuple[list[RoleKey], RoleLoader]]:
    """:func:`snapshot_keys` with a loader of full roles at each end (ids among its keys)."""
    end_keys, load_end = snapshot_rows(session, end, flt)
    if _opened_between(session, start, end) * 4 > len(end_keys):
        return snapshot_rows(session, start, flt), (end_keys, load_end)  # a long window
    moved = moved_between(session, start, end)
    start_keys = [k for k in end_keys if k.id not in moved]
    if moved:
        start_keys += role_keys_at(session, start, flt, ids=sorted(moved))

    def load_start(ids: Sequence[int]) -> dict[int, Role]:
        return roles_by_ids(session, start, ids)

    return (start_keys, load_start), (end_keys, load_end)


def _opened_between(session: SessionLike, start: datetime, end: datetime) -> int:
    """How many spans opened in ``(start, end]`` (an index range): how long the window is."""
    where = (SPAN.c.opened_at > as_utc(start), SPAN.c.opened_at <= as_utc(end))
    return int(session.connection().execute(select(func.count()).where(*where)).scalar_one())


def snapshot_keys(
    session: SessionLike, start: datetime, end: datetime, flt: RoleFilter | None = None
) -> tuple[list[RoleKey], list[RoleKey]]:
    """Role keys open at ``start`` and at ``end``: one full snapshot plus the postings that
    moved in between (a week of history touches a small fraction of a year's postings)."""
    end_keys = role_keys_at(session, end, flt)
    if _opened_between(session, start, end) * 4 > len(end_keys):
        return role_keys_at(session, start, flt), end_keys  # a long window: a full snapshot
    moved = moved_between(session, start, end)
    start_keys = [k for k in end_keys if k.id not in moved]
    if moved:
        start_keys += role_keys_at(session, start, flt, ids=sorted(moved))
    return start_keys, end_keys


def _places(conn: Connection, where: Any) -> dict[int, tuple[Place, ...]]:
    """Places per version id, in board order."""
    stmt = select(PLACE).where(where).order_by(PLACE.c.version_id, PLACE.c.position)
    found: dict[int, list[Place]] = defaultdict(list)
    for row in conn.execute(stmt):
        found[row.version_id].append(Place(row.raw, row.city, row.country, row.region))
    return {vid: tuple(items) for vid, items in found.items()}


def _salary(row: Row[Any]) -> SalaryBand | None:
    """Rebuild the salary band of a ``v_``-prefixed version row (absent: ``salary_source``)."""
    if row.v_salary_source is None:
        return None
    return SalaryBand(
        min=row.v_salary_min,
        max=row.v_salary_max,
        currency=row.v_salary_currency,
        period=row.v_salary_period or "year",
        source=row.v_salary_source,
        min_usd=row.v_salary_min_usd,
        max_usd=row.v_salary_max_usd,
        label=row.v_salary_label,
    )


def _role(row: Row[Any], places: tuple[Place, ...]) -> Role:
    """A :class:`Role` from a row of :func:`_role_columns`."""
    return Role(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        company=row.company,
        company_name=row.company_name,
        title=row.v_title,
        department=row.v_department,
        team=row.v_team,
        compute=bool(row.v_compute),
        category=row.v_category,
        locations=places,
        remote=bool(row.v_remote),
        salary=_salary(row),
        salaries=bands_from_text(row.v_salary_bands, _salary(row)),
        url=row.v_url,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        closed_at=row.closed_at,
        category_rule=row.v_category_rule,
    )


# --------------------------------------------------------------------------------------------
# history


def posting_history(session: SessionLike, posting_id: int) -> PostingHistory | None:
    """A posting's spans and versions (with changes), or ``None`` when there is no such id."""
    conn = session.connection()
    stmt = (
        select(*_role_columns())
        .select_from(_base_from().join(VERSION, VERSION.c.posting_id == POSTING.c.id))
        .where(POSTING.c.id == posting_id)
        .order_by(VERSION.c.valid_from, VERSION.c.id)
    )
    rows = conn.execute(stmt).all()
    if not rows:
        return None
    places = _places(conn, PLACE.c.version_id.in_([row.v_id for row in rows]))
    versions = _versions(rows, places)
    spans_stmt = (
        select(SPAN.c.opened_at, SPAN.c.closed_at)
        .where(SPAN.c.posting_id == posting_id)
        .order_by(SPAN.c.opened_at, SPAN.c.id)
    )
    spans = tuple(SpanInfo(*span) for span in conn.execute(spans_stmt))
    current = next((r for r in rows if r.v_id == _current_version_id(conn, posting_id)), rows[-1])
    role = _role(current, places.get(current.v_id, ()))
    return PostingHistory(role=role, spans=spans, versions=versions)


def _current_version_id(conn: Connection, posting_id: int) -> int | None:
    stmt = select(POSTING.c.current_version_id).where(POSTING.c.id == posting_id)
    return conn.execute(stmt).scalar()


def _versions(
    rows: Sequence[Row[Any]], places: dict[int, tuple[Place, ...]]
) -> tuple[VersionInfo, ...]:
    """Version infos oldest first, each with its changes from the previous one."""
    result: list[VersionInfo] = []
    previous: VersionInfo | None = None
    for row in rows:
        info = VersionInfo(
            id=row.v_id,
            run_id=row.v_run_id,
            valid_from=row.v_valid_from,
            valid_to=row.v_valid_to,
            title=row.v_title,
            department=row.v_department,
            team=row.v_team,
            url=row.v_url,
            compute=bool(row.v_compute),
            category=row.v_category,
            category_rule=row.v_category_rule,
            remote=bool(row.v_remote),
            locations=places.get(row.v_id, ()),
            salary=_salary(row),
        )
        if previous is not None:
            info.changes.update(version_changes(previous, info))
        result.append(info)
        previous = info
    return tuple(result)


def version_changes(old: VersionInfo, new: VersionInfo) -> dict[str, tuple[Any, Any]]:
    """``{field: (old, new)}`` for the tracked fields that differ."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in TRACKED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes[name] = (before, after)
    return changes
