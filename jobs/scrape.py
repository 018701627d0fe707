"""One scrape cycle, and ingestion of captured payloads.

Boards are fetched concurrently (bounded by ``[scrape] concurrency``); each board is parsed,
normalized and recorded in its own transaction as soon as it arrives, then dropped, so memory
stays flat however many boards there are. Any failure of one board — network, HTTP status,
malformed payload — is recorded as a ``failed`` run for that board only and closes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from db import store
from db.session import session_scope
from tracker.domain import Posting, RawPosting, RunResult, SourceRef
from tracker.normalize import normalize
from tracker.settings import Settings
from tracker.sources import get_source
from tracker.sources.base import SourceError

log = logging.getLogger("tracker.scrape")

ProgressFn = Callable[[RunResult], None]


@dataclass(frozen=True)
class Target:
    """A source to scrape: its database id and its reference."""

    source_id: int
    ref: SourceRef


def parse_and_normalize(payload: Any, ref: SourceRef, observed_at: datetime) -> list[Posting]:
    """Pure: payload -> normalized postings. Raises SourceError on a malformed payload."""
    raws: list[RawPosting] = get_source(ref.ats).parse(payload, ref)
    return [normalize(raw, ref, observed_at) for raw in raws]


def record(engine: Engine, target: Target, observed_at: datetime, **kwargs: Any) -> RunResult:
    """Record one run in one transaction."""
    with session_scope(engine) as session:
        return store.record_run(session, target.source_id, observed_at, **kwargs)


async def scrape_one(engine: Engine, client: Any, target: Target) -> RunResult:
    """Fetch, parse, normalize and record one board; every failure becomes a failed run."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        payload = await get_source(target.ref.ats).fetch(client, target.ref)
        postings = parse_and_normalize(payload, target.ref, started)
        del payload
    except SourceError as exc:
        result = record(engine, target, started, postings=None, error=str(exc), started_at=started)
    except Exception as exc:  # a parser bug must not stop the other boards
        log.exception("unexpected error on %s", target.ref.key)
        error = f"internal error: {type(exc).__name__}: {exc}"
        result = record(engine, target, started, postings=None, error=error, started_at=started)
    else:
        result = record(engine, target, started, postings=postings, started_at=started)
    log_run(result, time.monotonic() - clock)
    return result


def log_run(result: RunResult, seconds: float) -> None:
    """One greppable line per run."""
    log.info(
        "run source=%s status=%s seen=%d new=%d changed=%d closed=%d reopened=%d duration=%.2fs%s",
        result.source,
        result.status,
        result.seen,
        result.new,
        result.changed,
        result.closed,
        result.reopened,
        seconds,
        f" error={result.error!r}" if result.error else "",
    )


async def scrape_targets(
    engine: Engine,
    targets: Sequence[Target],
    settings: Settings,
    on_result: ProgressFn | None = None,
) -> list[RunResult]:
    """Scrape every target once, at most ``concurrency`` boards at a time."""
    from tracker.sources.http import HttpClient

    limit = asyncio.Semaphore(max(1, settings.scrape.concurrency))
    results: list[RunResult] = []

    async def bounded(client: Any, target: Target) -> None:
        async with limit:
            result = await scrape_one(engine, client, target)
        results.append(result)
        if on_result is not None:
            on_result(result)

    async with HttpClient(settings.scrape) as client:
        await asyncio.gather(*(bounded(client, t) for t in targets))
    order = {t.ref.key: i for i, t in enumerate(targets)}
    return sorted(results, key=lambda r: order.get(r.source, 0))


def run_scrape(
    engine: Engine,
    targets: Sequence[Target],
    settings: Settings,
    on_result: ProgressFn | None = None,
) -> list[RunResult]:
    """Synchronous entry point for the CLI and the scheduler."""
    return asyncio.run(scrape_targets(engine, targets, settings, on_result))


def ingest_payload(
    engine: Engine, target: Target, payload: Any, observed_at: datetime
) -> RunResult:
    """Record a captured list payload as if scraped at ``observed_at``.

    A malformed payload raises SourceError and writes nothing (it is bad input, not a failed
    fetch).
    """
    postings = parse_and_normalize(payload, target.ref, observed_at)
    return record(engine, target, observed_at, postings=postings, started_at=observed_at)
