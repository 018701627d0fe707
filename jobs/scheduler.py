"""``tracker daemon``: APScheduler wiring (asyncio scheduler, job store in the tracker's database).

Jobs (stable ids, persisted in the ``scheduler_job`` table; ``replace_existing`` on every start):

- ``scrape:<key>`` per enabled source: every ``interval`` (the source's, else ``[scrape]``) plus
  up to ``jitter``; never two at once for one source (``max_instances=1``), late runs coalesced.
  All scrapes share one HTTP client, so ``concurrency`` and ``per_host`` hold daemon-wide.
- ``digest``: the weekly cron (``[digest] schedule`` + timezone); ``digest-retry``: hourly and
  right after start, sends the current period when it failed or was missed. ``digest_send`` in
  the database makes both exactly-once (see :mod:`jobs.digest`).
- ``housekeeping``: daily ``PRAGMA optimize`` (SQLite) / ``ANALYZE`` (PostgreSQL).
- ``sources-sync``: every few minutes, schedules sources added or changed with the CLI.

Job functions are module-level coroutines with string args (they are pickled by reference);
they find the engine, settings and HTTP client in the running daemon's :class:`Runtime`, so no
database URL (or its password) is stored in the job table.

SIGTERM/SIGINT: stop taking work, give running scrapes ``STOP_GRACE`` seconds, then cancel them;
a cancelled scrape is recorded as a failed run ("abandoned"). A SIGKILL leaves the database
consistent (one transaction per run); at the next start a source whose run was lost is due at
once (its next run is computed from its last recorded run).
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from db import queries
from db.session import safe_url, session_scope
from jobs.scrape import Target, log_run, record, scrape_one
from jobs.writer import Writer
from jobs.writers import Lease, busy_line, claim_due, hold_daemon, release
from tracker.settings import ConfigError, Settings, parse_duration

log = logging.getLogger("tracker.daemon")

JOB_TABLE = "scheduler_job"
STOP_GRACE = 2.0  # seconds running scrapes get to finish after SIGTERM before being abandoned
ABANDON_WAIT = 5.0  # seconds to record abandoned runs
DIGEST_MISFIRE_GRACE = int(timedelta(days=6).total_seconds())
DIGEST_RETRY_EVERY = timedelta(hours=1)
HOUSEKEEPING_EVERY = timedelta(days=1)
FX_REFRESH_EVERY = timedelta(days=1)  # the ECB publishes once per business day
SOURCES_SYNC_EVERY = timedelta(minutes=5)
ABANDONED = "abandoned: the daemon stopped during the run"


# ------------------------------------------------------------------------------------ runtime


@dataclass
class Runtime:
    """What the running daemon's jobs share."""

    engine: Engine
    settings: Settings
    client: Any  # tracker.sources.http.HttpClient
    limit: asyncio.Semaphore
    writer: Writer | None = None  # parse and writes off the event loop
    scheduler: AsyncIOScheduler | None = None
    stopping: bool = False
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


_RUNTIME: list[Runtime] = []


def runtime() -> Runtime:
    if not _RUNTIME:
        raise RuntimeError("daemon jobs run only inside `tracker daemon`")
    return _RUNTIME[-1]


