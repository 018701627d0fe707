"""Digest sends (reads and writes), the chart's weekly counts, and the daemon's job store reads.

Helpers take a Session and never commit. "Exactly once per period" rests on ``digest_send.claim``
(see :class:`db.tables.DigestSendRow`): :func:`claim_send` raises ``sqlalchemy.exc.IntegrityError``
when the period is already claimed, and the caller's transaction decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import func, select, update

from db.queries import roles_stmt
from db.tables import COMPANY, DIGEST_SEND, POSTING, RUN, SCHEDULER_JOB, as_utc, utcnow
from tracker.domain import RoleFilter

if TYPE_CHECKING:
    from db.session import SessionLike

STATUSES = ("sending", "sent", "failed", "test-sending", "test-sent", "test-failed")
CHANNEL = "channel:"  # recipients of a post to a channel: ``channel:NAME`` (never an address)


@dataclass(frozen=True)
class DigestSend:
    """One recorded attempt to send a period's digest."""

    id: int
    period_start: datetime
    period_end: datetime
    recipients: tuple[str, ...]
    subject: str | None
    message_id: str
    status: str
    error: str | None
    forced: bool
    created_at: datetime
    sent_at: datetime | None

    @property
    def channel(self) -> str | None:
        """The channel name of a post to a channel; None for an email."""
        if len(self.recipients) == 1 and self.recipients[0].startswith(CHANNEL):
            return self.recipients[0].removeprefix(CHANNEL)
        return None


def _iso(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def claim_key(start: datetime, end: datetime, channel: str | None = None) -> str:
    """The unique claim of a period: ``2026-11-16T07:00:00Z/2026-11-23T07:00:00Z`` for the
    email, with ``#channel:NAME`` after it for the post to a channel."""
    key = f"{_iso(start)}/{_iso(end)}"
    return f"{key}#{CHANNEL}{channel}" if channel else key


def _send(row: Any) -> DigestSend:
    return DigestSend(
        id=row.id,
        period_start=row.period_start,
        period_end=row.period_end,
        recipients=tuple(r for r in (row.recipients or "").split(",") if r),
        subject=row.subject,
        message_id=row.message_id,
        status=row.status,
        error=row.error,
        forced=bool(row.forced),
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def claim_send(
    session: SessionLike,
    *,
    start: datetime,
    end: datetime,
    recipients: Sequence[str],
    subject: str,
    message_id: str,
    forced: bool = False,
    test: bool = False,
    channel: str | None = None,
) -> int:
    """Record an attempt in status ``sending``; return its id (``channel``: a post to that
    channel, recorded with recipients ``channel:NAME`` and its own claim of the period).

    A normal send claims the period (IntegrityError when it is already claimed: sent, or being
    sent by someone else); a forced one does not. A test send (``digest send --to``) is recorded
    as ``test-sending`` -> ``test-sent``/``test-failed``: never the period's send.
    """
    values = {
        "period_start": as_utc(start),
        "period_end": as_utc(end),
        "recipients": f"{CHANNEL}{channel}" if channel else ",".join(recipients),
        "subject": subject,
        "message_id": message_id,
        "status": "test-sending" if test else "sending",
        "forced": forced or test,
        "claim": None if forced or test else claim_key(start, end, channel),
        "created_at": utcnow(),
    }
    result = session.connection().execute(sa.insert(DIGEST_SEND).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def mark_sent(
    session: SessionLike,
    send_id: int,
    when: datetime | None = None,
    note: str | None = None,
    test: bool = False,
) -> None:
    """The SMTP server accepted the message (``note``: e.g. recipients it refused)."""
    stmt = update(DIGEST_SEND).where(DIGEST_SEND.c.id == send_id)
    status = "test-sent" if test else "sent"
    session.connection().execute(stmt.values(status=status, sent_at=when or utcnow(), error=note))


def mark_failed(session: SessionLike, send_id: int, error: str, test: bool = False) -> None:
    """The attempt failed: record why and release the period's claim so it can be retried."""
    stmt = update(DIGEST_SEND).where(DIGEST_SEND.c.id == send_id)
    status = "test-failed" if test else "failed"
    session.connection().execute(stmt.values(status=status, error=error, claim=None))


def release_stale(session: SessionLike, older_than: datetime) -> int:
    """Attempts still ``sending`` since before ``older_than`` were interrupted (the sender died):
    mark them failed, outcome unknown, so the period is retried. Returns how many."""
    stmt = (
        update(DIGEST_SEND)
        .where(DIGEST_SEND.c.status == "sending", DIGEST_SEND.c.created_at < as_utc(older_than))
        .values(
            status="failed",
            claim=None,
            error="interrupted while sending (the sender stopped); delivery unknown",
        )
    )
    return int(session.connection().execute(stmt).rowcount or 0)


def sends_for_period(session: SessionLike, start: datetime, end: datetime) -> list[DigestSend]:
    """Every attempt for the period, oldest first."""
    stmt = (
        select(DIGEST_SEND)
        .where(DIGEST_SEND.c.period_start == as_utc(start), DIGEST_SEND.c.period_end == as_utc(end))
        .order_by(DIGEST_SEND.c.id)
    )
    return [_send(row) for row in session.connection().execute(stmt)]


def recent_sends(
    session: SessionLike, limit: int = 10, status: str | None = None
) -> list[DigestSend]:
    """The latest attempts (of one status when given), newest first."""
    stmt = select(DIGEST_SEND).order_by(DIGEST_SEND.c.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(DIGEST_SEND.c.status == status)
    return [_send(row) for row in session.connection().execute(stmt)]


def had_runs_before(session: SessionLike, when: datetime) -> bool:
    """Whether any run was recorded before ``when`` (a period with no data is not "missed")."""
    stmt = select(func.count()).select_from(RUN).where(RUN.c.observed_at < as_utc(when))
    return bool(session.connection().execute(stmt).scalar())


def open_counts_by_company(
    session: SessionLike, points: Sequence[datetime], flt: RoleFilter | None = None
) -> list[dict[str, int]]:
    """Open compute roles per company (display name) at each point, in one query.

    Same rule as ``tracker roles --at`` (and its filters): the posting is open at the point and
    the version valid then is a compute role.
    """
    if not points:
        return []
    parts = []
    for index, at in enumerate(points):
        base = roles_stmt(at, flt or RoleFilter()).order_by(None)
        parts.append(
            base.with_only_columns(
                sa.literal(index, sa.Integer).label("point"),
                COMPANY.c.name.label("company"),
                func.count(sa.distinct(POSTING.c.id)).label("n"),
            ).group_by(COMPANY.c.name)
        )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for row in session.connection().execute(sa.union_all(*parts)):
        found[int(row.point)][str(row.company)] = int(row.n)
    return [found.get(i, {}) for i in range(len(points))]


def scheduled_jobs(session: SessionLike) -> dict[str, datetime | None]:
    """The daemon's persisted jobs: id -> next run time (None: paused)."""
    stmt = select(SCHEDULER_JOB.c.id, SCHEDULER_JOB.c.next_run_time)
    return {
        str(job_id): datetime.fromtimestamp(ts, UTC) if ts is not None else None
        for job_id, ts in session.connection().execute(stmt)
    }
