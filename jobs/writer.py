"""Parse, normalize and write off the event loop: one writer thread behind a bounded queue.

Fetching stays on the event loop; the CPU and database work of each fetched board (parse,
normalize, ``record_run``: one transaction per run) goes to a single worker thread, so the
network keeps flowing while a board is written, and SQLite never sees two writers of ours.
``depth`` bounds how many fetched boards may wait for the writer (memory stays flat); a board
that finds the queue full waits before handing its payload over.

    with Writer() as writer:
        result = await writer.run(record_payload, engine, target, ref, payload, at, scope)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_DEPTH = 4


class Writer:
    """A worker thread (``threads`` of them on PostgreSQL, where runs of different sources may
    be recorded side by side: row locks and leases keep each source to one writer) with a
    bounded queue in front of it."""

    def __init__(self, depth: int = DEFAULT_DEPTH, threads: int = 1) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, threads), thread_name_prefix="tracker-writer"
        )
        self._slots = asyncio.Semaphore(max(1, depth, threads))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the writer thread; wait for a queue slot first.

        Cancelled while waiting: the work is dropped (CancelledError). Cancelled once the work
        has started on the thread (a run being recorded): it is let finish and its result
        returned, so a stopping daemon never records a run twice (written, then "abandoned").
        """
        async with self._slots:
            started = self._executor.submit(partial(fn, *args, **kwargs))
            future = asyncio.wrap_future(started)
            try:
                return await asyncio.shield(future)
            except asyncio.CancelledError:
                if started.cancel():  # still queued: nothing was written
                    raise
                return await future

    def close(self) -> None:
        """Wait for queued work to finish and stop the thread."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def inline(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` right here, on the event loop (no writer thread)."""
    return fn(*args, **kwargs)
