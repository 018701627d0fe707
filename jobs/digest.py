"""The weekly digest: build the period's report, chart and email; send it exactly once.

- :func:`send_period` sends one period's digest unless it was already sent (``force`` overrides).
  The attempt is recorded as ``sending`` (claiming the period) before the SMTP conversation and
  updated to ``sent`` or ``failed`` after it, so two senders never both send, and a failure is
  visible and retried.
- :func:`send_due` is the daemon's job (on schedule, and hourly): the current period, when it
  has not been sent — a failed attempt is retried, a period the daemon missed while it was down
  is sent late (once), a period with no data at all is skipped.
- :func:`send_now` and :func:`preview` are the CLI's ``digest send`` and ``digest preview``.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from db import digests
from db.digests import DigestSend
from db.session import session_scope
from jobs.reports import build_report, chart_data
from tracker.diff import Report
from tracker.domain import RoleFilter
from tracker.mail import MailError, send_message
from tracker.report.chart import render_chart
from tracker.report.email import (
    build_message,
    chart_cid,
    digest_message_id,
    digest_subject,
)
from tracker.report.render import render_html, render_text
from tracker.report.serialize import iso
from tracker.schedule import WeeklySchedule, parse_schedule, period_ending
from tracker.settings import ConfigError, Settings, parse_when

log = logging.getLogger("tracker.digest")

STALE_SENDING = timedelta(minutes=10)  # longer than any SMTP conversation (timeout 20 s)
TEXT_WIDTH = 100


@dataclass(frozen=True)
class Digest:
    """Everything a digest email is made of."""

    start: datetime
    end: datetime
    report: Report
    subject: str
    text: str
    html: str
    chart_png: bytes


@dataclass(frozen=True)
class SendOutcome:
    """What a send attempt did: ``sent`` | ``already-sent`` | ``in-progress`` | ``failed``."""

    status: str
    start: datetime
    end: datetime
    message: str
    send: DigestSend | None = None


def schedule_of(settings: Settings) -> WeeklySchedule:
    return parse_schedule(settings.digest.schedule, settings.digest.timezone)


def current_period(settings: Settings, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The week ending at the most recent scheduled digest time."""
    return period_ending(schedule_of(settings), now or datetime.now(UTC))


def period_text(start: datetime, end: datetime) -> str:
    return f"{iso(start)}/{iso(end)}"


# ------------------------------------------------------------------------------------ building


def build_digest(
    engine: Engine, settings: Settings, start: datetime, end: datetime, cid: str | None
) -> Digest:
    """The period's report rendered as subject, text, HTML (chart by ``cid``) and chart PNG."""
    report = build_report(engine, start, end, RoleFilter())
    subject = digest_subject(report, settings.digest.subject_prefix)
    png = render_chart(chart_data(engine, end))
    html = render_html(report, chart_cid=cid, title=subject)
    text = render_text(report, width=TEXT_WIDTH)
    return Digest(start, end, report, subject, text, html, png)


def check_recipients(recipients: Sequence[str]) -> list[str]:
    found = [r.strip() for r in recipients if r.strip()]
    if not found:
        raise ConfigError(
            "no recipients: set [digest] to = [...] (or channels = [...]) in the config "
            "or pass --to"
        )
    bad = [r for r in found if "@" not in r or any(c in r for c in " ,<>")]
    if bad:
        raise ConfigError(f"bad recipient address(es): {', '.join(bad)}")
    return found


# ------------------------------------------------------------------------------------ sending


def _sent_or_sending(engine: Engine, start: datetime, end: datetime) -> DigestSend | None:
    with session_scope(engine) as session:
        attempts = digests.sends_for_period(session, start, end)
    done = [a for a in attempts if a.status in ("sent", "sending") and a.channel is None]
    return done[-1] if done else None


def send_period(
    engine: Engine,
    settings: Settings,
    start: datetime,
    end: datetime,
    recipients: Sequence[str],
    *,
    force: bool = False,
    now: datetime | None = None,
    test: bool = False,
) -> SendOutcome:
    """Send the digest of ``[start, end]`` unless it was already sent (or ``force``).

    A ``test`` send (``digest send --to``) always goes, is marked "[test]" in its subject and
    never claims the period: the configured recipients still get theirs.
    """
    to = check_recipients(recipients)
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        digests.release_stale(session, now - STALE_SENDING)
    done = None if test else _sent_or_sending(engine, start, end)
    if done is not None and not force:
        return _not_again(done, start, end)
    fresh = force or test
    message_id = digest_message_id(start, end, settings.digest.from_addr, to, forced=fresh)
    cid = chart_cid(message_id)
    digest = build_digest(engine, settings, start, end, cid)
    subject = f"[test] {digest.subject}" if test else digest.subject
    message = build_message(
        subject=subject, from_addr=settings.digest.from_addr, to=to, text=digest.text,
        html=digest.html, chart_png=digest.chart_png, cid=cid, message_id=message_id, date=now,
    )  # fmt: skip
    try:
        with session_scope(engine) as session:
            send_id = digests.claim_send(
                session, start=start, end=end, recipients=to, subject=subject,
                message_id=message_id, forced=force, test=test,
            )  # fmt: skip
    except IntegrityError:
        done = _sent_or_sending(engine, start, end)
        if done is not None:
            return _not_again(done, start, end)
        raise
    return _deliver(engine, settings, send_id, message, to, start, end, test=test)


def _not_again(done: DigestSend, start: datetime, end: datetime) -> SendOutcome:
    period = period_text(start, end)
    if done.status == "sending":
        text = f"digest for {period} is being sent right now (since {iso(done.created_at)})"
        return SendOutcome("in-progress", start, end, text, done)
    text = (
        f"digest for {period} already sent at {iso(done.sent_at)} to "
        f"{', '.join(done.recipients)} ({done.message_id}); use --force to send it again"
    )
    return SendOutcome("already-sent", start, end, text, done)


