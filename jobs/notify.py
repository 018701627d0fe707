"""Sending one message to one channel through Apprise (Slack, Teams, Discord, ntfy, json://,
mailto:// ...). The channel URL holds secrets: it never appears in errors or logs."""

from __future__ import annotations

import logging
import re

from tracker.alerts_config import Channel, ChannelError

log = logging.getLogger("tracker.alerts")


class DeliveryError(RuntimeError):
    """The channel did not take the message (one line, without the URL)."""


def _redact(text: str, url: str) -> str:
    """Drop the URL and its longer pieces (tokens, passwords) from ``text``."""
    text = text.replace(url, "<channel url>")
    for piece in sorted(set(re.split(r"[/:@?&=#]+", url)), key=len, reverse=True):
        if len(piece) >= 6:
            text = text.replace(piece, "…")
    return text


def send(
    channel: Channel, title: str, body: str, attach: tuple[str, bytes, str] | None = None
) -> None:
    """Deliver ``body`` (Markdown) with ``title`` and an optional ``(name, bytes, mimetype)``
    attachment (dropped by services that take none); raise :class:`DeliveryError` on failure."""
    import apprise
    from apprise.attachment.memory import AttachMemory

    try:
        url = channel.url()
    except ChannelError as exc:
        raise DeliveryError(str(exc)) from None
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError(f"channel {channel.name!r}: not a URL Apprise can use")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        files = None
        if attach is not None:
            name, content, mimetype = attach
            files = apprise.AppriseAttachment(AttachMemory(content, name=name, mimetype=mimetype))
        ok = notifier.notify(
            body=body, title=title, body_format=apprise.NotifyFormat.MARKDOWN, attach=files
        )
    if not ok:
        lines = [ln.strip() for ln in str(captured.getvalue()).splitlines() if ln.strip()]
        last = re.sub(r"^.*? - (?:WARNING|ERROR|CRITICAL) - ", "", lines[-1]) if lines else ""
        reason = _redact(last, url) if last else "the service refused the message"
        raise DeliveryError(f"channel {channel.name!r}: {reason}"[:300])


def valid(channel: Channel) -> str | None:
    """Why Apprise cannot use this channel's URL, or None when it can (env read now)."""
    import apprise

    try:
        url = channel.url()
    except ChannelError as exc:
        return str(exc)
    if apprise.Apprise.instantiate(url) is None:
        return f"channel {channel.name!r}: not a URL Apprise can use"
    return None