class _Tracked:
    """Registers the current task as running work until the block ends."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.task = asyncio.current_task()

    def __enter__(self) -> _Tracked:
        if self.task is not None:
            self.rt.tasks.add(self.task)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.rt.tasks.discard(self.task)


# ------------------------------------------------------------------------------------ jobs


def _target(engine: Engine, key: str) -> tuple[Target, str | None] | None:
    """The source to scrape and its own interval (None: the default)."""
    with session_scope(engine) as session:
        info = queries.get_source(session, key)
    if info is None or not info.enabled:
        return None
    return Target(source_id=info.id, ref=info.ref), info.interval


async def scrape_job(key: str) -> None:
    """Scrape one source now (the ``scrape:<key>`` job)."""
    rt = runtime()
    if rt.stopping:
        return
    with _Tracked(rt):
        due = time.monotonic()
        found = await asyncio.to_thread(_target, rt.engine, key)
        if found is None:
            log.warning("source %s is gone or disabled; unscheduling it", key)
            _remove_job(rt, f"scrape:{key}")
            return
        target, interval = found
        async with rt.limit:
            if rt.stopping:
                return
            waited = time.monotonic() - due  # rule 7 / scale-out: claim the source, or skip it
            claim = await asyncio.to_thread(
                claim_due, rt.engine, rt.settings, key, interval, waited
            )
            if not isinstance(claim, Lease):
                log.info("skip source=%s reason=%r", key, busy_line(claim))
                return
            started, clock = datetime.now(UTC), time.monotonic()
            try:
                await scrape_one(rt.engine, rt.client, target, rt.writer)
                await alerts_check(rt)
            except asyncio.CancelledError:  # shutdown: the run ends here, recorded as failed
                _abandon(rt.engine, target, started, clock)
            except Exception as exc:  # e.g. the database went away: log, try again next time
                log.error(
                    "run source=%s status=error error=%r", key, f"{type(exc).__name__}: {exc}"
                )
            finally:
                release(rt.engine, claim)


async def alerts_check(rt: Runtime) -> None:
    """``tracker alerts check`` after each scrape (claims keep it once across daemons)."""
    if not rt.settings.alerts or rt.stopping:
        return
    from jobs.alerts import check

    try:
        await asyncio.to_thread(check, rt.engine, rt.settings)
    except Exception as exc:
        log.error("alerts status=error error=%r", f"{type(exc).__name__}: {exc}")


def _abandon(engine: Engine, target: Target, started: datetime, clock: float) -> None:
    """Record a run cut short by shutdown as failed (it changes no posting)."""
    try:
        result = record(engine, target, started, postings=None, error=ABANDONED, started_at=started)
    except Exception as exc:
        log.error("run source=%s status=abandoned error=%r (not recorded)", target.ref.key, exc)
        return
    log_run(result, time.monotonic() - clock)


def _remove_job(rt: Runtime, job_id: str) -> None:
    if rt.scheduler is not None and rt.scheduler.get_job(job_id) is not None:
        rt.scheduler.remove_job(job_id)


async def digest_job() -> None:
    """Send the current period's digest if it is due and not sent yet (cron and hourly retry)."""
    from jobs.digest import send_due

    rt = runtime()
    if rt.stopping:
        return
    with _Tracked(rt):
        try:
            await asyncio.to_thread(send_due, rt.engine, rt.settings)
        except asyncio.CancelledError:  # shutdown: the send finishes in its thread
            log.info("stopping while a digest is being sent; it finishes before exit")
        except Exception as exc:
            log.error("digest status=error error=%r", f"{type(exc).__name__}: {exc}")


async def housekeeping_job() -> None:
    """Keep the query planner's statistics fresh."""
    rt = runtime()
    with _Tracked(rt):
        try:
            await asyncio.to_thread(housekeeping, rt.engine)
        except Exception as exc:
            log.error("housekeeping status=error error=%r", f"{type(exc).__name__}: {exc}")


async def fx_refresh_job() -> None:
    """Download the day's ECB exchange rates; keep the current ones when that fails."""
    from jobs.fxrates import refresh_rates

    rt = runtime()
    if rt.stopping:
        return
    # not tracked: stopping never waits for it (a cancelled download leaves the old file)
    try:
        await refresh_rates(rt.client)
    except asyncio.CancelledError:
        log.info("fx refresh status=cancelled (daemon stopping; rates kept)")


async def sources_sync_job() -> None:
    """Schedule sources added, changed or removed with the CLI since the daemon started."""
    rt = runtime()
    if rt.stopping or rt.scheduler is None:
        return
    specs = await asyncio.to_thread(source_specs, rt.engine, rt.settings, datetime.now(UTC))
    reconcile(rt.scheduler, specs, prefix="scrape:", at_start=False)


def housekeeping(engine: Engine) -> None:
    """SQLite: ``PRAGMA optimize`` and a WAL checkpoint. PostgreSQL: ``ANALYZE`` our tables."""
    from db.tables import METADATA

    clock = time.monotonic()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("PRAGMA optimize")
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            tables = ", ".join(f'"{name}"' for name in sorted(METADATA.tables))
            conn.exec_driver_sql(f"ANALYZE {tables}")
        conn.commit()
    log.info("housekeeping db=%s duration=%.2fs", engine.dialect.name, time.monotonic() - clock)


# ------------------------------------------------------------------------------------ planning


@dataclass(frozen=True)
class JobSpec:
    """A job the daemon wants. ``name`` describes the schedule: a stored job with the same name
    keeps its next run time (``policy`` ``keep``) or the earlier of the two (``earliest``);
    ``fresh`` always starts at ``first_run``."""

    id: str
    func: Callable[..., Any]
    trigger: BaseTrigger
    name: str
    first_run: datetime
    args: tuple[str, ...] = ()
    policy: str = "keep"
    misfire_grace_time: int | None = None


