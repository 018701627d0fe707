"""The writer thread under cancellation (a stopping daemon): work still queued is dropped, work
already running (a run being recorded) finishes and its result stands - never both written
and then recorded as abandoned."""

from __future__ import annotations

import asyncio
import threading

import pytest

from jobs.writer import Writer


def test_cancelled_while_running_finishes_and_returns() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def record() -> str:
        started.set()
        release.wait(10)
        done.append("recorded")
        return "ok"

    async def main() -> str:
        with Writer() as writer:
            task = asyncio.create_task(writer.run(record))
            await asyncio.to_thread(started.wait, 10)
            task.cancel()
            await asyncio.sleep(0)
            release.set()
            return await task

    assert asyncio.run(main()) == "ok"
    assert done == ["recorded"]


def test_cancelled_while_queued_is_dropped() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def first() -> None:
        started.set()
        release.wait(10)

    async def main() -> None:
        with Writer() as writer:
            busy = asyncio.create_task(writer.run(first))
            await asyncio.to_thread(started.wait, 10)
            queued = asyncio.create_task(writer.run(ran.append, "second"))
            await asyncio.sleep(0.05)
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            release.set()
            await busy

    asyncio.run(main())
    assert ran == []
