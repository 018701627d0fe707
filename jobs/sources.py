"""Managing sources: watchlist import, add, remove, and choosing scrape targets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from db import store
from db.session import session_scope
from jobs.targets import Target, select_targets  # noqa: F401 - re-exported
from tracker.settings import ConfigError, Settings
from tracker.sources import REGISTRY
from tracker.watchlist import WatchEntry, build_entry, load_watchlist


def known_ats() -> set[str]:
    return set(REGISTRY)


def import_watchlist(engine: Engine, path: str | Path) -> list[tuple[str, str]]:
    """Upsert every source of a watchlist in one transaction -> [(key, added|updated|unchanged)]."""
    entries = load_watchlist(path, known_ats())
    return upsert_entries(engine, entries)


def upsert_entries(engine: Engine, entries: Sequence[WatchEntry]) -> list[tuple[str, str]]:
    changes: list[tuple[str, str]] = []
    with session_scope(engine) as session:
        for entry in entries:
            _, change = store.upsert_source(
                session, entry.ref, interval=entry.interval, enabled=entry.enabled
            )
            changes.append((entry.ref.key, change))
    return changes


def add_source(engine: Engine, data: dict[str, object]) -> tuple[str, str]:
    """Add (or update) one source from watchlist-style keys."""
    entry = build_entry(data, "sources add", known_ats())
    return upsert_entries(engine, [entry])[0]


def remove_source(engine: Engine, key: str) -> None:
    with session_scope(engine) as session:
        if not store.remove_source(session, key):
            raise ConfigError(f"unknown source {key!r} (see `tracker sources list`)")


def discover_entry(settings: Settings, url: str) -> dict[str, Any]:
    """Recognise the ATS and token behind a careers-page or job URL (fetching the page only
    when the URL alone does not tell)."""
    import asyncio

    from tracker.sources.discover import NotRecognized, discover_url
    from tracker.sources.http import HttpClient

    async def run() -> dict[str, Any]:
        async with HttpClient(settings.scrape) as client:
            return dict(await discover_url(client, url))

    try:
        return asyncio.run(run())
    except NotRecognized as exc:
        raise ConfigError(str(exc)) from None


def entry_toml(entry: dict[str, Any]) -> str:
    """A ``[[source]]`` block for a watchlist."""
    lines = ["[[source]]"]
    for key, value in entry.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(json.dumps(str(v)) for v in value)}]")
        elif isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, int | float):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {json.dumps(str(value), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
