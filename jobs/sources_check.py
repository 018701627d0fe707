"""``tracker sources check``: probe sources (from the database or a watchlist file) politely."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Engine

from db import queries
from db.session import session_scope
from tracker.domain import SourceRef
from tracker.settings import ConfigError, Settings
from tracker.sources import REGISTRY
from tracker.sources.check import CheckResult, check_source
from tracker.watchlist import load_watchlist


def refs_to_check(
    engine: Engine | None, keys: Sequence[str], watchlist: Path | None
) -> list[SourceRef]:
    """The sources named by ``keys`` (all when none) in a watchlist file, else the database."""
    if watchlist is not None:
        refs = [entry.ref for entry in load_watchlist(watchlist, set(REGISTRY))]
    else:
        assert engine is not None
        with session_scope(engine) as session:
            refs = [info.ref for info in queries.list_sources(session)]
    by_key = {ref.key: ref for ref in refs}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        where = str(watchlist) if watchlist else "the database (see `tracker sources list`)"
        raise ConfigError(f"unknown source(s) {', '.join(unknown)} in {where}")
    return [by_key[k] for k in keys] if keys else refs


def check_sources(settings: Settings, refs: Sequence[SourceRef]) -> list[CheckResult]:
    """Probe every source, a few at a time (``concurrency``, ``per_host`` as for scrapes)."""
    from tracker.sources.http import HttpClient

    async def run() -> list[CheckResult]:
        limit = asyncio.Semaphore(max(1, int(settings.scrape.concurrency)))
        async with HttpClient(settings.scrape) as client:

            async def one(ref: SourceRef) -> CheckResult:
                async with limit:
                    return await check_source(client, ref)

            return list(await asyncio.gather(*(one(ref) for ref in refs)))

    return asyncio.run(run())


def render(results: Sequence[CheckResult]) -> str:
    """One line per source: ``ok      12 postings  greenhouse:anthropic`` or the error."""
    lines = []
    for r in results:
        if r.ok:
            count = f"{r.postings} postings" if r.postings is not None else "answers"
            lines.append(f"ok      {count:>15}  {r.key}" + (f"  ({r.note})" if r.note else ""))
        else:
            lines.append(f"FAILED  {'':>15}  {r.key}  {r.note}")
    good = sum(1 for r in results if r.ok)
    lines.append(f"{good} of {len(results)} sources answer")
    return "\n".join(lines) + "\n"
