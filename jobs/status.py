"""``tracker status``: each source's last run, next run (from the daemon's job store) and health;
the digest's schedule, the current period's state, the last digest sent and failed sends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import typer
from sqlalchemy.engine import Engine

from db import digests, queries, streaks
from db.digests import DigestSend
from db.leases import DAEMON_KEY, live_leases
from db.session import session_scope
from db.status import SourceInfo
from tracker.report.inert import clean
from tracker.report.serialize import dumps, iso
from tracker.report.tables import print_table, rows_table, terminal_width
from tracker.settings import Settings, parse_duration

OVERDUE = timedelta(minutes=2)  # a next run this far in the past: the daemon is not running
STALE_AFTER = 3  # intervals without an ok run


@dataclass(frozen=True)
class Snapshot:
    """What ``tracker status`` reads, in one transaction."""

    sources: list[SourceInfo]
    failing: dict[str, datetime | None]
    jobs: dict[str, datetime | None]
    holders: dict[str, str]  # source key (or @daemon) -> host:pid holding it now
    period: tuple[datetime, datetime] | None
    period_sends: list[DigestSend]
    last_sent: DigestSend | None
    failed: list[DigestSend]


def read_snapshot(engine: Engine, settings: Settings, now: datetime) -> Snapshot:
    from jobs.digest import current_period

    wanted = settings.digest.to or settings.digest.channels
    period = current_period(settings, now) if wanted else None
    with session_scope(engine) as session:
        sources = queries.list_sources(session)
        failed = [s.key for s in sources if s.last_status == "failed"]
        since = streaks.failing_since(session.connection(), failed, now)
        failing = {key: since.get(key) for key in failed}
        sent = digests.recent_sends(session, limit=1, status="sent")
        return Snapshot(
            sources=sources,
            failing=failing,
            jobs=digests.scheduled_jobs(session),
            holders={k: h.holder for k, h in live_leases(session.connection()).items()},
            period=period,
            period_sends=digests.sends_for_period(session, *period) if period else [],
            last_sent=sent[0] if sent else None,
            failed=digests.recent_sends(session, limit=5, status="failed"),
        )


def ago(when: datetime | None, now: datetime) -> str:
    """``45s``, ``12m``, ``5h``, ``3d`` (``never`` for None)."""
    if when is None:
        return "never"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def health(info: SourceInfo, settings: Settings, since: datetime | None, now: datetime) -> str:
    if not info.enabled:
        return "disabled"
    if info.last_status is None:
        return "never run"
    if info.last_status == "failed":
        return f"failing for {ago(since or info.last_run_at, now)}"
    if info.last_status == "suspect":
        return "suspect (closings await a confirming run)"
    every = parse_duration(info.interval or settings.scrape.interval)
    if info.last_ok_at is None or now - info.last_ok_at > every * STALE_AFTER:
        return f"stale (last ok {ago(info.last_ok_at, now)} ago)"
    return "ok"


def short(when: datetime | None) -> str | None:
    """``2026-11-23 07:00`` (UTC) for tables."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if when is not None else None


def next_run_text(when: datetime | None, now: datetime) -> str | None:
    if when is None:
        return None
    return f"{short(when)} (overdue: daemon down?)" if when < now - OVERDUE else short(when)


def source_rows(snap: Snapshot, settings: Settings, now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "enabled": s.enabled,
            "open": s.open_postings,
            "last_run": iso(s.last_run_at),
            "status": s.last_status,
            "last_ok": iso(s.last_ok_at),
            "next_run": iso(snap.jobs.get(f"scrape:{s.key}")),
            "health": health(s, settings, snap.failing.get(s.key), now),
            "error": s.last_error if s.last_status != "ok" else None,
            "ran_by": s.last_writer,
            "scraping_by": snap.holders.get(s.key),
        }
        for s in snap.sources
    ]


def send_dict(send: DigestSend | None) -> dict[str, Any] | None:
    if send is None:
        return None
    return {
        "period": {"from": iso(send.period_start), "to": iso(send.period_end)},
        "status": send.status,
        "recipients": list(send.recipients),
        "message_id": send.message_id,
        "subject": send.subject,
        "forced": send.forced,
        "attempted_at": iso(send.created_at),
        "sent_at": iso(send.sent_at),
        "error": send.error,
    }


