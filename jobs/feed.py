"""``tracker feed``: an Atom feed (feedgen) of opened, closed and pay-changed roles.

Entry ids are built from the event itself (``event/posting/ref``), so a feed reader shows each
event once however often the feed is rebuilt.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from db import alerts as store
from db.session import session_scope
from tracker.alerts_message import LABELS, EventView, event_line
from tracker.domain import RoleFilter

FEED_KINDS = ("opened", "closed", "pay_changed")
TAG = "tag:dc-hiring-tracker,2026"
MAX_ENTRIES = 500


def _filter_text(flt: RoleFilter) -> str:
    parts = [
        f"{name}={','.join(values)}"
        for name in ("company", "category", "country", "region", "source")
        if (values := getattr(flt, name))
    ]
    if flt.include_all:
        parts.append("all")
    return "&".join(parts)


def entry_id(event: str, posting_id: int, ref: int) -> str:
    """The stable Atom id of one event."""
    return f"{TAG}:{event}/{posting_id}/{ref}"


def build_feed(
    engine: Engine, flt: RoleFilter, since: datetime | None, now: datetime | None = None
) -> bytes:
    """The Atom XML of the events matching ``flt`` since ``since`` (newest first)."""
    from feedgen.feed import FeedGenerator

    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        conn = session.connection()
        found = store.events(conn, FEED_KINDS, flt, since=since, until=now)[-MAX_ENTRIES:]
        wanted = [e.version_id for e in found]
        wanted += [e.previous_version_id for e in found if e.previous_version_id is not None]
        roles = store.roles_by_versions(conn, wanted)
    described = _filter_text(flt)
    feed = FeedGenerator()
    feed.id(f"{TAG}:feed" + (f"?{described}" if described else ""))
    feed.title(
        "DC hiring: opened, closed and pay changes" + (f" ({described})" if described else "")
    )
    feed.author({"name": "dc-hiring-tracker"})
    feed.link(href="https://github.com/dc-hiring-tracker/dc-hiring-tracker", rel="alternate")
    feed.language("en")
    feed.updated(found[-1].happened_at if found else now)
    for event in found:  # feedgen puts each new entry first: oldest in, newest on top
        role = roles[event.version_id]
        before = roles.get(event.previous_version_id) if event.previous_version_id else None
        view = EventView(event.event, event.happened_at, role, before)
        entry = feed.add_entry()
        entry.id(entry_id(event.event, event.posting_id, event.ref))
        entry.title(f"{LABELS[event.event]}: {role.title} — {role.company_name}")
        if role.url:
            entry.link(href=role.url)
        entry.updated(event.happened_at)
        entry.published(event.happened_at)
        entry.category(term=event.event)
        entry.summary(event_line(view, markdown=False))
    xml: bytes = feed.atom_str(pretty=True)
    return xml


def write_feed(xml: bytes, out: Path | None) -> None:
    """To ``out`` (written whole, then moved into place) or to stdout."""
    import sys

    if out is None:
        sys.stdout.buffer.write(xml)
        sys.stdout.flush()
        return
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_bytes(xml)
        tmp.replace(out)
    except OSError as exc:  # a missing folder or a folder as --out: one line naming --out
        from tracker.settings import ConfigError

        tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {out}: {exc.strerror or exc}") from None
