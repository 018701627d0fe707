"""Parsing in a worker process (issue 12, jobs.parsepool): a scrape of many boards stores
exactly what an in-process parse stores, a malformed board fails alone with the same one-line
error, and a worker that dies leaves the scrape to parse in this process."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from jobs import parsepool
from jobs.parsepool import ParsePool, parse_board
from tests.helpers import Cli, gh_board, gh_job
from tests.loopback import LoopbackServer, Reply
from tracker.domain import SourceRef
from tracker.sources.base import SourceError

BOARDS = 18  # at least parsepool.MIN_BOARDS: a scrape this size gets a worker


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        for b in range(BOARDS):
            board = gh_board(4, start=1000 * (b + 1), location="Tokyo, Japan")
            board["jobs"].append(gh_job(1000 * (b + 1) + 99, f"Critical Facilities Lead {b}"))
            late = 4.0 if b >= 10 else 0.0  # by then a worker is up: these boards go to it
            srv.add(f"/v1/boards/b{b:02d}/jobs", Reply(json=board, delay=late))
        srv.add("/v1/boards/broken/jobs", Reply(json={"jobs": "not a list"}, delay=4.0))
        page = Reply(body="<html><body>maintenance</body></html>", content_type="text/html")
        srv.add("/v1/boards/html/jobs", Reply(**{**page.__dict__, "delay": 4.0}))
        yield srv


def scrape_into(
    tmp_path: Path, name: str, server: LoopbackServer, workers: str, parsed: list[int]
) -> str:
    """A fresh database scraped once with ``TRACKER_PARSE_WORKERS=workers``; its URL.
    ``parsed`` gets the number of boards the pool's workers parsed."""
    url = f"sqlite:///{tmp_path / name}.db"
    config = tmp_path / f"{name}.toml"
    config.write_text("[scrape]\nretries = 0\ntimeout = 5\n")
    watch = tmp_path / f"{name}-watch.toml"
    tokens = [f"b{b:02d}" for b in range(BOARDS)] + ["broken", "html"]
    watch.write_text(
        "\n".join(
            f'[[source]]\ncompany = "Co {t}"\nats = "greenhouse"\ntoken = "{t}"\n'
            f'api_base = "{server.base_url}"\n'
            for t in tokens
        )
    )
    cli = Cli(url, config)
    cli("sources", "import", str(watch))
    real_close = ParsePool.close

    def close(pool: ParsePool) -> None:
        parsed.append(pool.in_workers)
        real_close(pool)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_PARSE_WORKERS", workers)
        patch.setattr(ParsePool, "close", close)
        out = cli("scrape", code=1)  # the broken board fails the scrape's exit status
    assert "greenhouse:broken failed" in out.stderr
    assert "greenhouse:html failed: expected JSON from " in out.stderr
    return url


def stored(url: str) -> list[tuple[Any, ...]]:
    """Everything a run stores about postings, without ids and times."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.key, p.external_id, p.content_hash, p.signature, v.title, v.category, "
                "v.compute, v.salary_min, v.salary_currency, v.salary_bands, v.content_hash, "
                "(SELECT group_concat(pl.raw || '|' || coalesce(pl.country, ''), ';') "
                " FROM posting_place pl WHERE pl.version_id = v.id) "
                "FROM posting p JOIN source s ON s.id = p.source_id "
                "JOIN posting_version v ON v.id = p.current_version_id "
                "ORDER BY s.key, p.external_id"
            )
        ).all()
        runs = conn.execute(
            text(
                "SELECT s.key, r.status, r.error, r.seen, r.new FROM run r "
                "JOIN source s ON s.id = r.source_id ORDER BY s.key"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows] + [tuple(r) for r in runs]


def test_a_worker_stores_what_an_in_process_parse_stores(
    tmp_path: Path, server: LoopbackServer
) -> None:
    in_workers: list[int] = []
    here = stored(scrape_into(tmp_path, "here", server, "0", in_workers))
    assert in_workers == []  # no pool at all
    pooled = stored(scrape_into(tmp_path, "pooled", server, "1", in_workers))
    assert in_workers and in_workers[0] >= 1  # late boards went to the worker
    assert pooled == here
    postings = [r for r in here if len(r) > 5]
    assert len(postings) == BOARDS * 5
    failed = [r for r in here if len(r) == 5 and r[1] == "failed"]
    assert [r[0] for r in failed] == ["greenhouse:broken", "greenhouse:html"]
    assert "expected" in failed[0][2] or "jobs" in failed[0][2]


REF = SourceRef(ats="greenhouse", token="acme", company="Acme", company_slug="acme")


def test_a_dead_worker_leaves_the_parse_to_this_process(caplog: pytest.LogCaptureFixture) -> None:
    pool = ParsePool(1)
    here: list[str] = []

    async def fallback(fn: Any, *args: Any) -> Any:
        here.append("here")
        return fn(*args)

    async def scenario() -> list[int]:
        at = datetime(2026, 11, 1, tzinfo=UTC)
        first = await pool.parse(REF, gh_board(2), at, fallback)  # starts the worker
        assert pool._ready is not None
        await asyncio.wrap_future(pool._ready)
        second = await pool.parse(REF, gh_board(3), at, fallback)  # in the worker
        assert here == ["here"]
        assert pool._executor is not None
        for pid in list(pool._executor._processes):  # the worker dies (OOM killer, kill -9)
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)
        third = await pool.parse(REF, gh_board(4), at, fallback)
        return [len(first.postings), len(second.postings), len(third.postings)]

    try:
        sizes = asyncio.run(scenario())
    finally:
        pool.close()
    assert sizes == [2, 3, 4]
    assert here == ["here", "here"]  # before the worker was up, and after it died
    assert "parse worker stopped" in caplog.text


def test_a_malformed_board_raises_the_same_error_from_a_worker() -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(SourceError) as here:
        parse_board(REF, {"jobs": 7}, at)
    pool = ParsePool(1)

    async def fallback(fn: Any, *args: Any) -> Any:
        return fn(*args)

    async def scenario() -> None:
        await pool.parse(REF, gh_board(1), at, fallback)
        assert pool._ready is not None
        await asyncio.wrap_future(pool._ready)
        await pool.parse(REF, {"jobs": 7}, at, fallback)

    try:
        with pytest.raises(SourceError) as there:
            asyncio.run(scenario())
    finally:
        pool.close()
    assert str(there.value) == str(here.value)


def test_small_scrapes_and_the_setting_decide_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRACKER_PARSE_WORKERS", raising=False)
    assert parsepool.workers_wanted(parsepool.MIN_BOARDS - 1) == 0
    cores = os.cpu_count() or 1
    assert parsepool.workers_wanted(1000) == (0 if cores < 2 else min(cores - 1, 4))
    monkeypatch.setenv("TRACKER_PARSE_WORKERS", "0")
    assert parsepool.workers_wanted(1000) == 0
    monkeypatch.setenv("TRACKER_PARSE_WORKERS", "2")
    assert parsepool.workers_wanted(3) == 2
    monkeypatch.setenv("TRACKER_PARSE_WORKERS", "lots")
    assert parsepool.workers_wanted(1000) == 0