def _deliver(
    engine: Engine,
    settings: Settings,
    send_id: int,
    message: EmailMessage,
    to: list[str],
    start: datetime,
    end: datetime,
    test: bool = False,
) -> SendOutcome:
    period = period_text(start, end)
    try:
        refused = send_message(settings.smtp, message, to)
    except BaseException as exc:
        error = str(exc) if isinstance(exc, MailError) else f"internal error: {type(exc).__name__}"
        with session_scope(engine) as session:
            digests.mark_failed(session, send_id, error, test=test)
        log.error("digest period=%s status=failed recipients=%d error=%r", period, len(to), error)
        if not isinstance(exc, MailError):
            raise
        return SendOutcome("failed", start, end, f"digest for {period} not sent: {error}")
    note = f"refused by the server: {', '.join(refused)}" if refused else None
    with session_scope(engine) as session:
        digests.mark_sent(session, send_id, note=note, test=test)
    log.info(
        "digest period=%s status=%s recipients=%d message_id=%s%s",
        period, "test-sent" if test else "sent", len(to) - len(refused), message["Message-ID"],
        f" note={note!r}" if note else "",
    )  # fmt: skip
    text = f"sent digest for {period} to {', '.join(to)} ({message['Message-ID']})"
    if test:
        text = (
            f"sent a test of the digest for {period} to {', '.join(to)} "
            f"({message['Message-ID']}); the period's digest to the configured recipients "
            "is not affected"
        )
    return SendOutcome("sent", start, end, text + (f"; {note}" if note else ""))


def send_due(engine: Engine, settings: Settings, now: datetime | None = None) -> SendOutcome | None:
    """The daemon's digest job: post the current period's digest to each configured channel
    and email it, each if it is due and not done yet. Returns the email's outcome."""
    if not settings.digest.to and not settings.digest.channels:
        return None
    now = now or datetime.now(UTC)
    start, end = current_period(settings, now)
    with session_scope(engine) as session:
        digests.release_stale(session, now - STALE_SENDING)
        attempts = digests.sends_for_period(session, start, end)
        has_data = digests.had_runs_before(session, end)
    if not attempts and not has_data:
        log.debug("digest period=%s status=skipped reason='no runs before its end'", end)
        return None
    if settings.digest.channels:
        from jobs.digest_channels import post_due

        post_due(engine, settings, start, end, attempts)
    emails = [a for a in attempts if a.channel is None]
    if not settings.digest.to or any(a.status in ("sent", "sending") for a in emails):
        return None
    return send_period(engine, settings, start, end, settings.digest.to, now=now)


# ------------------------------------------------------------------------------------ CLI glue


def send_now(
    engine: Engine,
    settings: Settings,
    to: Sequence[str],
    force: bool,
    channels: Sequence[str] = (),
) -> bool:
    """``tracker digest send``: the current period; prints what happened. False on failure.

    With ``to`` or ``channels`` it is a test send to those (see :func:`send_period`); else
    the email to ``[digest] to`` and the posts to ``[digest] channels``, each once."""
    from jobs.digest_channels import check_channels, post_now

    test = bool(to or channels)
    names = check_channels(settings, channels) if test else list(settings.digest.channels)
    emails = list(to) if test else list(settings.digest.to)
    if not names or emails:
        emails = check_recipients(emails)
    start, end = current_period(settings)
    outcomes = post_now(engine, settings, start, end, names, force=force, test=test)
    if emails:
        outcomes.append(send_period(engine, settings, start, end, emails, force=force, test=test))
    for outcome in outcomes:
        typer.echo(outcome.message, err=outcome.status == "failed")
    return all(o.status != "failed" for o in outcomes)


def inline_chart(html: str, cid: str, png: bytes) -> str:
    """The HTML with the ``cid:`` chart replaced by a data URI (a file a browser can open)."""
    data = base64.b64encode(png).decode("ascii")
    return html.replace(f'src="cid:{cid}"', f'src="data:image/png;base64,{data}"')


def preview_period(
    settings: Settings, start: str | None, end: str | None, now: datetime | None = None
) -> tuple[datetime, datetime, str]:
    """The period ``digest preview`` shows, and a note saying which: by default the one
    ``digest send`` would send now (the week up to the last scheduled time)."""
    if start is None and end is None:
        frm, to = current_period(settings, now)
        last = schedule_of(settings)
        note = f"the week up to the last scheduled digest, {last}: what send sends now"
        return frm, to, note
    to = parse_when(end, now=now) if end else (now or datetime.now(UTC))
    frm = parse_when(start, now=to) if start else to - timedelta(days=7)
    return frm, to, "as asked with --from/--to"


def preview(
    engine: Engine,
    settings: Settings,
    start: datetime,
    end: datetime,
    out: Path | None,
    note: str | None = None,
) -> None:
    """``tracker digest preview``: print the period, subject and text; write the HTML to ``out``."""
    if start >= end:
        raise ConfigError(f"--from ({iso(start)}) must be before --to ({iso(end)})")
    cid = "chart@preview"
    digest = build_digest(engine, settings, start, end, cid)
    typer.echo(f"Subject: {digest.subject}")
    typer.echo(f"Period: {iso(start)} to {iso(end)}" + (f" ({note})" if note else "") + "\n")
    typer.echo(digest.text, nl=False)
    if out is not None:
        try:
            out.write_text(inline_chart(digest.html, cid, digest.chart_png), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror or exc}") from None
        typer.echo(f"\nwrote {out}")
