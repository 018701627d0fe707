"""Starting a scrape's worker processes (:mod:`jobs.scrapepool`), kept light to import.

A big scrape spawns its workers before it loads the rest of what it needs (the database layer,
the HTTP client, the source modules), so that they load at the same time on the other cores.
This module therefore imports nothing heavy: the worker process imports the pool itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from dataclasses import dataclass, field, replace
from typing import Any

from tracker.settings import ScrapeSettings

log = logging.getLogger("tracker.scrape")

MIN_BOARDS = 16  # fewer sources than this: everything in this process (no worker start)
MAX_WORKERS = 4
ENV = ("TRACKER_SCRAPE_WORKERS", "TRACKER_PARSE_WORKERS")  # the second: its 0.x name


def workers_wanted(boards: int, per_host: int = MAX_WORKERS) -> int:
    """How many workers a scrape of ``boards`` sources gets (0: none)."""
    for name in ENV:
        setting = os.environ.get(name, "").strip()
        if setting:
            try:
                return max(0, min(int(setting), 16, max(1, per_host)))
            except ValueError:
                log.warning("%s=%r is not a number; scraping in this process", name, setting)
                return 0
    cores = os.cpu_count() or 1
    if boards < MIN_BOARDS or cores < 2:
        return 0
    return max(1, min(cores - 1, MAX_WORKERS, max(1, per_host)))


def shareable(engine: Any) -> bool:
    """Whether a worker process can open ``engine``'s database (not an in-memory SQLite)."""
    if engine.dialect.name != "sqlite":
        return True
    database = engine.url.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in str(engine.url)


def url_of(engine: Any) -> str:
    """``engine``'s URL with its password (handed to a worker over its pipe, never logged)."""
    return str(engine.url.render_as_string(hide_password=False))


@dataclass
class Spawned:
    """Worker processes of one scrape, each with this end of its pipe; ``scrape``: the
    settings each worker got (its share of ``per_host`` and ``concurrency``)."""

    scrape: ScrapeSettings
    url: str
    workers: list[tuple[Any, Any]] = field(default_factory=list)  # (process, connection)
    failed: bool = False  # none could be started: the scrape does all the work itself


def share(scrape: ScrapeSettings, workers: int) -> ScrapeSettings:
    """One worker's settings: its share of ``per_host`` and ``concurrency`` (politeness holds
    over all of them together)."""
    per_host = max(1, int(scrape.per_host) // max(1, workers))
    concurrency = max(1, int(scrape.concurrency) // max(1, workers))
    return replace(scrape, per_host=per_host, concurrency=concurrency)


def spawn(workers: int, scrape: ScrapeSettings, url: str) -> Spawned:
    """Start ``workers`` processes (``spawn``: nothing of this process's threads or
    connections is copied); they load and connect in the background."""
    spawned = Spawned(share(scrape, workers), url)
    context = multiprocessing.get_context("spawn")
    quiet = not logging.getLogger().handlers
    level = logging.getLogger("tracker").getEffectiveLevel()
    try:
        for _ in range(workers):
            here, there = context.Pipe()
            process = context.Process(
                target=_child,
                args=(there, spawned.scrape, url, quiet, level),
                name="tracker-scrape-worker",
                daemon=True,
            )
            process.start()
            there.close()
            spawned.workers.append((process, here))
    except OSError as exc:  # no processes left, no pipes: this process does the work
        log.warning("scrape workers could not start (%s); scraping in this process", exc)
        spawned.failed = True
    return spawned


def spawned_for(boards: int, scrape: ScrapeSettings, engine: Any) -> Spawned | None:
    """Workers for a scrape of ``boards`` sources, already starting (None: the scrape keeps
    to its own process)."""
    workers = workers_wanted(boards, scrape.per_host) if shareable(engine) else 0
    return spawn(workers, scrape, url_of(engine)) if workers else None


def _child(conn: Any, scrape: ScrapeSettings, url: str, quiet: bool, level: int) -> None:
    from jobs.scrapepool import worker_main

    worker_main(conn, scrape, url, quiet, level)
