"""One scrape cycle, and ingestion of captured payloads.

Boards are fetched concurrently (bounded by ``[scrape] concurrency``); each board is parsed,
normalized and recorded in its own transaction as soon as it arrives, then dropped, so memory
stays flat however many boards there are. Any failure of one board — network, HTTP status,
malformed payload — is recorded as a ``failed`` run for that board only and closes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from db import store
from db.at_once import record_not_modified_at_once
from db.leases import Lease
from db.light import LAZY_KNOWN, with_state
from db.session import core_scope, kept_connection, session_scope
from db.store import ScrapeState, StoreError
from jobs.scrapepool import (
    Fetched,
    PoolBroken,
    ScrapePool,
    board_digest,
    digest_raw,
    fetch_board,
    fetch_digest,
)
from jobs.spawn import Spawned, spawned_for
from jobs.targets import Target
from jobs.writer import Writer, inline
from jobs.writers import Held, claim_many, one_writer, release_many
from tracker.domain import RunResult, SourceRef
from tracker.settings import Settings
from tracker.sources.base import NotModified, SameBody, SourceError
from tracker.sources.guard import check_token
from tracker.storage_errors import storage_problem

if TYPE_CHECKING:  # the parser and normalizer load where a board is parsed (a worker's job)
    from jobs.parsepool import Parsed

log = logging.getLogger("tracker.scrape")

ProgressFn = Callable[[RunResult], None]


WINDOW = 4  # with worker processes: boards handed to them per ``concurrency`` slot


def record(
    engine: Engine,
    target: Target,
    observed_at: datetime,
    held: Held | None = None,
    **kwargs: Any,
) -> RunResult:
    """Record one run in one transaction (which frees ``held``'s lease too)."""
    lease = held.lease if held is not None else None
    with core_scope(engine) as session:
        result = store.record_run(session, target.source_id, observed_at, release=lease, **kwargs)
    return done(result, held)


def done(result: RunResult, held: Held | None) -> RunResult:
    """After the commit: the lease is free (nothing more to release)."""
    if held is not None:
        held.released = True
    return result


def read_states(engine: Engine, source_ids: Sequence[int]) -> dict[int, ScrapeState]:
    """:func:`db.store.scrape_states` in a short read of its own."""
    with engine.connect() as conn:
        return store.scrape_states(conn, source_ids)


def prepared(engine: Engine, target: Target, state: ScrapeState | None = None) -> SourceRef:
    """The source's reference with what incremental fetching needs: ``_known`` (every posting
    ever seen -> its list signature; left out for :data:`db.light.LAZY_KNOWN` ATSs when
    ``state`` is given: they are read only when a board's body is new), ``_validators``
    (ETag/Last-Modified of the last ok fetch) and ``_body_hash`` (the digest of the board the
    last ok run read), the last two only when that run's result is what a 304 would stand for
    (:func:`db.light.with_state`, which a prefetching worker uses too).

    ``state``: the source's :class:`db.store.ScrapeState`, already read (a scrape reads every
    source's at once); else it is read here."""
    problem = check_token(target.ref.ats, target.ref.token, target.ref.options)
    if problem:  # stored before tokens were checked: never let it steer a request path
        raise SourceError(f"{target.ref.key}: {problem}")
    known: dict[str, str | None] | None = None
    lazy = state is not None and target.ref.ats in LAZY_KNOWN
    if not lazy:
        with session_scope(engine) as session:
            known = store.known_signatures(session, target.source_id)
            if state is None:
                conn = session.connection()
                state = store.scrape_states(conn, [target.source_id]).get(target.source_id)
    ref = target.ref
    if state is not None:
        ok = state.previous_ok_at is not None
        ref = with_state(ref, state.etag, state.last_modified, ok, state.body_hash)
    if known is not None:
        ref = replace(ref, options={**ref.options, "_known": known})
    return ref


def with_known(engine: Engine, target: Target, ref: SourceRef) -> SourceRef:
    """``ref`` with ``_known`` read now, when :func:`prepared` left it out."""
    if "_known" in ref.options:
        return ref
    with engine.connect() as conn:
        known = store.known_signatures_in(conn, target.source_id)
    return replace(ref, options={**ref.options, "_known": known})


def record_payload(
    engine: Engine,
    target: Target,
    ref: SourceRef,
    payload: Any,
    at: datetime,
    scope: Any,
    held: Held | None = None,
    state: ScrapeState | None = None,
) -> RunResult:
    """Parse, normalize and record a fetched board, its signatures and validators: one
    transaction. A board with the digest of the one the last ``ok`` run read is that same
    board: recorded like a 304, without parsing it again."""
    body_hash = board_digest(ref, payload, scope)
    if body_hash is not None and body_hash == ref.options.get("_body_hash"):
        return record_not_modified(engine, target, at, scope, ref, body_hash, held, state)
    return record_body(engine, target, ref, payload, at, scope, body_hash, held, state)


def record_parsed(
    engine: Engine,
    target: Target,
    ref: SourceRef,
    parsed: Parsed,
    at: datetime,
    scope: Any,
    body_hash: str | None,
    held: Held | None = None,
    state: ScrapeState | None = None,
) -> RunResult:
    """Record a parsed board, its signatures and validators: one transaction."""
    with core_scope(engine) as session:
        result = store.record_run(
            session,
            target.source_id,
            at,
            parsed.postings,
            started_at=at,
            same=parsed.same,
            body_hash=body_hash,
            signatures=parsed.signatures,  # new postings get theirs in the INSERT
            state=state,
            release=held.lease if held is not None else None,
        )
        known = ref.options.get("_known")  # read under the lease: still what is stored
        known = known if isinstance(known, dict) else None
        store.set_signatures(session, target.source_id, parsed.signatures, known)
        remember_validators(session, target, scope, ref)
    return done(result, held)


def remember_validators(
    session: Any, target: Target, scope: Any, ref: SourceRef | None = None
) -> None:
    """Store the fetch's validators, unless they are what the source row already holds."""
    pair = new_validators(scope, ref)
    if pair is not None:
        store.set_http_cache(session, target.source_id, *pair)


def new_validators(scope: Any, ref: SourceRef | None) -> tuple[str | None, str | None] | None:
    """The fetch's validators when they differ from what the source row holds, else None."""
    validators = getattr(scope, "validators", None)
    if validators is None:
        return None
    pair = (validators.etag, validators.last_modified)
    if ref is not None and tuple(ref.options.get("_stored_validators") or ()) == pair:
        return None
    return pair


def record_not_modified(
    engine: Engine,
    target: Target,
    at: datetime,
    scope: Any,
    ref: SourceRef | None = None,
    body_hash: str | None = None,
    held: Held | None = None,
    state: ScrapeState | None = None,
) -> RunResult:
    """An ``ok`` run standing for the board of the last ``ok`` run (a 304, or the same body);
    the store frees the run's lease in the same transaction. Under a held lease the run, new
    validators included, takes the fewest statements (:mod:`db.at_once`)."""
    lease = held.lease if held is not None else None
    run: dict[str, Any] = {"started_at": at, "body_hash": body_hash, "state": state}
    if lease is not None:
        at_once = record_not_modified_at_once
        fresh = new_validators(scope, ref)
        result = at_once(engine, target.source_id, at, release=lease, validators=fresh, **run)
        if result is not None:
            return done(result, held)
    with core_scope(engine) as session:  # Core only: no ORM session per board
        result = store.record_not_modified(session, target.source_id, at, release=lease, **run)
        remember_validators(session, target, scope, ref)
    return done(result, held)


async def scrape_one(
    engine: Engine,
    client: Any,
    target: Target,
    writer: Writer | None = None,
    held: Held | None = None,
    state: ScrapeState | None = None,
    pool: ScrapePool | None = None,
    gate: asyncio.Semaphore | None = None,
) -> RunResult:
    """Fetch, parse, normalize and record one board; every failure becomes a failed run.

    A 304 Not Modified is an ``ok`` run that changes nothing. With a ``writer`` the parse and
    the writes run on its thread (the event loop keeps fetching); else right here. ``held``:
    the lease the run holds, freed by the run's own write transaction. ``state``: the
    source's state read under that lease (:func:`read_states`). ``pool``: fetch and parse in
    a worker process (:mod:`jobs.scrapepool`); this process only writes. ``gate``: taken
    around a fetch made here instead of in the pool (no worker left).
    """
    started = datetime.now(UTC)
    clock = time.monotonic()
    off = writer.run if writer is not None else inline
    try:
        if state is not None:
            ref = prepared(engine, target, state)  # no database work left in it
        elif writer:
            ref = await asyncio.to_thread(prepared, engine, target)
        else:
            ref = prepared(engine, target)
        result = await dispatch(engine, client, target, ref, started, held, state, off, pool, gate)
    except SourceError as exc:
        error = str(exc)
        result = await off(
            record, engine, target, started, held, postings=None, error=error, started_at=started
        )
    except StoreError:
        raise
    except Exception as exc:  # a parser bug must not stop the other boards
        if storage_problem(exc):  # a full disk or I/O error stops the whole pass instead
            raise
        log.exception("unexpected error on %s", target.ref.key)
        error = f"internal error: {type(exc).__name__}: {exc}"
        result = await off(
            record, engine, target, started, held, postings=None, error=error, started_at=started
        )
    log_run(result, time.monotonic() - clock)
    return result


async def dispatch(
    engine: Engine,
    client: Any,
    target: Target,
    ref: SourceRef,
    started: datetime,
    held: Held | None,
    state: ScrapeState | None,
    off: Any,
    pool: ScrapePool | None,
    gate: asyncio.Semaphore | None,
) -> RunResult:
    """Get the board where it costs least (a worker; here when the workers lag; here when no
    worker is left) and record it."""
    here = (engine, client, target, ref, started, held, state, off)
    if pool is not None:
        await pool.planned()  # prefetching workers say which boards they hold
    held_there = pool is not None and pool.holds(target.source_id)
    if pool is not None and pool.here is not None and pool.lagging() and not held_there:
        async with pool.here:
            return await fetch_here(*here, pool)
    fetched = None
    if pool is not None and pool.usable:
        with contextlib.suppress(PoolBroken):  # no worker left: this process does it
            fetched = await pool.fetch(target.source_id, ref, started)
    if fetched is not None:
        return await record_fetched(engine, target, ref, fetched, started, held, state, off)
    if pool is not None and gate is not None:
        async with gate:
            return await fetch_and_record(*here)
    return await fetch_and_record(*here)


def lightly(engine: Engine, off: Any) -> Any:
    """Where a 304 run is written: it costs little CPU and a few round trips, so on
    PostgreSQL (row locks per source, no single writer) behind writer threads such runs are
    recorded side by side instead of queueing for the writer; else on ``off``."""
    return asyncio.to_thread if off is not inline and engine.dialect.name != "sqlite" else off


async def fetch_and_record(
    engine: Engine,
    client: Any,
    target: Target,
    ref: SourceRef,
    started: datetime,
    held: Held | None,
    state: ScrapeState | None,
    off: Any,
) -> RunResult:
    """:func:`scrape_one`'s work in this process: fetch here, parse and write on ``off``."""
    light = lightly(engine, off)
    with client.scope_for(ref) as scope:
        digest_raw(scope, ref)  # one GET: digest it, decode it off the loop
        try:
            payload = await fetch_board(client, ref)
        except NotModified as unchanged:
            digest = unchanged.digest if isinstance(unchanged, SameBody) else None
            return await light(
                record_not_modified, engine, target, started, scope, ref, digest, held, state
            )
        args = (engine, target, ref, payload, started, scope, held, state)
        del payload
        return await off(record_payload, *args)


async def fetch_here(
    engine: Engine,
    client: Any,
    target: Target,
    ref: SourceRef,
    started: datetime,
    held: Held | None,
    state: ScrapeState | None,
    off: Any,
    pool: ScrapePool,
) -> RunResult:
    """Fetch and digest a board here, have a worker parse it if it changed, and record it."""
    got, payload = await fetch_digest(client, ref)
    if got.kind == "body":
        try:
            got = await pool.parse(target.source_id, ref, started, payload, got)
        except PoolBroken:  # no worker left: parse here
            args = (engine, target, ref, payload, started, got, got.body_hash, held, state)
            return await off(record_body, *args)
    return await record_fetched(engine, target, ref, got, started, held, state, off)


def record_body(
    engine: Engine,
    target: Target,
    ref: SourceRef,
    payload: Any,
    at: datetime,
    scope: Any,
    body_hash: str | None,
    held: Held | None,
    state: ScrapeState | None,
) -> RunResult:
    """Parse, normalize and record a fetched board that is not the last ``ok`` run's
    (``scope``: what the fetch learnt, its validators)."""
    from jobs.parsepool import parse_board

    ref = with_known(engine, target, ref)
    parsed = parse_board(ref, payload, at)
    del payload
    return record_parsed(engine, target, ref, parsed, at, scope, body_hash, held, state)


async def record_fetched(
    engine: Engine,
    target: Target,
    ref: SourceRef,
    fetched: Fetched,
    started: datetime,
    held: Held | None,
    state: ScrapeState | None,
    off: Any,
) -> RunResult:
    """Record what a worker made of the board (:class:`jobs.scrapepool.Fetched`)."""
    light = lightly(engine, off)
    if fetched.kind == "same":
        return await light(
            record_not_modified,
            engine,
            target,
            started,
            fetched,
            ref,
            fetched.body_hash,
            held,
            state,
        )
    if fetched.kind == "parsed":
        ref = replace(ref, options={**ref.options, "_known": fetched.known or {}})
        return await off(
            record_parsed,
            engine,
            target,
            ref,
            fetched.parsed,
            started,
            fetched,
            fetched.body_hash,
            held,
            state,
        )
    if fetched.kind == "failed":
        raise SourceError(fetched.error or "fetch failed", fetched.status)
    log.error("unexpected error on %s\n%s", target.ref.key, fetched.trace or fetched.error)
    return await off(
        record,
        engine,
        target,
        started,
        held,
        postings=None,
        error=fetched.error,
        started_at=started,
    )


def log_run(result: RunResult, seconds: float) -> None:
    """One greppable line per run; a failed run at WARNING."""
    log.log(
        logging.WARNING if result.status == "failed" else logging.INFO,
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
    spawned: Spawned | None = None,
) -> list[RunResult]:
    """Scrape every target once, at most ``concurrency`` boards at a time.

    Every source's lease is tried at once in one transaction, and the won sources' state is
    read in one go (both on the writer: SQLite sees one writer of ours); a source another
    writer holds is waited for on its turn (:func:`jobs.writers.one_writer`). Each run frees
    its lease in its own write transaction; leases of runs that never started (an
    interrupted scrape) are freed together at the end. ``spawned``: worker processes already
    started for these targets (:func:`jobs.spawn.spawned_for`), else started here when the
    scrape is big enough (:mod:`jobs.scrapepool`).
    """
    if spawned is None:
        spawned = spawned_for(len(targets), settings.scrape, engine)
    pool = ScrapePool(spawned) if spawned is not None else None
    try:
        if pool is not None:
            pool.start()  # the workers get ready while this process claims the sources
        return await _scrape_all(engine, targets, settings, on_result, pool)
    finally:
        if pool is not None:
            await pool.aclose()


async def _scrape_all(
    engine: Engine,
    targets: Sequence[Target],
    settings: Settings,
    on_result: ProgressFn | None,
    pool: ScrapePool | None,
) -> list[RunResult]:
    from tracker.sources.http import HttpClient

    limit = asyncio.Semaphore(max(1, settings.scrape.concurrency))
    # with workers, they keep at most ``concurrency`` boards in flight; more may wait in
    # their queues, so that no board waits for a round trip between the processes
    window = asyncio.Semaphore(settings.scrape.concurrency * WINDOW) if pool else limit
    results: list[RunResult] = []
    # SQLite: one writer thread (the database has one write lock); PostgreSQL: a few, so that
    # one run's round trips to the server overlap another's
    threads = 1 if engine.dialect.name == "sqlite" else min(4, settings.scrape.concurrency)
    with Writer(threads=threads) as writer:
        # with workers, this process writes right on its event loop, so that no thread of ours
        # waits on another for the interpreter lock between two messages (on PostgreSQL too:
        # measured faster than four writer threads overlapping their round trips)
        runs = None if pool is not None else writer
        keys = [t.ref.key for t in targets]
        claims = await writer.run(claim_many, engine, keys, settings)
        try:
            won = [t.source_id for t in targets if isinstance(claims.get(t.ref.key), Lease)]
            states = await writer.run(read_states, engine, won) if won else {}

            async def bounded(client: Any, target: Target) -> None:
                async with window:  # one writer per source: skipped when another writer holds it
                    claim = claims.pop(target.ref.key, None)
                    state = states.pop(target.source_id, None) if claim else None
                    run = functools.partial(
                        scrape_one, engine, client, target, runs, pool=pool, gate=limit
                    )
                    result = await one_writer(engine, target.ref.key, settings, run, claim, state)
                results.append(result)
                if on_result is not None:
                    on_result(result)

            if pool is not None:
                await pool.planned()  # prefetching workers say which boards they hold
            handed = spread(targets, pool)
            # SQLite with workers: the runs are written here, one after another, on one kept
            # connection (PostgreSQL's 304 runs go to threads: see lightly)
            inline = pool is not None and engine.dialect.name == "sqlite"
            with kept_connection(engine) if inline else contextlib.nullcontext():
                async with HttpClient(settings.scrape) as client:
                    await asyncio.gather(*(bounded(client, t) for t in handed))
        finally:
            unused = [c for c in claims.values() if isinstance(c, Lease)]
            if unused:
                await asyncio.to_thread(release_many, engine, unused)
    order = {t.ref.key: i for i, t in enumerate(targets)}
    return sorted(results, key=lambda r: order.get(r.source, 0))


def spread(targets: Sequence[Target], pool: ScrapePool | None) -> list[Target]:
    """The order boards are handed out in: those a worker prefetched spread evenly among the
    rest. A prefetched board only needs recording here, so taken in key order (the order the
    workers prefetch in) they would come first and leave the workers idle until this process
    had recorded them all; spread out, the workers fetch the rest meanwhile."""
    if pool is None:
        return list(targets)
    held = [t for t in targets if pool.holds(t.source_id)]
    if not held or len(held) == len(targets):
        return list(targets)
    rest = [t for t in targets if not pool.holds(t.source_id)]
    # merge by each board's place within its own list: e.g. 1:1 when half were prefetched
    ranked = [((i + 0.5) / len(rest), 1, t) for i, t in enumerate(rest)]
    ranked += [((i + 0.5) / len(held), 0, t) for i, t in enumerate(held)]
    return [t for _, _, t in sorted(ranked, key=lambda r: (r[0], r[1]))]


def run_scrape(
    engine: Engine,
    targets: Sequence[Target],
    settings: Settings,
    on_result: ProgressFn | None = None,
    spawned: Spawned | None = None,
) -> list[RunResult]:
    """Synchronous entry point for the CLI and the scheduler."""
    return asyncio.run(scrape_targets(engine, targets, settings, on_result, spawned))


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
