"""Several ``tracker daemon`` processes on one PostgreSQL database (docs/concepts.md "Scale-out and
failover"): each board is fetched about as often as by one daemon, every fetch is recorded once,
and when one daemon is SIGKILLed mid-run the others take over its sources."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.writers_helpers import (
    ChangingBoard,
    check_history,
    no_tracebacks,
    tracker,
    write_setup,
)
from tests.helpers import Cli
from tests.jobs.boards import board_path
from tests.jobs.daemon import Daemon, query, wait_until
from tests.loopback import LoopbackServer

pytestmark = pytest.mark.postgres
BOARDS = {"acme": "Acme", "beta": "Beta"}
INTERVAL = 2.0  # seconds; jitter 0: one daemon fetches each board every 2 s


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def fetches(server: LoopbackServer) -> dict[str, int]:
    return {token: server.count(board_path(token)) for token in BOARDS}


def start_daemons(pg_url: str, tmp_path: Path, server: LoopbackServer, n: int) -> list[Daemon]:
    for token in BOARDS:
        server.add(board_path(token), ChangingBoard(delay=0.5))
    config, _ = write_setup(
        tmp_path, server.base_url, BOARDS, interval=f"{INTERVAL:g}s", lease_ttl="15s"
    )
    imported = tracker(pg_url, config, "sources", "import", str(tmp_path / "watchlist.toml"),
                       cwd=tmp_path)  # fmt: skip
    assert imported.code == 0, imported.stderr
    return [Daemon(pg_url, config, tmp_path).start() for _ in range(n)]


@pytest.mark.parametrize("n", [2, 3])
def test_daemons_share_sources_and_survive_a_sigkill(
    pg_url: str, tmp_path: Path, server: LoopbackServer, n: int
) -> None:
    daemons = start_daemons(pg_url, tmp_path, server, n)
    config = tmp_path / "tracker.toml"
    try:
        for d in daemons:
            d.wait_for("daemon started", 60)
        wait_until(lambda: min(fetches(server).values()) >= 2, 60, daemons[0], "first scrapes")
        # fetch rate: about one daemon's (never N times as often)
        before, clock = fetches(server), time.monotonic()
        time.sleep(12)
        after, elapsed = fetches(server), time.monotonic() - clock
        one_daemon = elapsed / INTERVAL  # N uncoordinated daemons would fetch N times this
        for token in BOARDS:
            assert after[token] - before[token] <= one_daemon * 1.3 + 2, (before, after, elapsed)
        # SIGKILL the daemon holding a source mid-run; the others take over
        pids = {d.proc.pid: d for d in daemons if d.proc is not None}
        holder = _wait_for_holder(pg_url, set(pids))
        victim = pids[holder]
        victim.kill()
        killed_at = time.monotonic()
        last = query(pg_url, "SELECT COALESCE(MAX(id), 0) FROM run")[0][0]
        survivors = [d for d in daemons if d is not victim]
        wait_until(
            lambda: (
                len(_runs_after(pg_url, last)) >= 2 * len(BOARDS)
                and len({key for key, _ in _runs_after(pg_url, last)}) == len(BOARDS)
            ),
            60,
            survivors[0],
            "the survivors to scrape every board again",
        )
        takeover = time.monotonic() - killed_at
        assert f":{holder}" not in "".join(w for _, w in _runs_after(pg_url, last))
        status = Cli(pg_url, config).json("status")
        ran_by = {s["key"]: s["ran_by"] for s in status["sources"]}
        assert all(r and r.endswith(tuple(f":{d.proc.pid}" for d in survivors if d.proc))
                   for r in ran_by.values()), ran_by  # fmt: skip
        for d in survivors:
            assert d.stop(signal.SIGTERM, timeout=90) == 0
    finally:
        for d in daemons:
            d.kill()
    no_tracebacks(*(d.output() for d in daemons))
    figures = check_history(pg_url, config)
    total_fetches = sum(fetches(server).values())
    # every fetch recorded once, except those the SIGKILL cut (at most one per board); runs
    # abandoned at SIGTERM may not have reached the board
    done = len(query(pg_url, "SELECT id FROM run WHERE status <> 'failed'"))
    assert total_fetches - len(BOARDS) <= figures["runs"], (figures, total_fetches)
    assert done <= total_fetches, (figures, total_fetches)
    print(f"daemons={n} takeover_after_kill={takeover:.1f}s figures={figures}")


def _wait_for_holder(pg_url: str, pids: set[int]) -> int:
    found: list[int] = []

    def holding() -> bool:
        rows = query(pg_url, "SELECT holder FROM source_lease WHERE holder IS NOT NULL")
        found[:] = [
            int(r[0].rsplit(":", 1)[1]) for r in rows if int(r[0].rsplit(":", 1)[1]) in pids
        ]
        return bool(found)

    wait_until(holding, 60, what="a daemon holding a source")
    return found[0]


def _runs_after(pg_url: str, run_id: int) -> list[tuple[str, str]]:
    """(source key, writer) of the runs recorded after ``run_id``."""
    rows = query(
        pg_url,
        "SELECT source.key, run.writer FROM run JOIN source ON source.id = run.source_id "
        "WHERE run.id > :id",
        id=run_id,
    )
    return [(r[0], r[1]) for r in rows]


def test_three_daemons_send_a_missed_digest_once(
    pg_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    """Each of three daemons tries the missed digest at start: exactly one email goes out."""
    from datetime import UTC, datetime, timedelta

    from tests.jobs.smtp import SmtpServer
    from tracker.schedule import DAYS

    due = datetime.now(UTC) - timedelta(hours=1)
    for token in BOARDS:
        server.add(board_path(token), ChangingBoard())
    with SmtpServer() as smtp:
        config, _ = write_setup(tmp_path, server.base_url, BOARDS, interval="1h")
        text = config.read_text() + (
            f'\n[digest]\nschedule = "{DAYS[due.weekday()]} {due:%H:%M}"\n'
            'to = ["analyst@example.com"]\nfrom = "tracker@example.com"\n'
            f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
        )
        config.write_text(text)
        imported = tracker(pg_url, config, "sources", "import", str(tmp_path / "watchlist.toml"),
                           cwd=tmp_path)  # fmt: skip
        assert imported.code == 0, imported.stderr
        past = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        board = tmp_path / "board.json"
        board.write_text(json.dumps({"jobs": [], "meta": {"total": 0}}))
        assert tracker(pg_url, config, "ingest", str(board), "--source", "greenhouse:acme",
                       "--observed-at", past, cwd=tmp_path).code == 0  # fmt: skip
        daemons = [Daemon(pg_url, config, tmp_path).start() for _ in range(3)]
        try:
            for d in daemons:
                d.wait_for("daemon started", 90)
            wait_until(lambda: len(smtp.messages) >= 1, 60, daemons[0], "the missed digest")
            time.sleep(2.0)  # every daemon's start-up retry has run by now
            for d in daemons:
                assert d.stop(signal.SIGTERM, timeout=90) == 0
        finally:
            for d in daemons:
                d.kill()
        assert len(smtp.messages) == 1
    sent = query(pg_url, "SELECT status FROM digest_send WHERE status = 'sent'")
    assert len(sent) == 1
    no_tracebacks(*(d.output() for d in daemons))
