"""The daemon's planning in-process: first runs follow the last run, stored schedules survive a
restart, jobs are reconciled by stable ids, housekeeping runs on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from db.store import record_run, upsert_source
from jobs.scheduler import (
    JOB_TABLE,
    JobSpec,
    _next_run,
    fixed_specs,
    housekeeping,
    reconcile,
    scrape_job,
    source_specs,
)
from tests.helpers import Cli
from tests.jobs.boards import write_config
from tracker.domain import SourceRef
from tracker.settings import ConfigError, ScrapeSettings, Settings

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def add_source(engine: Engine, token: str, interval: str | None = None, **kw: Any) -> int:
    from db.session import session_scope

    ref = SourceRef("greenhouse", token, token.title(), token)
    with session_scope(engine) as session:
        row, _ = upsert_source(session, ref, interval=interval, **kw)
        return int(row.id or 0)


def test_first_runs_follow_the_last_recorded_run(engine: Engine) -> None:
    from db.session import session_scope

    fresh = add_source(engine, "fresh")
    recent = add_source(engine, "recent", interval="6h")
    add_source(engine, "off", enabled=False)
    stale = add_source(engine, "stale")
    with session_scope(engine) as session:
        record_run(session, recent, NOW - timedelta(hours=1), [])
        record_run(session, stale, NOW - timedelta(days=3), [])
    settings = Settings(scrape=ScrapeSettings(interval="1d", jitter="0s"))
    specs = {s.id: s for s in source_specs(engine, settings, NOW)}
    assert set(specs) == {"scrape:greenhouse:fresh", "scrape:greenhouse:recent",
                          "scrape:greenhouse:stale"}  # fmt: skip
    assert specs["scrape:greenhouse:fresh"].first_run == NOW  # never scraped: now
    assert specs["scrape:greenhouse:recent"].first_run == NOW + timedelta(hours=5)
    assert specs["scrape:greenhouse:stale"].first_run == NOW  # overdue: now
    assert specs["scrape:greenhouse:recent"].name.endswith("every 21600s jitter 0s")
    assert fresh and specs["scrape:greenhouse:fresh"].args == ("greenhouse:fresh",)
    jittered = Settings(scrape=ScrapeSettings(interval="1d", jitter="5m"))
    first = source_specs(engine, jittered, NOW)[0].first_run
    assert NOW <= first <= NOW + timedelta(minutes=5)
    with pytest.raises(ConfigError, match="too short"):
        source_specs(engine, Settings(scrape=ScrapeSettings(interval="0s")), NOW)


def test_next_run_policies() -> None:
    spec = JobSpec("x", scrape_job, None, "every 60s", NOW, (), "earliest")  # type: ignore[arg-type]
    earlier = SimpleNamespace(name="every 60s", next_run_time=NOW - timedelta(hours=1))
    later = SimpleNamespace(name="every 60s", next_run_time=NOW + timedelta(hours=1))
    changed = SimpleNamespace(name="every 30s", next_run_time=NOW - timedelta(hours=1))
    assert _next_run(spec, None) == NOW
    assert _next_run(spec, earlier) == earlier.next_run_time  # type: ignore[arg-type]
    assert _next_run(spec, later) == NOW  # type: ignore[arg-type]
    assert _next_run(spec, changed) == NOW  # type: ignore[arg-type]
    keep = JobSpec("d", scrape_job, None, "every 60s", NOW)  # type: ignore[arg-type]
    assert _next_run(keep, later) == later.next_run_time  # type: ignore[arg-type]


def test_fixed_jobs() -> None:
    quiet = {s.id for s in fixed_specs(Settings(), NOW)}
    assert quiet == {"fx-refresh", "housekeeping", "sources-sync"}  # no recipients: no digest
    from tracker.settings import DigestSettings

    digest = Settings(digest=DigestSettings(schedule="mon 07:00", to=("a@example.com",)))
    specs = {s.id: s for s in fixed_specs(digest, NOW)}
    assert specs["digest"].first_run == datetime(2026, 11, 30, 7, tzinfo=UTC)
    assert specs["digest"].misfire_grace_time and specs["digest-retry"].first_run == NOW
    bad = Settings(digest=DigestSettings(schedule="someday", to=("a@example.com",)))
    with pytest.raises(ConfigError, match="schedule"):
        fixed_specs(bad, NOW)


def test_reconcile_keeps_stored_schedules_across_restarts(engine: Engine) -> None:
    add_source(engine, "acme")
    add_source(engine, "beta")
    settings = Settings(scrape=ScrapeSettings(interval="1h", jitter="0s"))

    async def start(now: datetime, specs: list[JobSpec]) -> dict[str, Any]:
        scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)},
            timezone=UTC,
        )
        scheduler.start(paused=True)
        reconcile(scheduler, specs)
        jobs = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0.01)
        return jobs

    later = NOW + timedelta(hours=3)
    first = asyncio.run(start(later, source_specs(engine, settings, later)))
    assert first == {"scrape:greenhouse:acme": later, "scrape:greenhouse:beta": later}
    # restart earlier than the stored times (e.g. the clock went back): stored times are later,
    # the computed "due now" wins; a removed source's job goes.
    from db.session import session_scope
    from db.store import remove_source

    with session_scope(engine) as session:
        remove_source(session, "greenhouse:beta")
    second = asyncio.run(start(NOW, source_specs(engine, settings, NOW)))
    assert second == {"scrape:greenhouse:acme": NOW}
    # a stored time earlier than the computed one is kept
    third = asyncio.run(start(later, source_specs(engine, settings, later)))
    assert third == {"scrape:greenhouse:acme": NOW}


def test_housekeeping_runs(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    housekeeping(engine)
    assert f"housekeeping db={engine.dialect.name}" in caplog.text


def test_daemon_refuses_a_bad_config(db_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "tracker.toml", digest={"schedule": "daily", "to": ["a@b.c"]})
    result = Cli(db_url, config)("daemon", code=2)
    assert "bad [digest] schedule" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    tz = write_config(tmp_path / "tz.toml", digest={"timezone": "Moon/Base", "to": ["a@b.c"]})
    assert "unknown [digest] timezone" in Cli(db_url, tz)("daemon", code=2).stderr
    missing = write_config(tmp_path / "w.toml", watchlist=str(tmp_path / "nope.toml"))
    assert "watchlist not found" in Cli(db_url, missing)("daemon", code=2).stderr
