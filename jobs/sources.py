"""Managing sources: watchlist import, add, remove, and choosing scrape targets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from db import queries, store
from db.session import session_scope
from jobs.scrape import Target
from tracker.filters import unknown as unknown_value
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


def select_targets(
    engine: Engine, keys: Sequence[str] = (), company: str | None = None
) -> list[Target]:
    """The enabled sources to scrape: all, the given keys, or one company's."""
    with session_scope(engine) as session:
        infos = queries.list_sources(session, health=False)
    by_key = {info.key: info for info in infos}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise unknown_value("source", unknown[0], sorted(by_key), "see tracker sources list")
    chosen = [by_key[k] for k in keys] if keys else [i for i in infos if i.enabled]
    if company is not None:
        if company not in {i.company for i in infos}:
            known = sorted({i.company for i in infos})
            raise unknown_value("company", company, known, "see tracker sources list")
        chosen = [i for i in chosen if i.company == company]
        if not chosen:
            raise ConfigError(f"no enabled sources for company {company!r}")
    return [Target(source_id=i.id, ref=i.ref) for i in chosen]


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