def period_state(sends: Sequence[DigestSend], channel: str | None = None) -> str:
    """The state of the period's email (``channel``: of its post to that channel)."""
    sends = [s for s in sends if s.channel == channel]
    if any(s.status == "sent" for s in sends):
        return "sent"
    if any(s.status == "sending" for s in sends):
        return "sending"
    failed = sum(1 for s in sends if s.status == "failed")
    return f"failed ({failed} attempt(s)); the daemon retries hourly" if failed else "not sent"


def digest_dict(snap: Snapshot, settings: Settings) -> dict[str, Any]:
    from jobs.digest import schedule_of

    period: dict[str, Any] | None = None
    if snap.period is not None:
        start, end = snap.period
        period = {
            "from": iso(start),
            "to": iso(end),
            "state": period_state(snap.period_sends) if settings.digest.to else "no email",
        }
        if settings.digest.channels:
            period["channels"] = {
                name: period_state(snap.period_sends, name) for name in settings.digest.channels
            }
    return {
        "schedule": str(schedule_of(settings)),
        "recipients": list(settings.digest.to),
        **({"channels": list(settings.digest.channels)} if settings.digest.channels else {}),
        "next": iso(snap.jobs.get("digest")),
        "current_period": period,
        "last_sent": send_dict(snap.last_sent),
        "failed": [send_dict(s) for s in snap.failed],
    }


def print_status(engine: Engine, settings: Settings, fmt: str) -> None:
    now = datetime.now(UTC)
    snap = read_snapshot(engine, settings, now)
    rows = source_rows(snap, settings, now)
    digest = digest_dict(snap, settings)
    from jobs.alerts import alerts_status, print_alerts_status

    alerts = alerts_status(engine, settings)
    if fmt == "json":
        daemon = snap.holders.get(DAEMON_KEY)
        shown = {"sources": rows, "daemon_jobs": _jobs(snap), "digest": digest, "alerts": alerts}
        typer.echo(dumps({**shown, "daemon": daemon} if daemon else shown))
        return
    table = [
        {
            **row,
            "last run": short(info.last_run_at),
            "next run": next_run_text(snap.jobs.get(f"scrape:{info.key}"), now),
            "ran by": info.last_writer,
        }
        for row, info in zip(rows, snap.sources, strict=True)
    ]
    cols = ["key", "open", "last run", "status", "ran by", "next run", "health"]
    title, drop = f"{len(rows)} sources (times UTC)", ("ran by", "next run", "open")
    print_table(rows_table(table, cols, title, terminal_width(), drop))
    for row in rows:
        if row["error"]:
            typer.echo(clean(f"{row['key']}: {row['error']}"))
    if not snap.jobs:
        typer.echo("daemon: nothing scheduled (start `tracker daemon`)")
    for key, holder in sorted(snap.holders.items()):
        typer.echo(
            f"{key} is being scraped by {holder}" if key != DAEMON_KEY else f"daemon: {holder}"
        )
    _print_digest(digest, now, snap)
    print_alerts_status(alerts)


def _jobs(snap: Snapshot) -> dict[str, str | None]:
    return {job_id: iso(when) for job_id, when in sorted(snap.jobs.items())}


def _print_digest(digest: dict[str, Any], now: datetime, snap: Snapshot) -> None:
    to = ", ".join(digest["recipients"]) or "nobody (set [digest] to)"
    posts = ", ".join(digest.get("channels", []))
    if posts:
        to = f"{to}; posted to {posts}" if digest["recipients"] else f"channels {posts}"
    typer.echo(f"digest: {digest['schedule']} to {to}")
    if digest["current_period"]:
        p = digest["current_period"]
        typer.echo(f"  current period {p['from']} -> {p['to']}: {p['state']}")
        for name, state in p.get("channels", {}).items():
            typer.echo(f"    channel {name}: {state}")
    if snap.jobs.get("digest"):
        typer.echo(f"  next digest: {next_run_text(snap.jobs['digest'], now)}")
    last = digest["last_sent"]
    if last:
        typer.echo(
            f"  last sent: {last['sent_at']} for {last['period']['from']} -> "
            f"{last['period']['to']} to {', '.join(last['recipients'])} {last['message_id']}"
        )
    else:
        typer.echo("  last sent: never")
    for failed in digest["failed"]:
        typer.echo(
            f"  failed: {failed['attempted_at']} for {failed['period']['from']} -> "
            f"{failed['period']['to']}: {failed['error']}"
        )
