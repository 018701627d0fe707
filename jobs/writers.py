"""One writer per source, from the jobs' side: claim a source's lease before its run, keep it
alive while the run lasts, free it after the run is recorded (see :mod:`db.leases`).

- ``tracker scrape`` / ``tracker ingest`` wait up to ``[scrape] lease_wait`` for a source that
  another writer holds, then skip it with one line ("greenhouse:x is being scraped by host:pid").
- ``tracker daemon`` does not wait: a source held by another daemon, or claimed by anyone less
  than about one interval ago (:func:`fresh_window`), is not due for this daemon.
- A background thread heart-beats every held lease every third of ``[scrape] lease_ttl``; a
  writer that dies stops heart-beating and its leases lapse (at once for a dead process on the
  same host).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from db import leases
from db.leases import Busy, Claim, Fresh, Lease
from db.store import WriterConflict
from tracker.domain import RunResult
from tracker.settings import ConfigError, Settings, parse_duration

log = logging.getLogger("tracker.writers")

POLL = 0.5  # seconds between attempts while waiting for a lease


class Keeper:
    """Heart-beats the leases this process holds on one database, from a background thread
    (so a busy event loop cannot starve it). The thread ends when nothing is held."""

    def __init__(self, engine: Engine, ttl: timedelta) -> None:
        self.engine, self.ttl = engine, ttl
        self.held: dict[str, Lease] = {}
        self.lost: set[str] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def add(self, lease: Lease) -> None:
        with self.lock:
            self.held[lease.token] = lease
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
                self.thread.start()

    def discard(self, lease: Lease) -> None:
        with self.lock:
            self.held.pop(lease.token, None)
            self.lost.discard(lease.token)

    def _run(self) -> None:
        every = max(0.1, self.ttl.total_seconds() / 3)
        while True:
            time.sleep(every)
            with self.lock:
                held = list(self.held.values())
                if not held:
                    self.thread = None
                    return
            self._beat(held)

    def _beat(self, held: list[Lease]) -> None:
        """Renew every held lease in one transaction (a scrape may hold hundreds)."""
        try:
            with self.engine.begin() as conn:
                kept = [leases.renew(conn, lease, self.ttl) for lease in held]
        except Exception as exc:  # the database blipped: try again at the next beat
            log.warning("lease heartbeat leases=%d error=%r", len(held), f"{type(exc).__name__}")
            return
        for lease, ok in zip(held, kept, strict=True):
            if not ok and lease.token not in self.lost:
                self.lost.add(lease.token)
                log.warning("lease lost key=%s: another writer took it over", lease.key)


_KEEPERS: dict[int, Keeper] = {}
_KEEPERS_LOCK = threading.Lock()


def keeper(engine: Engine, ttl: timedelta) -> Keeper:
    with _KEEPERS_LOCK:
        found = _KEEPERS.get(id(engine))
        if found is None or found.engine is not engine:
            found = _KEEPERS[id(engine)] = Keeper(engine, ttl)
        return found


def lease_ttl(settings: Settings) -> timedelta:
    ttl = parse_duration(settings.scrape.lease_ttl)
    if ttl.total_seconds() < 1:
        raise ConfigError(f"[scrape] lease_ttl {settings.scrape.lease_ttl!r} is too short (>= 1s)")
    return ttl


def fresh_window(interval: timedelta, jitter: timedelta) -> timedelta:
    """How recently claimed a source may be and still not be due for a daemon: the interval
    less its jitter and a little slack (a daemon's own next run must not look early)."""
    seconds = interval.total_seconds()
    slack = min(seconds * 0.1, 60.0)
    return timedelta(seconds=max(seconds * 0.5, seconds - jitter.total_seconds() - slack))


def try_claim(
    engine: Engine,
    key: str,
    ttl: timedelta,
    fresh_for: timedelta | None = None,
    waited: timedelta = timedelta(0),
    scrape: bool = True,
) -> Claim:
    """One attempt, in its own short transaction; a won lease is heart-beaten from now on."""
    with engine.begin() as conn:
        claim = leases.try_acquire(conn, key, ttl, fresh_for, waited, scrape)
    if isinstance(claim, Lease):
        keeper(engine, ttl).add(claim)
        if claim.took_over and claim.took_over != claim.holder:
            log.warning("lease key=%s taken over from %s (expired or dead)", key, claim.took_over)
    return claim


def claim_many(engine: Engine, keys: list[str], settings: Settings) -> dict[str, Claim]:
    """``scrape``'s first attempt at every source's lease, in one short transaction; the won
    leases are heart-beaten from now on. A :class:`Busy` key is then waited for one by one
    (:func:`one_writer`)."""
    ttl = lease_ttl(settings)
    with engine.begin() as conn:
        claims = leases.try_acquire_many(conn, keys, ttl)
    held = keeper(engine, ttl)
    for claim in claims.values():
        if isinstance(claim, Lease):
            held.add(claim)
            if claim.took_over and claim.took_over != claim.holder:
                log.warning(
                    "lease key=%s taken over from %s (expired or dead)", claim.key, claim.took_over
                )
    return claims


def claim_waiting(engine: Engine, key: str, settings: Settings, scrape: bool = True) -> Claim:
    """Blocking: try for up to ``lease_wait``; :class:`Busy` when the source stayed held."""
    ttl, deadline = lease_ttl(settings), time.monotonic() + wait_seconds(settings)
    while True:
        claim = try_claim(engine, key, ttl, scrape=scrape)
        if not isinstance(claim, Busy) or time.monotonic() >= deadline:
            return claim
        time.sleep(POLL)


def wait_seconds(settings: Settings) -> float:
    return parse_duration(settings.scrape.lease_wait).total_seconds()


async def claim_async(engine: Engine, key: str, settings: Settings) -> Claim:
    """Like :func:`claim_waiting`, sleeping on the event loop between attempts."""
    ttl, deadline = lease_ttl(settings), time.monotonic() + wait_seconds(settings)
    while True:
        claim = await asyncio.to_thread(try_claim, engine, key, ttl)
        if not isinstance(claim, Busy) or time.monotonic() >= deadline:
            return claim
        await asyncio.sleep(POLL)


def release(engine: Engine, lease: Lease) -> None:
    """Free the lease (errors are logged: an unreleased lease lapses after its TTL)."""
    drop_from_keepers(engine, lease)
    try:
        with engine.begin() as conn:
            leases.release(conn, lease)
    except Exception as exc:
        log.warning("lease release key=%s error=%r", lease.key, f"{type(exc).__name__}: {exc}")


def busy_line(claim: Busy | Fresh) -> str:
    """The one line a skipped source gets."""
    if isinstance(claim, Busy):
        return f"{claim.key} is being scraped by {claim.holder}"
    return f"{claim.key} was scraped at {claim.claimed_at.isoformat()}; not due"


def skipped(key: str, why: str) -> RunResult:
    return RunResult(key, "skipped", datetime.now(UTC), error=why)


@dataclass
class Held:
    """A lease a run holds. The run's write transaction may free it (``released``), so that
    recording the run and freeing the source take one commit."""

    lease: Lease
    released: bool = False


async def one_writer(
    engine: Engine,
    key: str,
    settings: Settings,
    run: Callable[..., Awaitable[RunResult]],
    claim: Claim | None = None,
    state: Any = None,
) -> RunResult:
    """``run(held=..., state=...)`` the source's scrape holding its lease; a ``skipped``
    result when another writer has it (waits ``lease_wait`` first) or took it over during the
    run (nothing written). ``claim``: a lease already won (:func:`claim_many`), with the
    ``state`` read under it; a :class:`Busy` or missing claim is waited for here."""
    if not isinstance(claim, Lease):
        claim, state = await claim_async(engine, key, settings), None
    if not isinstance(claim, Lease):
        log.info("skip source=%s reason=%r", key, busy_line(claim))
        return skipped(key, busy_line(claim))
    held = Held(claim)
    try:
        return await run(held=held, state=state)
    except WriterConflict as exc:
        log.warning("skip source=%s reason=%r", key, str(exc))
        return skipped(key, str(exc))
    finally:
        if held.released:
            drop_from_keepers(engine, claim)
        else:
            await asyncio.to_thread(release, engine, claim)


def drop_from_keepers(engine: Engine, lease: Lease) -> None:
    """Stop heart-beating ``lease`` (it was freed in a run's transaction)."""
    for found in list(_KEEPERS.values()):
        if found.engine is engine:
            found.discard(lease)


def release_many(engine: Engine, held: list[Lease]) -> None:
    """Free several leases in one transaction (errors are logged: they lapse after TTL)."""
    for lease in held:
        drop_from_keepers(engine, lease)
    try:
        with engine.begin() as conn:
            for lease in held:
                leases.release(conn, lease)
    except Exception as exc:
        log.warning("lease release leases=%d error=%r", len(held), f"{type(exc).__name__}: {exc}")


def hold_daemon(engine: Engine, settings: Settings) -> Lease | None:
    """SQLite: the one daemon's lease (None on PostgreSQL, where daemons share sources).

    Raises :class:`ConfigError` (one line, exit 2) when another daemon holds it.
    """
    if engine.dialect.name != "sqlite":
        return None
    claim = try_claim(engine, leases.DAEMON_KEY, lease_ttl(settings))
    if isinstance(claim, Busy):
        raise ConfigError(
            f"another tracker daemon ({claim.holder}) is running on this SQLite database; "
            "run one daemon per SQLite database, or use PostgreSQL to run several"
        )
    return claim if isinstance(claim, Lease) else None


def ingest_held(
    engine: Engine, target: Any, payload: Any, observed_at: datetime, settings: Settings
) -> RunResult:
    """``tracker ingest`` under the source's lease (``skipped`` when another writer has it)."""
    from jobs.scrape import ingest_payload

    claim = claim_waiting(engine, target.ref.key, settings, scrape=False)  # a backfill
    if not isinstance(claim, Lease):
        return skipped(target.ref.key, busy_line(claim))
    try:
        return ingest_payload(engine, target, payload, observed_at)
    except WriterConflict as exc:
        return skipped(target.ref.key, str(exc))
    finally:
        release(engine, claim)


def claim_due(
    engine: Engine, settings: Settings, key: str, interval: str | None, waited: float
) -> Claim:
    """The daemon's claim: no waiting, and :class:`Fresh` when the source was claimed (by any
    writer) less than about one interval before it fell due here."""
    every = parse_duration(interval or settings.scrape.interval)
    fresh = fresh_window(every, parse_duration(settings.scrape.jitter))
    return try_claim(engine, key, lease_ttl(settings), fresh, timedelta(seconds=waited))
