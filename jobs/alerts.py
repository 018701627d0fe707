"""``tracker alerts check | list | test``: each rule's new events, once, to each of its channels.

One check sends one message per rule and channel listing all the events not notified yet.
Every event is claimed in ``alert_delivery`` before the message goes out (so restarts and other
daemons never send it again); a failed channel leaves its events ``failed`` and retried after a
backoff that doubles per attempt; ``tracker status`` shows them.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection, Engine

from db import alerts as store
from db.session import session_scope
from jobs.notify import DeliveryError, send
from tracker.alerts_config import AlertRule
from tracker.alerts_message import EventView, message
from tracker.settings import ConfigError, Settings

log = logging.getLogger("tracker.alerts")

RETRY_BACKOFF = timedelta(minutes=1)  # first retry; doubles per failed attempt, up to 6 h
STALE_CLAIM = timedelta(minutes=15)  # a "sending" claim older than this was interrupted


@dataclass(frozen=True)
class Outcome:
    """What one rule did on one channel in one check."""

    rule: str
    channel: str
    events: int
    status: str  # sent | failed | baseline | waiting (below min_count) | none
    error: str | None = None
    test: bool = False  # `alerts test`: a test message, no events


def kinds(rule: AlertRule) -> list[str]:
    """The event kinds to read; ``changed`` already includes ``pay_changed``."""
    return [k for k in rule.on if not (k == "pay_changed" and "changed" in rule.on)]


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def check(
    engine: Engine,
    settings: Settings,
    *,
    rules: Sequence[str] = (),
    baseline: bool = False,
    now: datetime | None = None,
) -> list[Outcome]:
    """Notify every rule's new events (``baseline``: record them as seen, send nothing)."""
    now = now or datetime.now(UTC)
    selected = [r for r in settings.alerts if not rules or r.name in rules]
    for name in rules:
        if name not in {r.name for r in settings.alerts}:
            raise ConfigError(f"unknown alert rule {name!r} ({_known(settings)})")
    with session_scope(engine) as session:
        store.release_stale(session.connection(), now - STALE_CLAIM)
    outcomes: list[Outcome] = []
    for rule in selected:
        with session_scope(engine) as session:
            found = store.events(session.connection(), kinds(rule), rule.filter)
        for channel in rule.channels:
            outcomes.append(_deliver(engine, settings, rule, channel, found, baseline, now))
    return outcomes


def _known(settings: Settings) -> str:
    names = [r.name for r in settings.alerts]
    return "known: " + ", ".join(names) if names else "no [[alert]] rules in the config"


def _deliver(
    engine: Engine,
    settings: Settings,
    rule: AlertRule,
    channel: str,
    found: Sequence[store.Event],
    baseline: bool,
    now: datetime,
) -> Outcome:
    owner = _owner()
    by_key = {e.key: e for e in found}
    with session_scope(engine) as session:
        conn = session.connection()
        done = store.recorded(conn, rule.name, channel)
        new = [e for e in found if e.key not in done]
        retries = store.due_retries(conn, rule.name, channel, now)
        if len(new) + len(retries) < rule.min_count or not (new or retries):
            status = "waiting" if new or retries else "none"
            return Outcome(rule.name, channel, len(new) + len(retries), status)
        status = "skipped" if baseline else "sending"
        ids: list[int] = []
        claimed: list[store.Event] = []
        for event in new:
            got = store.claim_new(conn, rule.name, channel, event, owner, now, status)
            if got is not None:
                ids.append(got)
                claimed.append(event)
        if baseline:
            return Outcome(rule.name, channel, len(claimed), "baseline")
        for delivery_id, event_name, posting_id, ref in retries:
            key = (event_name, posting_id, ref)
            if key not in by_key:  # the rule no longer matches it (edited filters): drop it
                store.mark_skipped(conn, delivery_id)
            elif store.claim_retry(conn, delivery_id, owner, now):
                ids.append(delivery_id)
                claimed.append(by_key[key])
        if not claimed:
            return Outcome(rule.name, channel, 0, "none")
        claimed.sort(key=lambda e: (e.happened_at, e.posting_id, e.event))
        views = _views(conn, claimed)
    title, body = message(rule.name, views)
    try:
        send(settings.channels[channel], title, body)
    except DeliveryError as exc:
        with session_scope(engine) as session:
            store.mark_failed(session.connection(), ids, str(exc), now, RETRY_BACKOFF)
        log.warning("alert rule=%s channel=%s events=%d status=failed error=%s",
                    rule.name, channel, len(ids), exc)  # fmt: skip
        return Outcome(rule.name, channel, len(ids), "failed", str(exc))
    with session_scope(engine) as session:
        store.mark_sent(session.connection(), ids, datetime.now(UTC))
    log.info("alert rule=%s channel=%s events=%d status=sent", rule.name, channel, len(ids))
    return Outcome(rule.name, channel, len(ids), "sent")