def _seconds(text: str, what: str) -> float:
    seconds = parse_duration(text).total_seconds()
    if what == "interval" and seconds < 1:
        raise ConfigError(f"scrape interval {text!r} is too short (at least 1s)")
    return seconds


def source_specs(engine: Engine, settings: Settings, now: datetime) -> list[JobSpec]:
    """One scrape job per enabled source; the first run follows the source's last run."""
    jitter = _seconds(settings.scrape.jitter, "jitter")
    with session_scope(engine) as session:
        infos = [i for i in queries.list_sources(session) if i.enabled]
    specs = []
    for info in infos:
        every = _seconds(info.interval or settings.scrape.interval, "interval")
        due = info.last_run_at + timedelta(seconds=every) if info.last_run_at else now
        first = max(now, due) + timedelta(seconds=random.uniform(0, jitter))
        trigger = IntervalTrigger(seconds=every, jitter=int(jitter) or None, timezone=UTC)
        name = f"scrape {info.key} every {every:g}s jitter {jitter:g}s"
        specs.append(
            JobSpec(f"scrape:{info.key}", scrape_job, trigger, name, first, (info.key,), "earliest")
        )
    return specs


def fixed_specs(settings: Settings, now: datetime) -> list[JobSpec]:
    """Digest (when there are recipients), digest retry and housekeeping, sources sync."""
    from jobs.digest import schedule_of

    specs = []
    if settings.digest.to or settings.digest.channels:
        sched = schedule_of(settings)
        cron = CronTrigger(
            day_of_week=sched.day, hour=sched.hour, minute=sched.minute, timezone=sched.zone
        )
        first = cron.get_next_fire_time(None, now) or now
        specs.append(
            JobSpec("digest", digest_job, cron, f"digest {sched}", first, (), "keep",
                    DIGEST_MISFIRE_GRACE)
        )  # fmt: skip
        retry = _every(DIGEST_RETRY_EVERY)
        specs.append(JobSpec("digest-retry", digest_job, retry, "digest retry", now, (), "fresh"))
    house = _every(HOUSEKEEPING_EVERY)
    specs.append(
        JobSpec("housekeeping", housekeeping_job, house, "housekeeping daily",
                now + timedelta(minutes=10))
    )  # fmt: skip
    fx_every = _every(FX_REFRESH_EVERY)
    specs.append(
        JobSpec("fx-refresh", fx_refresh_job, fx_every, "fx refresh daily", now, (), "fresh")
    )
    sync = _every(SOURCES_SYNC_EVERY)
    specs.append(
        JobSpec("sources-sync", sources_sync_job, sync, "sources sync",
                now + SOURCES_SYNC_EVERY, (), "fresh")
    )  # fmt: skip
    return specs


def _every(interval: timedelta) -> IntervalTrigger:
    return IntervalTrigger(seconds=int(interval.total_seconds()), timezone=UTC)


def _next_run(spec: JobSpec, old: Job | None) -> datetime:
    stored = getattr(old, "next_run_time", None) if old is not None else None
    if stored is None or old is None or old.name != spec.name or spec.policy == "fresh":
        return spec.first_run
    if spec.policy == "earliest":
        return min(stored, spec.first_run)
    return stored


def reconcile(
    scheduler: AsyncIOScheduler, specs: Sequence[JobSpec], prefix: str = "", at_start: bool = True
) -> None:
    """Make the stored jobs (those whose id starts with ``prefix``) match ``specs``."""
    existing = {job.id: job for job in scheduler.get_jobs() if job.id.startswith(prefix)}
    wanted = {spec.id for spec in specs}
    for job_id in sorted(existing.keys() - wanted):
        scheduler.remove_job(job_id)
        log.info("unscheduled %s", job_id)
    for spec in specs:
        old = existing.get(spec.id)
        if not at_start and old is not None and old.name == spec.name:
            continue
        _add_job(scheduler, spec, old)
        if not at_start:
            log.info("scheduled %s", spec.name)


