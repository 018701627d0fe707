"""Alert events read from the history, and the delivery rows that make each one go out once.

An event is ``(event, posting_id, ref, happened_at)``: ``opened``/``closed`` come from
``posting_span`` (``ref`` = span id), ``changed``/``pay_changed`` from ``posting_version``
(``ref`` = version id). Only ``ok`` runs raise events, and never a source's first ``ok`` run
(its baseline). Claims are plain INSERTs under a unique key (or an UPDATE guarded by status), so
two processes on PostgreSQL never both send the same event. Callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection

from db.queries import _base_from, _filtered, _places, _role, _role_columns
from db.tables import ALERT_DELIVERY, COMPANY, PLACE, POSTING, RUN, SOURCE, SPAN, VERSION, as_utc
from tracker.domain import Role, RoleFilter

PAY_COLUMNS = ("salary_min", "salary_max", "salary_currency", "salary_period")


@dataclass(frozen=True)
class Event:
    """One thing that happened to one posting; ``version_id`` is the content to show."""

    event: str  # opened | closed | changed | pay_changed
    posting_id: int
    ref: int
    happened_at: datetime
    version_id: int
    previous_version_id: int | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.event, self.posting_id, self.ref)


@dataclass(frozen=True)
class Failure:
    """Failed deliveries of one rule to one channel, waiting for a retry."""

    rule: str
    channel: str
    events: int
    attempts: int
    error: str | None
    next_attempt_at: datetime | None


def _ok_run_at(when: Any) -> Any:
    """EXISTS an ``ok`` run of the posting's source at ``when`` that is not its first ``ok`` run."""
    run, first = RUN.alias("ev_run"), RUN.alias("ev_first")
    earlier = exists().where(
        first.c.source_id == POSTING.c.source_id,
        first.c.status == "ok",
        first.c.observed_at < run.c.observed_at,
    )
    return exists().where(
        run.c.source_id == POSTING.c.source_id,
        run.c.observed_at == when,
        run.c.status == "ok",
        earlier,
    )


def _base() -> Any:
    return POSTING.join(SOURCE, SOURCE.c.id == POSTING.c.source_id).join(
        COMPANY, COMPANY.c.id == POSTING.c.company_id
    )


def _span_events(kind: str, flt: RoleFilter, since: datetime | None) -> Select[Any]:
    """opened (version valid at opening) or closed (version valid just before closing)."""
    when = SPAN.c.opened_at if kind == "opened" else SPAN.c.closed_at
    if kind == "opened":
        valid = and_(
            VERSION.c.valid_from <= when,
            or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to > when),
        )
    else:
        valid = and_(
            VERSION.c.valid_from < when,
            or_(VERSION.c.valid_to.is_(None), VERSION.c.valid_to >= when),
        )
    stmt = (
        select(
            literal(kind).label("event"),
            POSTING.c.id.label("posting_id"),
            SPAN.c.id.label("ref"),
            when.label("happened_at"),
            VERSION.c.id.label("version_id"),
            cast(null(), Integer).label("previous_version_id"),
        )
        .select_from(
            _base()
            .join(SPAN, SPAN.c.posting_id == POSTING.c.id)
            .join(VERSION, and_(VERSION.c.posting_id == POSTING.c.id, valid))
        )
        .where(when.is_not(None), _ok_run_at(when))
    )
    if since is not None:
        stmt = stmt.where(when >= since)
    return _filtered(stmt, flt)


def _version_events(kind: str, flt: RoleFilter, since: datetime | None) -> Select[Any]:
    """changed (any new version of a known posting) or pay_changed (its pay differs)."""
    prev = VERSION.alias("prev")
    latest_before = (
        select(func.max(prev.c.id))
        .where(prev.c.posting_id == VERSION.c.posting_id, prev.c.id < VERSION.c.id)
        .scalar_subquery()
    )
    old = VERSION.alias("old")
    run = RUN.alias("v_run")
    first = RUN.alias("v_first")
    stmt = (
        select(
            literal(kind).label("event"),
            POSTING.c.id.label("posting_id"),
            VERSION.c.id.label("ref"),
            VERSION.c.valid_from.label("happened_at"),
            VERSION.c.id.label("version_id"),
            old.c.id.label("previous_version_id"),
        )
        .select_from(
            _base()
            .join(VERSION, VERSION.c.posting_id == POSTING.c.id)
            .join(old, old.c.id == latest_before)
            .join(run, run.c.id == VERSION.c.run_id)
        )
        .where(
            run.c.status == "ok",
            exists().where(
                first.c.source_id == run.c.source_id,
                first.c.status == "ok",
                first.c.observed_at < run.c.observed_at,
            ),
        )
    )
    if kind == "pay_changed":
        stmt = stmt.where(or_(*(VERSION.c[c].is_distinct_from(old.c[c]) for c in PAY_COLUMNS)))
    if since is not None:
        stmt = stmt.where(VERSION.c.valid_from >= since)
    return _filtered(stmt, flt)