def _views(conn: Connection, events: Sequence[store.Event]) -> list[EventView]:
    wanted = [e.version_id for e in events]
    wanted += [e.previous_version_id for e in events if e.previous_version_id is not None]
    roles = store.roles_by_versions(conn, wanted)
    views = []
    for e in events:
        before = roles.get(e.previous_version_id) if e.previous_version_id else None
        views.append(EventView(e.event, e.happened_at, roles[e.version_id], before))
    return views


def send_test(settings: Settings, name: str) -> list[Outcome]:
    """One test message to each of the rule's channels (nothing is recorded)."""
    rule = next((r for r in settings.alerts if r.name == name), None)
    if rule is None:
        raise ConfigError(f"unknown alert rule {name!r} ({_known(settings)})")
    title = f"[DC hiring] {rule.name}: test message"
    body = (
        f"This is a test of the alert rule `{rule.name}` (on {', '.join(rule.on)}). "
        "Its events will arrive here like this."
    )
    outcomes = []
    for channel in rule.channels:
        try:
            send(settings.channels[channel], title, body)
        except DeliveryError as exc:
            outcomes.append(Outcome(rule.name, channel, 0, "failed", str(exc), test=True))
        else:
            outcomes.append(Outcome(rule.name, channel, 0, "sent", test=True))
    return outcomes


def print_outcomes(outcomes: Sequence[Outcome]) -> None:
    """One line per rule and channel that had something to do."""
    import typer

    shown = [o for o in outcomes if o.status != "none"]
    for o in shown:
        what = "test message" if o.test else f"{o.events} event(s)"
        line = f"{o.rule} -> {o.channel}: {what} {o.status}"
        typer.echo(line + (f" ({o.error})" if o.error else ""), err=o.status == "failed")
    if not shown:
        typer.echo("no new events")


def print_rules(engine: Engine, settings: Settings) -> None:
    """Each rule: events, filters, channels (URLs hidden), and what was delivered."""
    import typer

    from jobs.notify import valid

    with session_scope(engine) as session:
        counts = store.counts_by_rule(session.connection())
    if not settings.alerts:
        typer.echo("no [[alert]] rules in the config")
    for rule in settings.alerts:
        flt = rule.filter
        filters = [
            f"{name}={','.join(values)}"
            for name in ("company", "category", "country", "region", "source")
            if (values := getattr(flt, name))
        ]
        done = counts.get(rule.name, {})
        typer.echo(
            f"{rule.name}: on {','.join(rule.on)}"
            + (f" where {' '.join(filters)}" if filters else "")
            + (f" min_count={rule.min_count}" if rule.min_count > 1 else "")
            + f" -> {', '.join(rule.channels)}"
            + (f" [{', '.join(f'{k} {v}' for k, v in sorted(done.items()))}]" if done else "")
        )
    for channel in settings.channels.values():
        problem = valid(channel)
        typer.echo(
            f"channel {channel.name}: {channel.shown}" + (f" ({problem})" if problem else "")
        )


def alerts_status(engine: Engine, settings: Settings) -> dict[str, Any]:
    """For ``tracker status``: rules, deliveries by status, and failures waiting for a retry."""
    from tracker.report.serialize import iso

    with session_scope(engine) as session:
        conn = session.connection()
        counts = store.counts_by_rule(conn)
        failed = store.failures(conn)
    return {
        "rules": [
            {"name": r.name, "channels": list(r.channels), "delivered": counts.get(r.name, {})}
            for r in settings.alerts
        ],
        "failed": [
            {
                "rule": f.rule,
                "channel": f.channel,
                "events": f.events,
                "attempts": f.attempts,
                "error": f.error,
                "next_attempt": iso(f.next_attempt_at),
            }
            for f in failed
        ],
    }


def print_alerts_status(status: dict[str, Any]) -> None:
    import typer

    if not status["rules"] and not status["failed"]:
        return
    typer.echo(f"alerts: {len(status['rules'])} rule(s)")
    for rule in status["rules"]:
        sent = rule["delivered"].get("sent", 0)
        typer.echo(f"  {rule['name']} -> {', '.join(rule['channels'])}: {sent} event(s) sent")
    for f in status["failed"]:
        typer.echo(
            f"  failed: {f['rule']} -> {f['channel']}: {f['events']} event(s), "
            f"{f['attempts']} attempt(s), next {f['next_attempt'] or 'now'}: {f['error']}"
        )
