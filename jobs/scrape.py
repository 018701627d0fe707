"""One scrape cycle, and ingestion of captured payloads.

Boards are fetched concurrently (bounded by ``[scrape] concurrency``); each board is parsed,
normalized and recorded in its own transaction as soon as it arrives, then dropped, so memory
stays flat however many boards there are. Any failure of one board — network, HTTP status,
malformed payload — is recorded as a ``failed`` run for that board only and closes nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from db import store
from db.renorm import current_postings
from db.session import session_scope
from db.store import StoreError
from jobs.writers import one_writer
from tracker.domain import Posting, RawPosting, RunResult, SourceRef
from tracker.normalize import normalize
from tracker.settings import Settings
from tracker.sources import get_source
from tracker.sources.base import NotModified, SourceError

log = logging.getLogger("tracker.scrape")

ProgressFn = Callable[[RunResult], None]


@dataclass(frozen=True)
class Target:
    """A source to scrape: its database id and its reference."""

    source_id: int
    ref: SourceRef


def record(engine: Engine, target: Target, observed_at: datetime, **kwargs: Any) -> RunResult:
    """Record one run in one transaction."""
    with session_scope(engine) as session:
        return store.record_run(session, target.source_id, observed_at, **kwargs)


def prepared(engine: Engine, target: Target) -> SourceRef:
    """The source's reference with what incremental fetching needs: ``_known`` (every posting
    ever seen -> its list signature) and ``_validators`` (ETag/Last-Modified of the last ok
    fetch, only when that fetch's result is what a 304 would stand for)."""
    with session_scope(engine) as session:
        known = store.known_signatures(session, target.source_id)
        row = store.get_source_row(session, target.ref.key)
        validators = None
        has_cache = row is not None and bool(row.etag or row.last_modified)
        if row is not None and has_cache and store.can_revalidate(session, target.source_id):
            validators = {"etag": row.etag, "last_modified": row.last_modified}
    options: dict[str, Any] = {**target.ref.options, "_known": known}
    if validators:
        options["_validators"] = validators
    return replace(target.ref, options=options)


def carry_forward(
    session: Any, target: Target, raws: Sequence[RawPosting], ref: SourceRef, at: datetime
) -> tuple[list[Posting], dict[str, str | None]]:
    """Normalize, keeping the stored content of known postings read without their detail
    (the list entry lacks the detail's places and pay; it is unchanged by its signature)."""
    known: dict[str, Any] = ref.options.get("_known") or {}
    carried = {
        r.external_id for r in raws if r.extra.get("detail") is False and r.external_id in known
    }
    stored = current_postings(session.connection(), target.source_id, carried)
    postings = [
        stored[r.external_id] if r.external_id in stored else normalize(r, ref, at) for r in raws
    ]
    signatures: dict[str, str | None] = {}
    for r in raws:
        if "signature" not in r.extra:
            continue
        if r.extra.get("detail"):
            signatures[r.external_id] = r.extra["signature"]
        elif r.external_id not in stored:
            signatures[r.external_id] = None  # fetch its detail next time
    return postings, signatures


def record_payload(
    engine: Engine, target: Target, ref: SourceRef, payload: Any, at: datetime, scope: Any
) -> RunResult:
    """Parse, normalize and record a fetched board, its signatures and validators: one
    transaction."""
    raws = get_source(ref.ats).parse(payload, ref)
    with session_scope(engine) as session:
        postings, signatures = carry_forward(session, target, raws, ref, at)
        result = store.record_run(session, target.source_id, at, postings, started_at=at)
        store.set_signatures(session, target.source_id, signatures)
        remember_validators(session, target, scope)
        return result


def remember_validators(session: Any, target: Target, scope: Any) -> None:
    validators = getattr(scope, "validators", None)
    if validators is not None:
        store.set_http_cache(session, target.source_id, validators.etag, validators.last_modified)


def record_not_modified(engine: Engine, target: Target, at: datetime, scope: Any) -> RunResult:
    with session_scope(engine) as session:
        result = store.record_not_modified(session, target.source_id, at, started_at=at)
        remember_validators(session, target, scope)
        return result


async def scrape_one(engine: Engine, client: Any, target: Target) -> RunResult:
    """Fetch, parse, normalize and record one board; every failure becomes a failed run.

    A 304 Not Modified is an ``ok`` run that changes nothing.
    """
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        ref = prepared(engine, target)
        with client.scope_for(ref) as scope:
            try:
                payload = await get_source(ref.ats).fetch(client, ref)
            except NotModified:
                result = record_not_modified(engine, target, started, scope)
            else:
                result = record_payload(engine, target, ref, payload, started, scope)
                del payload
    except SourceError as exc:
        result = record(engine, target, started, postings=None, error=str(exc), started_at=started)
    except StoreError:
        raise
    except Exception as exc:  # a parser bug must not stop the other boards
        log.exception("unexpected error on %s", target.ref.key)
        error = f"internal error: {type(exc).__name__}: {exc}"
        result = record(engine, target, started, postings=None, error=error, started_at=started)
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
        async with limit:  # one writer per source: skipped when another writer holds it
            run = functools.partial(scrape_one, engine, client, target)
            result = await one_writer(engine, target.ref.key, settings, run)
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
    fetch). Known postings captured without their detail keep their stored content, as in a
    scrape.
    """
    ref = prepared(engine, target)
    ref = replace(ref, options={k: v for k, v in ref.options.items() if k != "_validators"})
    return record_payload(engine, target, ref, payload, observed_at, scope=None)
