"""Alert messages: one per rule and channel, listing every event of a check. Pure.

The body is Markdown: Apprise turns it into Slack/Teams/Discord markup, and into HTML for email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.diff import Report, role_changes
from tracker.domain import Role
from tracker.report.money import band_text
from tracker.report.serialize import format_places

LABELS = {
    "opened": "Opened",
    "closed": "Closed",
    "pay_changed": "Pay changed",
    "changed": "Changed",
}


@dataclass(frozen=True)
class EventView:
    """One event as a message shows it: the role as of the event, and the role before it."""

    event: str
    happened_at: datetime
    role: Role
    before: Role | None = None


def _escape(text: str, chars: str = "\\[]()*_`<>") -> str:
    """Keep board text from turning into Markdown (links, emphasis)."""
    for char in chars:
        text = text.replace(char, "\\" + char)
    return text


def _prose(text: str) -> str:
    """Sentences: brackets and emphasis escaped, parentheses (no link without brackets) kept."""
    return _escape(text, "\\[]*_`<>")


def _value(field: str, value: Any) -> str:
    if field == "salary":
        return band_text(value) or "no pay"
    if field == "locations":
        return format_places(value) or "no place"
    return str(value)


def what_changed(before: Role | None, after: Role) -> str:
    """``pay $150,000–$200,000 → $170,000–$220,000; title A → B``."""
    if before is None:
        return ""
    names = {"salary": "pay", "locations": "places", "title": "title", "category": "category"}
    parts = [
        f"{names[name]} {_value(name, old)} → {_value(name, new)}"
        for name, (old, new) in role_changes(before, after).items()
    ]
    return "; ".join(parts)


def event_line(view: EventView, markdown: bool = True) -> str:
    """``- **Opened** · Anthropic · [Title](url) · Tokyo, JP · ¥8,000,000–…`` (Markdown), or
    ``Opened · Anthropic · Title · Tokyo, JP · ¥8,000,000–…`` (plain text)."""
    role = view.role
    esc = _escape if markdown else str
    title = esc(role.title)
    linked = f"[{title}]({role.url})" if role.url and markdown else title
    label = LABELS.get(view.event, view.event)
    parts = [f"**{label}**" if markdown else label, esc(role.company_name), linked]
    places = format_places(role.locations, role.remote)
    if places:
        parts.append(esc(places))
    if view.event in ("changed", "pay_changed"):
        changed = what_changed(view.before, role)
        if changed:
            parts.append(esc(changed))
    else:
        pay = band_text(role.salary)
        if pay:
            parts.append(pay)
    return ("- " if markdown else "") + " · ".join(parts)


def message(rule: str, views: Sequence[EventView]) -> tuple[str, str]:
    """``(title, markdown body)`` for one rule's events."""
    counts: dict[str, int] = {}
    for view in views:
        counts[view.event] = counts.get(view.event, 0) + 1
    summary = ", ".join(f"{n} {LABELS[e].lower()}" for e, n in counts.items())
    title = f"[DC hiring] {rule}: {summary}"
    lines = [event_line(v) for v in views]
    body = "\n".join(
        [f"**{len(views)} event{'s' if len(views) != 1 else ''}** for rule `{rule}`:", "", *lines]
    )
    return title, body


def digest_post(report: Report, subject: str, chart: bool = True) -> tuple[str, str]:
    """The weekly digest as a channel message: ``(title, markdown body)`` with the heading, the
    headline sentences and what opened, closed and changed (the chart goes as an attachment)."""
    from tracker.report.render import heading

    lines = [f"**{_prose(heading(report))}**", ""]
    lines += [f"- {_prose(sentence)}" for sentence in report.summary]
    moves = (
        f"{len(report.opened)} opened, {len(report.closed)} closed, {len(report.changed)} changed"
    )
    lines += ["", moves + (" · chart attached" if chart else "")]
    return subject, "\n".join(lines)