def _add_job(scheduler: AsyncIOScheduler, spec: JobSpec, old: Job | None) -> None:
    """Add or replace a job; another daemon starting at the same moment (PostgreSQL) may have
    added the same id in between: then replace it."""
    for attempt in (1, 2):
        try:
            scheduler.add_job(
                spec.func,
                trigger=spec.trigger,
                args=list(spec.args),
                id=spec.id,
                name=spec.name,
                replace_existing=True,
                next_run_time=_next_run(spec, old),
                coalesce=True,
                max_instances=1,
                misfire_grace_time=spec.misfire_grace_time,
            )
            return
        except ConflictingIdError:
            if attempt == 2:
                raise


# ------------------------------------------------------------------------------------ running


def configure_logging() -> None:
    """One line per event on stderr, UTC timestamps; APScheduler and httpx only when it matters."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(
        "%(asctime)sZ %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for noisy in ("apscheduler", "httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def import_configured_watchlist(engine: Engine, settings: Settings) -> str | None:
    """Upsert the config's ``watchlist`` (relative to the config file, else the working dir);
    return a line saying what changed."""
    from jobs.sources import import_watchlist

    if not settings.watchlist:
        return None
    path = Path(settings.watchlist).expanduser()
    if not path.is_absolute() and settings.config_path:
        beside = Path(settings.config_path).resolve().parent / path
        path = beside if beside.exists() else path  # else cwd, else the shipped copy
    try:
        changes = import_watchlist(engine, path)
    except IntegrityError:  # another daemon starting at the same moment added them first
        changes = import_watchlist(engine, path)
    counts = {c: sum(1 for _, x in changes if x == c) for c in ("added", "updated", "unchanged")}
    return f"watchlist {path}: " + ", ".join(f"{n} {c}" for c, n in counts.items())


def run_daemon(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; return the exit code (0)."""
    from jobs.database import open_database

    engine = open_database(settings, write=True)
    held = hold_daemon(engine, settings)  # SQLite: a second daemon refuses to start (exit 2)
    try:
        fixed_specs(settings, datetime.now(UTC))  # bad schedule/timezone: fail before starting
        imported = import_configured_watchlist(engine, settings)
        source_specs(engine, settings, datetime.now(UTC))  # bad intervals too
        configure_logging()
        if imported:
            log.info("%s", imported)
        return asyncio.run(_serve(engine, settings))
    finally:
        if held is not None:
            release(engine, held)
        engine.dispose()


async def _serve(engine: Engine, settings: Settings) -> int:
    from tracker.sources.http import HttpClient

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with HttpClient(settings.scrape) as client:
        rt = Runtime(
            engine, settings, client, asyncio.Semaphore(max(1, settings.scrape.concurrency))
        )
        rt.writer = Writer()
        _RUNTIME.append(rt)
        try:
            rt.scheduler = _start_scheduler(engine, settings)
            await stop.wait()
            await _stop(rt)
        finally:
            _RUNTIME.remove(rt)
            await asyncio.to_thread(rt.writer.close)
    log.info("daemon stopped")
    return 0


def _start_scheduler(engine: Engine, settings: Settings) -> AsyncIOScheduler:
    store = SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)
    scheduler = AsyncIOScheduler(jobstores={"default": store}, timezone=UTC)
    scheduler.start(paused=True)
    now = datetime.now(UTC)
    specs = source_specs(engine, settings, now) + fixed_specs(settings, now)
    reconcile(scheduler, specs)
    scheduler.resume()
    sources = sum(1 for s in specs if s.id.startswith("scrape:"))
    if not sources:
        log.warning("no enabled sources: set `watchlist` in the config or `tracker sources add`")
    digest = next((s.name for s in specs if s.id == "digest"), "off (no [digest] to or channels)")
    log.info(
        "daemon started db=%s sources=%d %s", safe_url(engine), sources,
        digest if digest.startswith("digest") else f"digest {digest}",
    )  # fmt: skip
    return scheduler


async def _stop(rt: Runtime) -> None:
    """Stop taking work; let running jobs finish for a moment, then abandon them."""
    log.info("stopping: %d job(s) running", len(rt.tasks))
    rt.stopping = True
    if rt.scheduler is not None:
        rt.scheduler.pause()
    running = set(rt.tasks)
    if running:
        await asyncio.wait(running, timeout=STOP_GRACE)
    for task in running:
        if not task.done():
            task.cancel()
    if running:
        await asyncio.wait(running, timeout=ABANDON_WAIT)
    if rt.scheduler is not None:
        rt.scheduler.shutdown(wait=False)
        await asyncio.sleep(0.05)  # the asyncio scheduler shuts down on the next loop turn