def events(
    conn: Connection,
    kinds: Sequence[str],
    flt: RoleFilter,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Event]:
    """Events of the given kinds matching ``flt``, oldest first."""
    since = as_utc(since) if since else None
    parts: list[Select[Any]] = []
    for kind in dict.fromkeys(kinds):
        if kind in ("opened", "closed"):
            parts.append(_span_events(kind, flt, since))
        else:
            parts.append(_version_events(kind, flt, since))
    if not parts:
        return []
    union = union_all(*parts).subquery()
    stmt = select(union).order_by(union.c.happened_at, union.c.posting_id, union.c.event)
    if until is not None:
        stmt = stmt.where(union.c.happened_at <= as_utc(until))
    found: list[Event] = []
    for row in conn.execute(stmt):
        found.append(
            Event(
                event=row.event,
                posting_id=row.posting_id,
                ref=row.ref,
                happened_at=as_utc(row.happened_at),
                version_id=row.version_id,
                previous_version_id=row.previous_version_id,
            )
        )
    return found


def recorded(conn: Connection, rule: str, channel: str) -> set[tuple[str, int, int]]:
    """Keys of the events already recorded (in any status) for this rule and channel."""
    stmt = select(ALERT_DELIVERY.c.event, ALERT_DELIVERY.c.posting_id, ALERT_DELIVERY.c.ref).where(
        ALERT_DELIVERY.c.rule == rule, ALERT_DELIVERY.c.channel == channel
    )
    return {(r.event, r.posting_id, r.ref) for r in conn.execute(stmt)}


def claim_new(
    conn: Connection,
    rule: str,
    channel: str,
    event: Event,
    owner: str,
    now: datetime,
    status: str = "sending",
) -> int | None:
    """Insert the delivery row and return its id; None when another process (or an earlier
    check) has it."""
    values = {
        "rule": rule,
        "channel": channel,
        "event": event.event,
        "posting_id": event.posting_id,
        "ref": event.ref,
        "happened_at": event.happened_at,
        "status": status,
        "attempts": 0,
        "claimed_at": now,
        "claimed_by": owner,
        "created_at": now,
        "sent_at": now if status == "skipped" else None,
    }
    from sqlalchemy.dialects import postgresql, sqlite

    stmt: Any
    if conn.dialect.name == "postgresql":
        stmt = postgresql.insert(ALERT_DELIVERY).values(**values).on_conflict_do_nothing()
    else:
        stmt = sqlite.insert(ALERT_DELIVERY).values(**values).on_conflict_do_nothing()
    found = conn.execute(stmt.returning(ALERT_DELIVERY.c.id)).scalar()
    return int(found) if found is not None else None


def due_retries(
    conn: Connection, rule: str, channel: str, now: datetime
) -> list[tuple[int, str, int, int]]:
    """``(id, event, posting_id, ref)`` of failed deliveries whose retry time has come."""
    stmt = select(
        ALERT_DELIVERY.c.id,
        ALERT_DELIVERY.c.event,
        ALERT_DELIVERY.c.posting_id,
        ALERT_DELIVERY.c.ref,
    ).where(
        ALERT_DELIVERY.c.rule == rule,
        ALERT_DELIVERY.c.channel == channel,
        ALERT_DELIVERY.c.status == "failed",
        or_(
            ALERT_DELIVERY.c.next_attempt_at.is_(None),
            ALERT_DELIVERY.c.next_attempt_at <= as_utc(now),
        ),
    )
    return [(r.id, r.event, r.posting_id, r.ref) for r in conn.execute(stmt)]


