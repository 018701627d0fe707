"""Parse and normalize boards in a worker process, so a scrape's CPU work uses two cores.

A scrape has three kinds of work: fetching and decoding boards (the event loop), writing runs
(the writer thread: one transaction per run) and parsing plus normalizing what changed (the
pure core: :mod:`tracker.sources` and :mod:`tracker.normalize`). The first two share this
process; the third is the largest share of a cold scrape's CPU. :class:`ParsePool` runs it in
worker processes (``spawn``: nothing of this process's threads or connections is copied), so
the cores work at once. Postings come back with their content hashes computed there.

The pool is used when a scrape has at least :data:`MIN_BOARDS` sources (a worker costs a
process start) and the machine more than one core. ``TRACKER_PARSE_WORKERS`` sets how many
workers (``0``: parse in this process, as a daemon and ``ingest`` always do).

Workers start on the first board that needs parsing; until one is up (about a second), boards
are parsed in this process. A worker that dies (killed, out of memory) breaks the pool: the
board is parsed here instead, and so are the rest.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.domain import Posting, RawPosting, SourceRef
from tracker.normalize import normalize
from tracker.sources import get_source
from tracker.sources.base import SourceError
from tracker.sources.body import decoded
from tracker.sources.common import capped

log = logging.getLogger("tracker.scrape")

MIN_BOARDS = 16  # fewer sources than this: parse in this process (no worker start)
MAX_WORKERS = 4


@dataclass
class Parsed:
    """A parsed board: what :func:`carry_forward` returns, or the parse error's message."""

    postings: list[Posting]
    same: list[str]
    signatures: dict[str, str | None]
    error: str | None = None
    status: int | None = None


def carry_forward(
    raws: Sequence[RawPosting], ref: SourceRef, at: datetime
) -> tuple[list[Posting], list[str], dict[str, str | None]]:
    """Normalize only what changed: ``(postings, same, signatures)``.

    A known posting read without its detail (paged ATSs) or with an unchanged raw fingerprint
    (:mod:`tracker.sources.fingerprint`) is not normalized: its id goes to ``same`` and its
    stored content stands. ``signatures`` are the list signatures / fingerprints to store.
    """
    known: dict[str, Any] = ref.options.get("_known") or {}
    same = [
        r.external_id for r in raws if r.extra.get("detail") is False and r.external_id in known
    ]
    carried = set(same)
    postings = [normalize(r, ref, at) for r in raws if r.external_id not in carried]
    signatures: dict[str, str | None] = {}
    for r in raws:
        if "signature" not in r.extra:
            continue
        if r.extra.get("detail"):
            signatures[r.external_id] = r.extra["signature"]
        elif r.external_id not in carried:
            signatures[r.external_id] = None  # fetch its detail next time
    unchanged = [k for k, v in signatures.items() if k in known and known[k] == v]
    for key in unchanged:  # already stored: no write
        del signatures[key]
    return postings, same, signatures


def parse_board(ref: SourceRef, payload: Any, at: datetime) -> Parsed:
    """Decode (a :class:`RawBody`), parse, cap and normalize a fetched board (raises
    SourceError on a malformed one)."""
    raws = capped(get_source(ref.ats).parse(decoded(payload), ref))
    postings, same, signatures = carry_forward(raws, ref, at)
    return Parsed(postings, same, signatures)


def _in_worker(ref: SourceRef, payload: Any, at: datetime) -> Parsed:
    """:func:`parse_board` in a worker: a SourceError comes back as data (its message), and
    every posting carries its content hash (computed here, not in the writer)."""
    try:
        parsed = parse_board(ref, payload, at)
    except SourceError as exc:
        return Parsed([], [], {}, error=exc.message, status=exc.status)
    for posting in parsed.postings:
        posting.content_hash  # noqa: B018 - cached on the posting, pickled with it
    return parsed


def _warm() -> None:
    """Worker start: quiet logs below WARNING, and the normalizer's indexes loaded now."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        from tracker.normalize.locations import parse_places

        parse_places("London, United Kingdom")
    except Exception:  # a worker that cannot warm up still parses (and reports) on demand
        pass


def workers_wanted(boards: int) -> int:
    """How many parse workers a scrape of ``boards`` sources gets (0: none)."""
    setting = os.environ.get("TRACKER_PARSE_WORKERS", "").strip()
    if setting:
        try:
            return max(0, min(int(setting), 16))
        except ValueError:
            log.warning("TRACKER_PARSE_WORKERS=%r is not a number; parsing in-process", setting)
            return 0
    cores = os.cpu_count() or 1
    if boards < MIN_BOARDS or cores < 2:
        return 0
    return max(1, min(cores - 1, MAX_WORKERS))


class ParsePool:
    """Worker processes that parse boards (see the module docstring). They start on the first
    board that needs parsing (a scrape of 304s starts none); until one is up, boards are
    parsed by ``fallback`` (the writer thread)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._ready: Future[int] | None = None
        self._broken = False
        self.in_workers = 0  # boards parsed by a worker
        self.here = 0  # boards parsed in this process (no worker up yet, or none left)

    def _start(self) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm,
        )
        self._ready = self._executor.submit(os.getpid)
        for _ in range(self.workers - 1):
            self._executor.submit(os.getpid)

    async def parse(
        self,
        ref: SourceRef,
        payload: Any,
        at: datetime,
        fallback: Callable[..., Awaitable[Parsed]],
    ) -> Parsed:
        """:func:`parse_board` in a worker; raises its SourceError here."""
        if self._executor is None and not self._broken:
            self._start()
        executor, ready = self._executor, self._ready
        if executor is None or ready is None or not ready.done():
            self.here += 1
            return await fallback(parse_board, ref, payload, at)
        loop = asyncio.get_running_loop()
        try:
            parsed: Parsed = await loop.run_in_executor(executor, _in_worker, ref, payload, at)
        except BrokenProcessPool:
            if not self._broken:
                log.warning("parse worker stopped; parsing in this process from now on")
            self._broken, self._executor = True, None
            self.here += 1
            return await fallback(parse_board, ref, payload, at)
        self.in_workers += 1
        if parsed.error is not None:
            raise SourceError(parsed.error, parsed.status)
        return parsed

    def close(self) -> None:
        if self.in_workers or self.here:
            log.info("parsed boards: %d in workers, %d here", self.in_workers, self.here)
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
