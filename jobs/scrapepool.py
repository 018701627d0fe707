"""Fetch, digest, parse and normalize boards in worker processes; the scrape's own process
claims the sources, writes the runs and reports.

A scrape has two kinds of CPU work: getting each board (HTTP, the whole-board digest, decoding,
parsing and normalizing what changed) and recording its run (one write transaction). In one
process both share one interpreter lock, so a 2-core machine works like a 1-core one. With a
:class:`ScrapePool` each worker process runs its own event loop and HTTP client and does the
first kind for the boards it is sent; the scrape's process keeps the second, the leases and the
progress. A board's raw body never crosses between processes: what comes back is a
:class:`Fetched` (the same board as last time, a parsed board, or the failure's message).

Politeness holds across processes: each of ``n`` workers gets ``per_host // n`` of the
``[scrape] per_host`` slots (so there are at most ``per_host`` workers) and ``concurrency // n``
of the boards in flight. The scrape hands each worker a few more boards than that, so that none
waits for a round trip between the processes.

Workers (``spawn``: nothing of this process's threads or connections is copied) start with the
scrape and read a board's stored signatures themselves (their own read connection; the source's
lease, held by this process, keeps anyone from writing it meanwhile). A worker that dies leaves
its boards, and the rest, to this process (one warning). In a scrape of every enabled source
the workers begin before they are asked (:class:`_Ahead`: prefetch). ``TRACKER_SCRAPE_WORKERS=N``
sets the number of workers (``0``: everything in this process, as a daemon and ``ingest`` always
do).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from jobs.spawn import Spawned, frame
from tracker.domain import SourceRef
from tracker.settings import ScrapeSettings, parse_duration
from tracker.sources.base import NotModified, SameBody, SourceError, Validators

log = logging.getLogger("tracker.scrape")

READY_WAIT = 60.0  # seconds a scrape waits for its first worker before doing the work itself
REAP_WAIT = 5.0  # seconds a stopped worker gets to leave before it is killed


class PoolBroken(Exception):
    """No worker can take the board (none started, or they died): do it in this process."""


@dataclass
class Fetched:
    """What a worker made of one board.

    ``kind``: ``same`` (a 304, or the body of the last ``ok`` run: ``body_hash``), ``parsed``
    (``parsed``, with the ``known`` signatures it was parsed against), ``failed`` (a
    SourceError: ``error``, ``status``) or ``internal`` (a bug: ``error`` and ``trace``).
    ``validators``: the response's, to remember (see :func:`jobs.scrape.remember_validators`).
    """

    kind: str
    validators: Validators | None = None
    body_hash: str | None = None
    parsed: Any = None
    known: dict[str, str | None] | None = None
    error: str | None = None
    status: int | None = None
    trace: str | None = None


# -------------------------------------------------------------------------- the wire
#
# Messages are pickled tuples, each framed by its length (8 bytes, :func:`jobs.spawn.frame`),
# over a socket pair; both ends read and write it with asyncio streams on their event loop, so
# no thread of either process waits for the interpreter lock to pass a message on.


async def _streams(sock: Any) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(sock=sock, limit=1 << 20)


async def _receive(reader: asyncio.StreamReader) -> tuple[Any, ...]:
    size = int.from_bytes(await reader.readexactly(8), "big")
    message: tuple[Any, ...] = pickle.loads(await reader.readexactly(size))
    return message


# -------------------------------------------------------------------------- this process


class _Worker:
    def __init__(self, process: Any, conn: Any) -> None:
        self.process, self.conn = process, conn
        self.writer: asyncio.StreamWriter | None = None
        self.inflight = 0  # requests sent, not answered
        self.fetching = 0  # of which boards to fetch (the rest: boards to parse)
        self.alive = True
        self.replied = False  # said which boards it prefetched


class ScrapePool:
    """Worker processes that fetch and parse boards (see the module docstring), from
    :func:`jobs.spawn.spawn`."""

    def __init__(self, spawned: Spawned) -> None:
        self.scrape, self.url = spawned.scrape, spawned.url
        self.here = asyncio.Semaphore(spawned.here) if spawned.here else None
        self.boards = 0  # boards a worker fetched
        self._procs = [_Worker(process, conn) for process, conn in spawned.workers]
        self._pending: dict[int, tuple[_Worker, asyncio.Future[Fetched], bool]] = {}
        self._ids = itertools.count()
        self._ready: asyncio.Event | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._broken = spawned.failed or not self._procs
        self._waiting = 0  # boards waiting for the first worker to be ready
        self.prefetch = spawned.prefetch
        self.owner: dict[int, _Worker] = {}  # source id -> the worker that prefetched it
        self._planned: asyncio.Event | None = None
        self._told = False  # "go" sent: the workers stop prefetching and say what they hold

    @property
    def usable(self) -> bool:
        return not self._broken

    def lagging(self) -> bool:
        """Whether this process should fetch the next board itself: the workers have boards
        waiting and one of this process's slots is free."""
        return self.here is not None and not self.here.locked() and self.backlog() > 0

    def start(self) -> None:
        """On the scrape's event loop: listen to the workers."""
        self._ready = asyncio.Event()
        self._planned = asyncio.Event()
        if self._broken:
            self._ready.set()
        if self._broken or not self.prefetch:
            self._planned.set()
        for worker in self._procs:
            self._readers.append(asyncio.create_task(self._read(worker)))

    async def planned(self) -> None:
        """Before the first board is handed out: tell prefetching workers to stop starting
        boards of their own and learn which ones each holds (those go to it, never fetched
        here). Returns at once after the first call, or when there is no prefetch."""
        if self._planned is None or self._planned.is_set():
            return
        if not self._told:
            self._told = True
            for worker in self._procs:
                if worker.alive and worker.writer is not None:
                    worker.writer.write(frame(("go",)))
        try:
            await asyncio.wait_for(self._planned.wait(), READY_WAIT)
        except TimeoutError:
            self._lost(None, "scrape workers did not start in time")

    def holds(self, source_id: int) -> bool:
        """Whether a live worker prefetched this board (it is sent there)."""
        owner = self.owner.get(source_id)
        return owner is not None and owner.alive

    async def fetch(self, source_id: int, ref: SourceRef, at: datetime) -> Fetched:
        """Fetch (and parse) one prepared board in a worker; PoolBroken when none can."""
        fetched = await self._ask(("job", source_id, ref, at))
        self.boards += 1
        return fetched

    async def parse(
        self, source_id: int, ref: SourceRef, at: datetime, payload: Any, got: Fetched
    ) -> Fetched:
        """Parse (and normalize) a board fetched here, in a worker: ``got`` holds what the
        fetch learnt (validators, digest); PoolBroken when no worker can."""
        return await self._ask(("parse", source_id, ref, at, payload, got))

    def backlog(self) -> int:
        """Boards handed to the workers beyond what they fetch at once (waiting there)."""
        alive = [w for w in self._procs if w.alive]
        flight = int(self.scrape.concurrency) * len(alive)
        return self._waiting + sum(w.fetching for w in alive) - flight

    async def _ask(self, request: tuple[Any, ...]) -> Fetched:
        if self._broken or self._ready is None:
            raise PoolBroken()
        if not self._ready.is_set():
            self._waiting += request[0] == "job"
            try:
                await asyncio.wait_for(self._ready.wait(), READY_WAIT)
            except TimeoutError:
                self._lost(None, "scrape workers did not start in time")
            finally:
                self._waiting -= request[0] == "job"
        for worker in self._procs:  # a socket that closed under us: that worker is gone
            if worker.alive and worker.writer is not None and worker.writer.is_closing():
                self._lost(worker)
        alive = [w for w in self._procs if w.alive and w.writer is not None]
        if self._broken or not alive:
            raise PoolBroken()
        owner = self.owner.pop(request[1], None) if request[0] == "job" else None
        worker = owner if owner in alive else min(alive, key=lambda w: w.inflight)
        job = next(self._ids)
        future: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        fetching = request[0] == "job"
        self._pending[job] = (worker, future, fetching)
        worker.inflight += 1
        worker.fetching += fetching
        assert worker.writer is not None
        worker.writer.write(frame((request[0], job, *request[1:])))
        return await future

    async def _read(self, worker: _Worker) -> None:
        """Hand each answer to its waiting board; a dead worker's boards go back to this
        process."""
        try:
            reader, worker.writer = await _streams(worker.conn)
            if self._told:  # asked before this worker was connected
                worker.writer.write(frame(("go",)))
            while True:
                message = await _receive(reader)
                if message[0] == "ready":
                    if self._ready is not None:
                        self._ready.set()
                    continue
                if message[0] == "prefetched":
                    self._held(worker, message[1])
                    continue
                _, job, fetched = message
                found = self._pending.pop(job, None)
                if found is None:
                    continue
                worker.inflight -= 1
                worker.fetching -= found[2]
                if not found[1].done():
                    found[1].set_result(fetched)
        except (asyncio.IncompleteReadError, OSError):
            if worker.alive:
                self._lost(worker)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an answer that cannot be read: the worker is useless
            log.warning("scrape worker answer unreadable: %s", exc)
            self._lost(worker)

    def _held(self, worker: _Worker, source_ids: list[int]) -> None:
        worker.replied = True
        for source_id in source_ids:
            self.owner[source_id] = worker
        if self._planned is not None and all(w.replied for w in self._procs if w.alive):
            self._planned.set()

    def _lost(self, worker: _Worker | None, why: str = "") -> None:
        """A worker died (or none could start): its boards fail over to this process."""
        if worker is not None:
            worker.alive = False
        for job, (owner, future, _) in list(self._pending.items()):
            if worker is None or owner is worker:
                del self._pending[job]
                if not future.done():
                    future.set_exception(PoolBroken())
        if worker is None or not any(w.alive for w in self._procs):
            if not self._broken:
                log.warning(why or "scrape worker stopped; scraping in this process from now on")
            self._broken = True
        if self._ready is not None:
            self._ready.set()
        if self._planned is not None and (
            self._broken or all(w.replied for w in self._procs if w.alive)
        ):
            self._planned.set()

    async def aclose(self) -> None:
        """Stop the workers (boards still in one are abandoned: their leases are freed).

        A worker leaves at ``stop`` (or at the end of its socket) without tearing its
        interpreter down, so waiting for it costs next to nothing."""
        if self.boards:
            log.info("boards fetched in workers: %d", self.boards)
        for worker in self._procs:
            worker.alive = False
            if worker.writer is not None:
                with contextlib.suppress(OSError, RuntimeError):
                    worker.writer.write(frame(("stop",)))
                    await worker.writer.drain()
                worker.writer.close()
            else:  # never connected: closing our end ends its socket
                worker.conn.close()
        for task in self._readers:
            task.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        await asyncio.to_thread(_reap, [w.process for w in self._procs])
        self._procs, self._readers = [], []


