"""The weekly digest posted to channels (``[digest] channels = ["slack"]``): the heading, the
headline sentences and the chart (as an attachment where the service takes one).

Each channel gets each period's digest once, like the email: the post is recorded in
``digest_send`` (recipients ``channel:NAME``) with its own claim of the period before it goes
out, so several daemons and restarts never post it twice; a failed post releases the claim,
shows in ``tracker status`` and is retried by the daemon's hourly digest job. A test post
(``digest send --channel NAME``) always goes and never uses up the period.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from db import digests
from db.digests import DigestSend
from db.session import session_scope
from jobs.digest import STALE_SENDING, Digest, SendOutcome, build_digest, period_text
from jobs.notify import DeliveryError, send
from tracker.alerts_message import digest_post
from tracker.report.serialize import iso
from tracker.settings import ConfigError, Settings

log = logging.getLogger("tracker.digest")

CHART_NAME = "dc-hiring-chart.png"


def _done(engine: Engine, start: datetime, end: datetime, name: str) -> DigestSend | None:
    with session_scope(engine) as session:
        attempts = digests.sends_for_period(session, start, end)
    found = [a for a in attempts if a.channel == name and a.status in ("sent", "sending")]
    return found[-1] if found else None


def _not_again(done: DigestSend, name: str) -> SendOutcome:
    period = period_text(done.period_start, done.period_end)
    if done.status == "sending":
        text = f"digest for {period} is being posted to {name} right now"
    else:
        text = (
            f"digest for {period} already posted to {name} at {iso(done.sent_at)}; "
            "use --force to post it again"
        )
    return SendOutcome(
        "in-progress" if done.status == "sending" else "already-sent",
        done.period_start,
        done.period_end,
        text,
        done,
    )


def post_period(
    engine: Engine,
    settings: Settings,
    start: datetime,
    end: datetime,
    name: str,
    *,
    force: bool = False,
    test: bool = False,
    digest: Digest | None = None,
) -> SendOutcome:
    """Post the digest of ``[start, end]`` to channel ``name`` unless it was already posted."""
    done = None if test else _done(engine, start, end, name)
    if done is not None and not force:
        return _not_again(done, name)
    digest = digest or build_digest(engine, settings, start, end, None)
    title, body = digest_post(digest.report, f"[test] {digest.subject}" if test else digest.subject)
    try:
        with session_scope(engine) as session:
            send_id = digests.claim_send(
                session, start=start, end=end, recipients=(), subject=title,
                message_id=f"channel:{name}", forced=force, test=test, channel=name,
            )  # fmt: skip
    except IntegrityError:
        done = _done(engine, start, end, name)
        if done is not None:
            return _not_again(done, name)
        raise
    return _deliver(engine, settings, send_id, name, (title, body, digest), test)


def _deliver(
    engine: Engine,
    settings: Settings,
    send_id: int,
    name: str,
    message: tuple[str, str, Digest],
    test: bool,
) -> SendOutcome:
    title, body, digest = message
    period = period_text(digest.start, digest.end)
    try:
        send(settings.channels[name], title, body, (CHART_NAME, digest.chart_png, "image/png"))
    except DeliveryError as exc:
        with session_scope(engine) as session:
            digests.mark_failed(session, send_id, str(exc), test=test)
        log.error("digest period=%s channel=%s status=failed error=%r", period, name, str(exc))
        text = f"digest for {period} not posted to {name}: {exc}"
        return SendOutcome("failed", digest.start, digest.end, text)
    with session_scope(engine) as session:
        digests.mark_sent(session, send_id, test=test)
    status = "test-sent" if test else "sent"
    log.info("digest period=%s channel=%s status=%s", period, name, status)
    text = f"posted {'a test of ' if test else ''}the digest for {period} to {name}"
    if test:
        text += "; the period's post to the configured channels is not affected"
    return SendOutcome("sent", digest.start, digest.end, text)


def post_due(
    engine: Engine,
    settings: Settings,
    start: datetime,
    end: datetime,
    attempts: Sequence[DigestSend],
) -> list[SendOutcome]:
    """The daemon's part: post to each configured channel that has not had the period yet."""
    busy = {a.channel for a in attempts if a.channel and a.status in ("sent", "sending")}
    outcomes: list[SendOutcome] = []
    digest = None
    for name in settings.digest.channels:
        if name in busy:
            continue
        digest = digest or build_digest(engine, settings, start, end, None)
        outcomes.append(post_period(engine, settings, start, end, name, digest=digest))
    return outcomes


def check_channels(settings: Settings, names: Sequence[str]) -> list[str]:
    """``--channel`` names: each must be in ``[channels]``."""
    for name in names:
        if name not in settings.channels:
            known = ", ".join(sorted(settings.channels)) or "none defined in [channels]"
            raise ConfigError(f"unknown channel {name!r} (known: {known})")
    return list(dict.fromkeys(names))


def post_now(
    engine: Engine,
    settings: Settings,
    start: datetime,
    end: datetime,
    names: Sequence[str],
    *,
    force: bool = False,
    test: bool = False,
) -> list[SendOutcome]:
    """``digest send``'s posts: to ``names`` (a test with ``test``), the digest built once."""
    with session_scope(engine) as session:
        digests.release_stale(session, datetime.now(UTC) - STALE_SENDING)
    digest = build_digest(engine, settings, start, end, None) if names else None
    return [
        post_period(engine, settings, start, end, n, force=force, test=test, digest=digest)
        for n in names
    ]
