"""Fetching and parsing in worker processes (issue 12, jobs.scrapepool): a scrape of many boards
stores exactly what a scrape in one process stores, a malformed board fails alone with the same
one-line error, a second scrape of the same boards stores the same runs, and a worker that dies
leaves its boards to the scrape's own process."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from db.session import make_engine
from jobs import spawn
from jobs.scrapepool import PoolBroken, ScrapePool
from tests.helpers import Cli, gh_board, gh_job
from tests.loopback import LoopbackServer, Reply
from tracker.domain import SourceRef

BOARDS = 18  # at least spawn.MIN_BOARDS: a scrape this size gets workers


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        for b in range(BOARDS):
            board = gh_board(4, start=1000 * (b + 1), location="Tokyo, Japan")
            board["jobs"].append(gh_job(1000 * (b + 1) + 99, f"Critical Facilities Lead {b}"))
            srv.add(f"/v1/boards/b{b:02d}/jobs", Reply(json=board))
        srv.add("/v1/boards/broken/jobs", Reply(json={"jobs": "not a list"}))
        page = Reply(body="<html><body>maintenance</body></html>", content_type="text/html")
        srv.add("/v1/boards/html/jobs", page)
        yield srv


def scrape_into(
    tmp_path: Path,
    name: str,
    server: LoopbackServer,
    workers: str,
    fetched: list[int],
    again: bool = False,
    kill: bool = False,
    per_host: int = 2,
    url: str | None = None,
) -> str:
    """A fresh database scraped once (``again``: twice) with ``TRACKER_SCRAPE_WORKERS=workers``;
    its URL. ``fetched`` gets the number of boards the pool's workers fetched, per scrape.
    ``kill``: the workers are killed as soon as they are started."""
    url = url or f"sqlite:///{tmp_path / name}.db"
    config = tmp_path / f"{name}.toml"
    config.write_text(f"[scrape]\nretries = 0\ntimeout = 5\nper_host = {per_host}\n")
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
    real_close, real_start = ScrapePool.aclose, ScrapePool.start

    async def aclose(pool: ScrapePool) -> None:
        fetched.append(pool.boards)
        await real_close(pool)

    def start(pool: ScrapePool) -> None:
        real_start(pool)
        for worker in pool._procs if kill else []:  # killed at once (OOM killer, kill -9)
            os.kill(worker.process.pid, signal.SIGKILL)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_SCRAPE_WORKERS", workers)
        patch.setattr(ScrapePool, "aclose", aclose)
        patch.setattr(ScrapePool, "start", start)
        for _ in range(2 if again else 1):
            out = cli("scrape", code=1)  # the broken board fails the scrape's exit status
            assert "greenhouse:broken failed" in out.stderr
            assert "greenhouse:html failed: expected JSON from " in out.stderr
            assert "Traceback" not in out.stderr
    return url


def stored(url: str) -> list[tuple[Any, ...]]:
    """Everything a run stores about postings, without ids and times."""
    engine = make_engine(url)
    places = "pl.raw || '|' || coalesce(pl.country, '')"
    joined = (
        f"group_concat({places}, ';')"
        if engine.dialect.name == "sqlite"
        else f"string_agg({places}, ';' ORDER BY pl.id)"
    )
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.key, p.external_id, p.content_hash, p.signature, v.title, v.category, "
                "v.compute, v.salary_min, v.salary_currency, v.salary_bands, v.content_hash, "
                f"(SELECT {joined} "
                " FROM posting_place pl WHERE pl.version_id = v.id) "
                "FROM posting p JOIN source s ON s.id = p.source_id "
                "JOIN posting_version v ON v.id = p.current_version_id "
                "ORDER BY s.key, p.external_id"
            )
        ).all()
        runs = conn.execute(
            text(
                "SELECT s.key, r.status, r.error, r.seen, r.new FROM run r "
                "JOIN source s ON s.id = r.source_id ORDER BY s.key, r.id"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows] + [tuple(r) for r in runs]


def test_workers_store_what_one_process_stores(tmp_path: Path, server: LoopbackServer) -> None:
    fetched: list[int] = []
    here = stored(scrape_into(tmp_path, "here", server, "0", fetched, again=True))
    assert fetched == []  # no pool at all
    pooled = stored(scrape_into(tmp_path, "pooled", server, "2", fetched, again=True))
    assert fetched == [BOARDS + 2, BOARDS + 2]  # every board went to a worker, both times
    assert pooled == here
    postings = [r for r in here if len(r) > 5]
    assert len(postings) == BOARDS * 5
    failed = [r for r in here if len(r) == 5 and r[1] == "failed"]
    assert [r[0] for r in failed] == ["greenhouse:broken"] * 2 + ["greenhouse:html"] * 2
    assert "expected" in failed[0][2] or "jobs" in failed[0][2]
    second = [r for r in here if len(r) == 5 and r[1] == "ok"][1::2]
    assert {r[4] for r in second} == {0}  # the same boards again: nothing new


@pytest.mark.postgres
def test_workers_on_postgresql_store_what_one_process_stores(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """A worker reads the stored signatures over its own plain psycopg connection (db.light)."""
    from tests.conftest import _pg_base_url
    from tests.pg_schemas import create_schema, drop_schema, schema_url

    base = _pg_base_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    schemas = [create_schema(admin), create_schema(admin)]
    try:
        fetched: list[int] = []
        here, pooled = (
            stored(scrape_into(tmp_path, name, server, workers, fetched, True, url=url))
            for name, workers, url in (
                ("here", "0", schema_url(base, schemas[0])),
                ("pooled", "2", schema_url(base, schemas[1])),
            )
        )
        assert fetched == [BOARDS + 2, BOARDS + 2]  # the pooled scrapes: every board, twice
        assert pooled == here and len([r for r in here if len(r) > 5]) == BOARDS * 5
    finally:
        for schema in schemas:
            drop_schema(admin, schema)
        admin.dispose()


def test_killed_workers_leave_the_boards_to_this_process(
    tmp_path: Path, server: LoopbackServer
) -> None:
    fetched: list[int] = []
    here = stored(scrape_into(tmp_path, "here", server, "0", fetched))
    killed = stored(scrape_into(tmp_path, "killed", server, "1", fetched, kill=True))
    assert fetched == [0]  # the pool was started, and fetched nothing
    assert killed == here


REF = SourceRef(ats="greenhouse", token="acme", company="Acme", company_slug="acme")


def test_a_dead_worker_fails_its_boards_over(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    from tracker.settings import ScrapeSettings

    ref = replace(REF, token="b00", api_base=server.base_url)
    pool = ScrapePool(spawn.spawn(1, ScrapeSettings(retries=0), "sqlite:///unused.db"))

    async def scenario() -> list[str]:
        pool.start()
        at = datetime(2026, 11, 1, tzinfo=UTC)
        try:
            first = await pool.fetch(1, replace(ref, options={"_known": {}}), at)
            for worker in pool._procs:
                os.kill(worker.process.pid, signal.SIGKILL)
            await asyncio.sleep(0.5)
            with pytest.raises(PoolBroken):
                await pool.fetch(1, ref, at)
            return [first.kind, str(len(first.parsed.postings)), str(pool.usable)]
        finally:
            await pool.aclose()

    assert asyncio.run(scenario()) == ["parsed", "5", "False"]
    assert "scrape worker stopped; scraping in this process" in caplog.text


def test_small_scrapes_the_setting_and_per_host_decide_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in spawn.ENV:
        monkeypatch.delenv(name, raising=False)
    assert spawn.workers_wanted(spawn.MIN_BOARDS - 1) == 0
    cores = os.cpu_count() or 1
    assert spawn.workers_wanted(1000, 8) == (0 if cores < 2 else min(cores - 1, 4))
    assert spawn.workers_wanted(1000, 1) == (0 if cores < 2 else 1)  # politeness
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "0")
    assert spawn.workers_wanted(1000) == 0
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "2")
    assert spawn.workers_wanted(3) == 2
    assert spawn.workers_wanted(3, per_host=1) == 1
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "lots")
    assert spawn.workers_wanted(1000) == 0
    monkeypatch.delenv("TRACKER_SCRAPE_WORKERS")
    monkeypatch.setenv("TRACKER_PARSE_WORKERS", "0")  # the name of 0.x still works
    assert spawn.workers_wanted(1000) == 0


def test_an_in_memory_database_keeps_the_work_here() -> None:
    assert not spawn.shareable(create_engine("sqlite://"))
    assert not spawn.shareable(create_engine("sqlite:///:memory:"))
    assert spawn.shareable(create_engine("sqlite:///some.db"))


def test_per_host_holds_over_all_workers(tmp_path: Path) -> None:
    """Two workers share ``per_host = 2``: never more than two requests at the host at once."""
    with LoopbackServer() as slow:
        for b in range(BOARDS):
            board = gh_board(2, start=1000 * (b + 1))
            slow.add(f"/v1/boards/b{b:02d}/jobs", Reply(json=board, delay=0.05))
        url = f"sqlite:///{tmp_path / 'polite'}.db"
        config = tmp_path / "polite.toml"
        config.write_text("[scrape]\nretries = 0\ntimeout = 5\nconcurrency = 8\nper_host = 2\n")
        watch = tmp_path / "polite-watch.toml"
        watch.write_text(
            "\n".join(
                f'[[source]]\ncompany = "Co {b}"\nats = "greenhouse"\ntoken = "b{b:02d}"\n'
                f'api_base = "{slow.base_url}"\n'
                for b in range(BOARDS)
            )
        )
        cli = Cli(url, config)
        cli("sources", "import", str(watch))
        fetched: list[int] = []
        real_close = ScrapePool.aclose

        async def aclose(pool: ScrapePool) -> None:
            fetched.append(pool.boards)
            await real_close(pool)

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TRACKER_SCRAPE_WORKERS", "2")
            patch.setattr(ScrapePool, "aclose", aclose)
            cli("scrape")
        assert fetched == [BOARDS]
        assert slow.count() == BOARDS
        assert slow.max_in_flight() <= 2


def test_this_process_fetches_when_the_worker_lags(tmp_path: Path, server: LoopbackServer) -> None:
    """One worker with half of ``per_host = 8``: boards wait in its queue, so this process
    fetches some itself (a worker still parses them); what is stored is the same."""
    for b in range(BOARDS):  # slow enough that the worker's queue fills
        board = gh_board(4, start=1000 * (b + 1), location="Tokyo, Japan")
        board["jobs"].append(gh_job(1000 * (b + 1) + 99, f"Critical Facilities Lead {b}"))
        server.add(f"/v1/boards/b{b:02d}/jobs", Reply(json=board, delay=0.05))
    fetched: list[int] = []
    here = stored(scrape_into(tmp_path, "here", server, "0", fetched, per_host=8))
    shared = stored(scrape_into(tmp_path, "shared", server, "1", fetched, per_host=8))
    assert 0 < fetched[0] < BOARDS + 2  # some boards here, some in the worker
    assert shared == here
    assert server.max_in_flight() <= 8


def test_early_workers_only_for_a_big_sqlite_scrape(
    tmp_path: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.settings import ScrapeSettings

    for name in spawn.ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "1")
    scrape = ScrapeSettings(per_host=8)
    url = scrape_into(tmp_path, "early", server, "0", [])  # 20 enabled sources
    assert spawn.early_workers(scrape, "postgresql+psycopg://u@127.0.0.1/x", []) is None
    assert spawn.early_workers(scrape, f"sqlite:///{tmp_path / 'none.db'}", []) is None
    assert spawn.early_workers(scrape, "sqlite:///:memory:", []) is None
    monkeypatch.delenv("TRACKER_SCRAPE_WORKERS")
    assert spawn._enabled_sources(url) == BOARDS + 2
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "1")
    early = spawn.early_workers(scrape, url, [])
    assert early is not None and len(early.workers) == 1
    engine = create_engine(url)
    assert early.prefetch  # every enabled source: the worker starts on them at once
    assert spawn.spawned_for(BOARDS + 2, scrape, engine, early, prefetch=True) is early  # kept
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "0")
    process = early.workers[0][0]
    assert spawn.spawned_for(3, scrape, engine, early) is None  # not wanted: stopped
    assert process.poll() is not None and early.workers == []
    monkeypatch.setenv("TRACKER_SCRAPE_WORKERS", "1")
    for keys, company in (([], "acme"), (["greenhouse:b01"], None)):  # a part: no prefetch
        part = spawn.early_workers(scrape, url, keys, company)
        assert part is not None and not part.prefetch
        part.kill()
    whole = spawn.early_workers(scrape, url, [])
    assert whole is not None
    process = whole.workers[0][0]
    other = spawn.spawned_for(BOARDS, scrape, engine, whole, prefetch=False)
    assert other is not None and other is not whole and not other.prefetch
    other.kill()
    assert process.poll() is not None  # a prefetching worker is never kept for a part


def test_prefetched_boards_are_fetched_once_and_used(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """A scrape of every enabled source: its worker starts on its boards before the scrape
    asks, says which it holds, gets exactly those, and no board is fetched twice."""
    held: list[int] = []
    real = ScrapePool._held

    def spy(pool: ScrapePool, worker: Any, source_ids: list[int]) -> None:
        held.append(len(source_ids))
        real(pool, worker, source_ids)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ScrapePool, "_held", spy)
        url = scrape_into(tmp_path, "ahead", server, "1", [], again=True)
    assert len(held) == 2 and all(n > 0 for n in held), held  # one answer per scrape
    for b in range(BOARDS):
        assert server.count(f"/v1/boards/b{b:02d}/jobs") == 2  # once per scrape
    here = stored(scrape_into(tmp_path, "plain", server, "0", [], again=True))
    assert stored(url) == here


def test_a_prefetched_board_counts_only_for_the_reference_it_was_fetched_with() -> None:
    from jobs.scrapepool import _Ahead

    async def check() -> None:
        ahead = _Ahead(client=None, slots=asyncio.Semaphore(1))
        ref = SourceRef("greenhouse", "acme", "Acme", "acme", {"_body_hash": "h0"})
        done = asyncio.get_running_loop().create_future()
        done.set_result((None, None))

        async def fetched() -> Any:
            return await done

        first, second = asyncio.create_task(fetched()), asyncio.create_task(fetched())
        ahead.boards = {1: (ref, first), 2: (ref, second)}
        assert ahead.stop() == [1, 2] and ahead.stopped
        assert ahead.take(1, replace(ref)) is first  # the same state: used
        newer = replace(ref, options={"_body_hash": "h1"})  # another writer ran meanwhile
        assert ahead.take(2, newer) is None and second in ahead.unused
        assert ahead.take(2, newer) is None and ahead.take(3, ref) is None
        await asyncio.gather(first, second)
        assert not ahead.unused  # dropped once done
        ahead.close()

    asyncio.run(check())


def test_prefetched_boards_are_spread_among_the_rest() -> None:
    """Boards a worker prefetched go out spread evenly among the others (the workers fetch
    those while this process records the prefetched ones), each board once, each group in
    its own order; with none or all prefetched the order stays the key order."""
    from jobs.scrape import spread
    from jobs.targets import Target

    targets = [Target(i, SourceRef("greenhouse", f"b{i:02d}", "C", "c")) for i in range(12)]

    class Pool:
        def __init__(self, held: set[int]) -> None:
            self.held = held

        def holds(self, source_id: int) -> bool:
            return source_id in self.held

    order = [t.source_id for t in spread(targets, Pool({0, 1, 2, 3}))]
    assert sorted(order) == list(range(12))
    assert [i for i in order if i < 4] == [0, 1, 2, 3]
    assert [i for i in order if i >= 4] == list(range(4, 12))
    gaps = [b - a for a, b in itertools.pairwise(order.index(i) for i in range(4))]
    assert min(gaps) >= 2  # two of the rest between two prefetched ones
    assert order[0] == 4 and order.index(0) <= 2  # the workers get a board at once
    for held in (set(), set(range(12))):
        assert spread(targets, Pool(held)) == targets
    assert spread(targets, None) == targets