_WARMING: list[threading.Thread] = []


def warm() -> None:
    """Load the parser, normalizer and database layer in a thread, once, as soon as a board
    to parse is expected (one never stored, or a body that changed), so that they load beside
    the fetches instead of stopping this event loop at the first changed board. A cycle of
    304s and unchanged bodies never loads them."""
    if not _WARMING:
        _WARMING.append(threading.Thread(target=_warm, name="warm", daemon=True))
        _WARMING[0].start()


def _warm() -> None:
    try:
        from tracker.normalize.fx import converter
        from tracker.normalize.locations import parse_places

        parse_places("London, United Kingdom")
        converter()
    except Exception:  # a worker that cannot warm up still parses (and reports) on demand
        pass


def _reap(processes: list[Any]) -> None:
    """Wait for stopped workers (they leave at once); one that does not is killed."""
    for process in processes:
        try:
            process.wait(timeout=REAP_WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -------------------------------------------------------------------------- a worker


def worker_main(
    conn: Any,
    scrape: ScrapeSettings,
    url: str,
    quiet: bool,
    level: int,
    plan: tuple[int, int] | None = None,
) -> None:
    """A worker process: jobs in, :class:`Fetched` out, until ``stop`` or its socket closes."""
    from tracker.cli import lean_imports

    lean_imports()
    if quiet:  # as the scrape's own process without -v: our lines only, no log records
        for name in ("tracker", "psycopg", "httpx", "asyncio"):
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(_serve(conn, scrape, url, plan))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the scrape says it
        pass
    except Exception as exc:  # never a traceback on the user's terminal: the scrape goes on
        log.debug("scrape worker stopped: %r", exc)  # without us (its boards fail over)
    logging.shutdown()
    sys.stderr.flush()
    os._exit(0)  # all answered and its connections closed: no interpreter teardown to wait for


async def _serve(
    conn: Any, scrape: ScrapeSettings, url: str, plan: tuple[int, int] | None = None
) -> None:
    from tracker.sources.http import HttpClient

    reader, writer = await _streams(conn)
    known = _Known(url)
    tasks: set[asyncio.Task[None]] = set()
    slots = asyncio.Semaphore(max(1, int(scrape.concurrency)))
    async with HttpClient(scrape) as client:  # the parser loads with the first changed board
        writer.write(frame(("ready", os.getpid())))
        ahead = _Ahead(client, slots)
        if plan is not None:
            ahead.start(known, *plan)
        while True:
            try:
                message = await _receive(reader)
            except (asyncio.IncompleteReadError, OSError):  # the scrape is gone
                break
            if message[0] == "stop":
                break
            if message[0] == "go":  # the scrape is ready: it hands out the boards from now on
                writer.write(frame(("prefetched", ahead.stop())))
                continue
            if message[0] == "parse":  # fetched by the scrape's own process: no slot needed
                warm()
                task = asyncio.create_task(_parse_answer(writer, known, *message[1:]))
            else:
                _, job, source_id, ref, at = message
                early = ahead.take(source_id, ref)
                if "_body_hash" not in ref.options:  # no board stored yet: one to parse
                    warm()
                answer = _answer(writer, client, known, slots, job, source_id, ref, at, early)
                task = asyncio.create_task(answer)
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        ahead.close()
        for task in list(tasks):
            task.cancel()
    writer.close()
    known.close()


Got = tuple[Fetched, Any]  # what fetch_digest returns


class _Ahead:
    """Boards a worker fetches before the scrape asks for them (prefetch).

    A scrape of every enabled source starts its workers before it has loaded its database
    layer and claimed the sources; the worker reads the enabled sources and their state itself
    (:func:`db.light.scrape_plan`) and fetches its share in key order, which is the order the
    scrape hands them out. It parses nothing before it is asked: the board's stored signatures
    are read under the scrape's lease. At ``go`` it stops starting boards and says which it
    holds; the scrape sends those to it. A board is used only when the scrape's reference for
    it (prepared under its lease) equals the one it was fetched with; else it is fetched again.
    Bodies held and not asked for yet are capped (:attr:`BODIES`)."""

    BODIES = 64

    def __init__(self, client: Any, slots: asyncio.Semaphore) -> None:
        self.client, self.slots = client, slots
        self.boards: dict[int, tuple[SourceRef, asyncio.Task[Got]]] = {}
        self.unused: set[asyncio.Task[Got]] = set()  # fetched for a reference that changed
        self.bodies = 0
        self.room = asyncio.Event()
        self.room.set()
        self.stopped = False
        self.task: asyncio.Task[None] | None = None

    def start(self, known: _Known, index: int, workers: int) -> None:
        self.task = asyncio.create_task(self._run(known, index, workers))

    async def _run(self, known: _Known, index: int, workers: int) -> None:
        from db.light import LAZY_KNOWN
        from tracker.sources.guard import check_token

        try:
            plan = known.plan()
        except Exception as exc:  # unreadable now: the scrape hands every board out itself
            log.debug("prefetch plan unreadable: %r", exc)
            return
        for source_id, ref in plan[index::workers]:
            if ref.ats not in LAZY_KNOWN or check_token(ref.ats, ref.token, ref.options):
                continue  # its fetch reads the stored signatures, or its token is refused
            await self.room.wait()
            await self.slots.acquire()
            if self.stopped:
                self.slots.release()
                return
            self.boards[source_id] = (ref, asyncio.create_task(self._one(ref)))

    async def _one(self, ref: SourceRef) -> Got:
        try:
            got = await fetch_digest(self.client, ref)
        finally:
            self.slots.release()
        if got[0].kind == "body":
            self.bodies += 1
            if self.bodies >= self.BODIES:
                self.room.clear()
        return got

    def stop(self) -> list[int]:
        """Start no more boards; the ones started or fetched."""
        self.stopped = True
        self.room.set()
        return list(self.boards)

    def take(self, source_id: int, ref: SourceRef) -> asyncio.Task[Got] | None:
        """The board prefetched for ``ref``, or None (not prefetched, or for another state)."""
        found = self.boards.pop(source_id, None)
        if found is None:
            return None
        if found[0] != ref:
            self.unused.add(found[1])
            found[1].add_done_callback(self.unused.discard)
            return None
        return found[1]

    def close(self) -> None:
        for task in [self.task, *self.unused, *(t for _, t in self.boards.values())]:
            if task is not None:
                task.cancel()


async def _answer(
    writer: asyncio.StreamWriter,
    client: Any,
    known: _Known,
    slots: asyncio.Semaphore,
    job: int,
    source_id: int,
    ref: SourceRef,
    at: Any,
    early: asyncio.Task[Got] | None = None,
) -> None:
    try:
        if early is not None:  # prefetched (its own slot, already given back)
            fetched = await board_from(known, source_id, ref, at, await early)
        else:
            async with slots:
                fetched = await get_board(client, known, source_id, ref, at)
    except Exception as exc:  # a parser bug: that board fails, the worker goes on
        fetched = _internal(exc)
    await _send(writer, job, fetched)


async def _parse_answer(
    writer: asyncio.StreamWriter,
    known: _Known,
    job: int,
    source_id: int,
    ref: SourceRef,
    at: Any,
    payload: Any,
    got: Fetched,
) -> None:
    try:
        fetched = parsed_board(known, source_id, ref, at, payload, got.validators, got.body_hash)
    except Exception as exc:  # a parser bug: that board fails, the worker goes on
        fetched = _internal(exc)
    await _send(writer, job, fetched)


def _internal(exc: Exception) -> Fetched:
    """A bug met on a board, as the failed run's message and, for ``-v``, its trace."""
    error = f"internal error: {type(exc).__name__}: {exc}"
    return Fetched("internal", error=error, trace=traceback.format_exc())


async def _send(writer: asyncio.StreamWriter, job: int, fetched: Fetched) -> None:
    try:
        answer = frame(("done", job, fetched))
    except Exception as exc:  # an answer that does not pickle: say so instead
        answer = frame(("done", job, Fetched("internal", error=f"internal error: {exc!r}")))
    writer.write(answer)
    with contextlib.suppress(OSError, RuntimeError):  # the scrape is gone
        await writer.drain()


async def get_board(
    client: Any, reader: _Known, source_id: int, ref: SourceRef, at: datetime
) -> Fetched:
    """What :func:`jobs.scrape.scrape_one` does before it writes: fetch (digesting a whole
    body raw), and unless it is the last ``ok`` run's board, parse and normalize it."""
    return await board_from(reader, source_id, ref, at, await fetch_digest(client, ref))


async def board_from(
    reader: _Known, source_id: int, ref: SourceRef, at: datetime, got: Got
) -> Fetched:
    """A fetched board as the scrape records it: parsed unless it is the same board."""
    fetched, payload = got
    if fetched.kind != "body":
        return fetched
    warm()  # the next changed boards find it loaded (this one waits for its imports)
    return parsed_board(reader, source_id, ref, at, payload, fetched.validators, fetched.body_hash)


async def fetch_digest(client: Any, ref: SourceRef) -> tuple[Fetched, Any]:
    """Fetch a board (a whole body digested raw): ``(Fetched("same" | "failed"), None)``, or
    ``(Fetched("body"), payload)`` with the validators and digest of a board to parse."""
    with client.scope_for(ref) as scope:
        digest_raw(scope, ref)
        try:
            payload = await fetch_board(client, ref)
        except NotModified as unchanged:
            digest = unchanged.digest if isinstance(unchanged, SameBody) else None
            return Fetched("same", scope.validators, digest), None
        except SourceError as exc:
            return Fetched("failed", error=exc.message, status=exc.status), None
        validators = scope.validators
        body_hash = board_digest(ref, payload, scope)
    if body_hash is not None and body_hash == ref.options.get("_body_hash"):
        return Fetched("same", validators, body_hash), None
    return Fetched("body", validators, body_hash), payload


def parsed_board(
    reader: _Known,
    source_id: int,
    ref: SourceRef,
    at: datetime,
    payload: Any,
    validators: Validators | None,
    body_hash: str | None,
) -> Fetched:
    """Parse and normalize a board that is not the last ``ok`` run's, against its stored
    signatures (read here unless the reference carries them)."""
    from jobs.parsepool import parse_board

    known = ref.options.get("_known")
    if known is None:
        known = reader.known(source_id)  # a short read; no thread (it would wait for the GIL)
        ref = replace(ref, options={**ref.options, "_known": known})
    try:
        parsed = parse_board(ref, payload, at)
    except SourceError as exc:
        return Fetched("failed", validators, body_hash, error=exc.message, status=exc.status)
    del payload
    for posting in parsed.postings:
        posting.content_hash  # noqa: B018 - cached on the posting, pickled with it
    return Fetched("parsed", validators, body_hash, parsed, known)


class _Known:
    """A worker's read connection, for the stored signatures of a board that changed: a plain
    DB-API one (:mod:`db.light`, no SQLAlchemy to load), else through the database layer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Any = None
        self.raw: Any = None
        self.mark = "?"

    def plan(self) -> list[tuple[int, SourceRef]]:
        """Every enabled source and its state (prefetch); empty without a plain connection."""
        from db import light

        self._open(layer=False)  # a head start is not worth loading the database layer for
        return light.scrape_plan(self.raw, self.mark) if self.raw is not None else []

    def known(self, source_id: int) -> dict[str, str | None]:
        from db import light

        self._open()
        if self.raw is not None:
            return light.known_signatures(self.raw, self.mark, source_id)
        from db import store

        with self.engine.connect() as conn:
            known: dict[str, str | None] = store.known_signatures_in(conn, source_id)
        return known

    def _open(self, layer: bool = True) -> None:
        from db import light

        if self.raw is None and self.engine is None:
            opened = light.connect_read(self.url)
            if opened is not None:
                self.raw, self.mark = opened
            elif layer:
                from db.session import make_engine

                self.engine = make_engine(self.url)

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()
        if self.engine is not None:
            self.engine.dispose()


# -------------------------------------------------------------------------- both


async def fetch_board(client: Any, ref: SourceRef) -> Any:
    """The source's whole fetch within the run deadline (``[scrape] run_timeout``)."""
    scrape = getattr(client, "settings", None)
    from tracker.sources import get_source

    limit = parse_duration(getattr(scrape, "run_timeout", "30m")).total_seconds()
    try:
        async with asyncio.timeout(limit):
            return await get_source(ref.ats).fetch(client, ref)
    except TimeoutError:
        raise SourceError(
            f"{ref.key}: run deadline of {limit:g}s exceeded before the board was fully fetched"
        ) from None


def digest_raw(scope: Any, ref: SourceRef) -> None:
    """Set up ``scope`` so that a whole-board ATS's one body is digested raw as it arrives
    (one equal to the last ``ok`` run's raises SameBody) and comes back undecoded."""
    from tracker.sources import fingerprint

    if ref.ats in fingerprint.WHOLE_BODY:
        scope.digest_seed = fingerprint.salt(ref)
        scope.same_digest = ref.options.get("_body_hash")
        scope.raw_body = True


def board_digest(ref: SourceRef, payload: Any, scope: Any) -> str | None:
    """The board's digest: of its raw body when the fetch took it (``scope.digest_seed``),
    else of the decoded payload (an ``ingest``)."""
    if scope is not None and getattr(scope, "digest_seed", None) is not None:
        digest: str | None = scope.body_digest
        return digest
    from tracker.sources import fingerprint

    return fingerprint.body_digest(payload, ref)
