"""Starting a scrape's worker processes (:mod:`jobs.scrapepool`), kept light to import.

A big scrape spawns its workers before it loads the rest of what it needs (the database layer,
the HTTP client, the source modules), so that they load at the same time on the other cores.
This module therefore imports nothing heavy: the worker process imports the pool itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import subprocess
import sys
from collections.abc import Sequence
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
    """``engine``'s URL with its password (handed to a worker over its socket, never logged)."""
    return str(engine.url.render_as_string(hide_password=False))


@dataclass
class Spawned:
    """Worker processes of one scrape, each with this end of its socket; ``scrape``: the
    settings each worker got (its share of ``per_host`` and ``concurrency``)."""

    scrape: ScrapeSettings
    url: str
    here: int = 0  # boards the scrape's own process may fetch at once (when the workers lag)
    workers: list[tuple[Any, Any]] = field(default_factory=list)  # (Popen, socket)
    failed: bool = False  # none could be started: the scrape does all the work itself
    prefetch: bool = False  # the workers fetch every enabled source's board before asked

    def kill(self) -> None:
        """Stop workers that turned out not to be wanted."""
        for process, sock in self.workers:
            sock.close()
            process.kill()
            process.wait()
        self.workers = []


def share(scrape: ScrapeSettings, workers: int) -> tuple[ScrapeSettings, int]:
    """One worker's settings (its share of ``per_host`` and ``concurrency``) and the slots left
    for the scrape's own process, which fetches too when the workers fall behind. Politeness
    holds over all of them together: never more than ``per_host`` requests at one host."""
    per_host, concurrency = int(scrape.per_host), int(scrape.concurrency)
    fetchers = workers + 1 if per_host > workers and concurrency > workers else workers
    host = max(1, per_host // max(1, fetchers))
    flight = max(1, concurrency // max(1, fetchers))
    here = max(0, min(per_host - workers * host, concurrency - workers * flight))
    return replace(scrape, per_host=host, concurrency=flight), here


def spawn(workers: int, scrape: ScrapeSettings, url: str, prefetch: bool = False) -> Spawned:
    """Start ``workers`` fresh interpreters (nothing of this process's threads or
    connections is copied), each with one end of a socket pair; they load and connect in the
    background. Plain subprocesses, not ``multiprocessing``: no helper process and no second
    import of this program's ``__main__``. ``prefetch``: the scrape is of every enabled
    source, so each worker starts on its share of them (the ``index``-th of every ``workers``
    in key order) before the scrape asks (:mod:`jobs.scrapepool`)."""
    each, slots = share(scrape, workers)
    spawned = Spawned(each, url, slots, prefetch=prefetch)
    quiet = not logging.getLogger().handlers
    level = logging.getLogger("tracker").getEffectiveLevel()
    try:
        for index in range(workers):
            plan = (index, workers) if prefetch else None
            hello = frame(("init", spawned.scrape, url, quiet, level, plan))
            here, there = socket.socketpair()
            try:
                process = subprocess.Popen(
                    [sys.executable or "python3", "-c", CHILD, str(there.fileno())],
                    pass_fds=(there.fileno(),),
                    stdin=subprocess.DEVNULL,
                )
            except BaseException:
                here.close()
                raise
            finally:
                there.close()
            here.sendall(hello)
            spawned.workers.append((process, here))
    except (OSError, ValueError) as exc:  # no processes or sockets left: this process does it
        log.warning("scrape workers could not start (%s); scraping in this process", exc)
        spawned.failed = True
    return spawned


CHILD = "from jobs.spawn import child; child()"


def frame(message: tuple[Any, ...]) -> bytes:
    """A message on a worker's socket: its pickle, prefixed by its length (8 bytes)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "big") + data


def child() -> None:
    """A worker's ``main``: read its settings from the socket named on the command line."""
    sock = socket.socket(fileno=int(sys.argv[1]))
    # the first message only, read exactly (no read-ahead: what follows is asyncio's to read)
    try:
        size = int.from_bytes(_exactly(sock, 8), "big")
        _, scrape, url, quiet, level, plan = pickle.loads(_exactly(sock, size))
    except (EOFError, OSError):  # the scrape stopped us before we began: nothing to say
        os._exit(0)
    from jobs.scrapepool import worker_main

    worker_main(sock, scrape, url, quiet, level, plan)


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the scrape closed the socket")
        data += chunk
    return bytes(data)


def spawned_for(
    boards: int,
    scrape: ScrapeSettings,
    engine: Any,
    early: Spawned | None = None,
    prefetch: bool = False,
) -> Spawned | None:
    """Workers for a scrape of ``boards`` sources, already starting (None: the scrape keeps
    to its own process). ``early``: workers started before the targets were known
    (:func:`early_workers`), kept when they are the ones wanted, else stopped. ``prefetch``:
    the targets are every enabled source (see :func:`spawn`)."""
    workers = workers_wanted(boards, scrape.per_host) if shareable(engine) else 0
    if early is not None:
        wanted = len(early.workers) == workers and same_database(early.url, url_of(engine))
        if wanted and not early.failed and early.prefetch <= prefetch:
            return early
        early.kill()
    return spawn(workers, scrape, url_of(engine), prefetch) if workers else None


def early_workers(
    scrape: ScrapeSettings, url: str, keys: Sequence[str], company: str | None = None
) -> Spawned | None:
    """A big scrape's workers, started before this process loads the database layer: the
    enabled sources are counted over a plain DB-API connection (:mod:`db.light`, a few
    milliseconds); when the count cannot be read, nothing starts early. A scrape of every
    enabled source (no ``keys``, no ``company``) has them prefetch."""
    boards = len(keys) if keys else _enabled_sources(url)
    if not boards:
        return None
    workers = workers_wanted(boards, scrape.per_host)
    whole = not keys and company is None
    return spawn(workers, scrape, url, whole) if workers else None


def _enabled_sources(url: str) -> int:
    """The number of enabled sources, over a plain DB-API connection (:mod:`db.light`: no
    SQLAlchemy yet); 0 when it cannot be read (no such file, no schema yet, unreachable)."""
    from db.light import connect_read

    try:
        opened = connect_read(url, connect_timeout=2)
        if opened is None:
            return 0
        conn = opened[0]
        try:
            row = conn.execute("SELECT count(*) FROM source WHERE enabled").fetchone()
        finally:
            conn.close()
    except Exception:  # not ours yet (no schema), locked, unreachable: no early start
        return 0
    return int(row[0]) if row else 0


def same_database(a: str, b: str) -> bool:
    """Whether two URLs name one database (``postgresql://`` and ``postgres://`` are what
    the database layer opens as ``postgresql+psycopg://``)."""
    aliases = ("postgresql+psycopg://", "postgresql://", "postgres://")

    def plain(url: str) -> str:
        for alias in aliases:
            if url.startswith(alias):
                return aliases[0] + url[len(alias) :]
        return url

    return plain(a) == plain(b)