def claim_retry(conn: Connection, delivery_id: int, owner: str, now: datetime) -> bool:
    """Take a failed delivery for a retry; False when another process took it first."""
    stmt = (
        update(ALERT_DELIVERY)
        .where(ALERT_DELIVERY.c.id == delivery_id, ALERT_DELIVERY.c.status == "failed")
        .values(status="sending", claimed_at=as_utc(now), claimed_by=owner)
    )
    return conn.execute(stmt.returning(ALERT_DELIVERY.c.id)).scalar() is not None


def mark_skipped(conn: Connection, delivery_id: int) -> None:
    """A failed delivery that will not be retried (its rule no longer matches the event)."""
    conn.execute(
        update(ALERT_DELIVERY)
        .where(ALERT_DELIVERY.c.id == delivery_id, ALERT_DELIVERY.c.status == "failed")
        .values(status="skipped", next_attempt_at=None)
    )


def mark_sent(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    if ids:
        conn.execute(
            update(ALERT_DELIVERY)
            .where(ALERT_DELIVERY.c.id.in_(list(ids)))
            .values(
                status="sent",
                sent_at=as_utc(now),
                error=None,
                next_attempt_at=None,
                attempts=ALERT_DELIVERY.c.attempts + 1,
            )
        )


def mark_failed(
    conn: Connection, ids: Sequence[int], error: str, now: datetime, backoff: timedelta
) -> None:
    """Failed: retried after ``backoff`` doubled per earlier attempt (capped at 6 h)."""
    for delivery_id in ids:
        attempts = conn.execute(
            select(ALERT_DELIVERY.c.attempts).where(ALERT_DELIVERY.c.id == delivery_id)
        ).scalar_one()
        wait = min(backoff * (2 ** int(attempts)), timedelta(hours=6))
        conn.execute(
            update(ALERT_DELIVERY)
            .where(ALERT_DELIVERY.c.id == delivery_id)
            .values(
                status="failed",
                error=error[:500],
                attempts=int(attempts) + 1,
                next_attempt_at=as_utc(now) + wait,
            )
        )


def release_stale(conn: Connection, older_than: datetime) -> int:
    """Claims left ``sending`` by a process that died: failed, due for a retry now."""
    stmt = (
        update(ALERT_DELIVERY)
        .where(
            ALERT_DELIVERY.c.status == "sending", ALERT_DELIVERY.c.claimed_at < as_utc(older_than)
        )
        .values(status="failed", error="interrupted while sending", next_attempt_at=None)
    )
    return int(conn.execute(stmt).rowcount or 0)


def failures(conn: Connection) -> list[Failure]:
    """Failed deliveries waiting for a retry, grouped by rule and channel."""
    d = ALERT_DELIVERY
    stmt = (
        select(
            d.c.rule,
            d.c.channel,
            func.count().label("events"),
            func.max(d.c.attempts).label("attempts"),
            func.max(d.c.error).label("error"),
            func.min(d.c.next_attempt_at).label("next_attempt_at"),
        )
        .where(d.c.status == "failed")
        .group_by(d.c.rule, d.c.channel)
        .order_by(d.c.rule, d.c.channel)
    )
    return [
        Failure(
            r.rule,
            r.channel,
            int(r.events),
            int(r.attempts),
            r.error,
            as_utc(r.next_attempt_at) if r.next_attempt_at else None,
        )
        for r in conn.execute(stmt)
    ]


def counts_by_rule(conn: Connection) -> dict[str, dict[str, int]]:
    """``{rule: {status: n}}`` over all deliveries."""
    d = ALERT_DELIVERY
    stmt = select(d.c.rule, d.c.status, func.count()).group_by(d.c.rule, d.c.status)
    result: dict[str, dict[str, int]] = {}
    for rule, status, n in conn.execute(stmt):
        result.setdefault(rule, {})[status] = int(n)
    return result


def roles_by_versions(conn: Connection, version_ids: Sequence[int]) -> dict[int, Role]:
    """Full roles as each given version shows them, by version id."""
    found: dict[int, Role] = {}
    ids = list(dict.fromkeys(version_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        stmt = (
            select(*_role_columns())
            .select_from(_base_from().join(VERSION, VERSION.c.posting_id == POSTING.c.id))
            .where(VERSION.c.id.in_(chunk))
        )
        rows = conn.execute(stmt).all()
        places = _places(conn, PLACE.c.version_id.in_([r.v_id for r in rows])) if rows else {}
        found.update((row.v_id, _role(row, places.get(row.v_id, ()))) for row in rows)
    return found
