"""Concurrent writers as real processes on SQLite and PostgreSQL (rule 7): several ``tracker
scrape`` at once, and a daemon plus manual scrapes, against a loopback board that changes on
every fetch. Afterwards the history is intact (see ``writers_helpers.check_history``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.writers_helpers import (
    ChangingBoard,
    check_history,
    no_tracebacks,
    run_all,
    start,
    tracker,
    write_setup,
)
from tests.jobs.boards import board_path
from tests.jobs.daemon import Daemon, query, wait_until
from tests.loopback import LoopbackServer

ACME = board_path("acme")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def test_scrapes_while_one_holds_the_source_skip_with_one_line(
    any_db_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    """While one scrape holds the source (its fetch is held open), two more scrapes wait
    briefly, then skip it with one line and exit 0, fetching nothing."""
    gate = threading.Event()
    server.add(ACME, ChangingBoard(gate=gate))
    config, _ = write_setup(tmp_path, server.base_url, {"acme": "Acme"}, lease_wait="0.5s")
    watch = str(tmp_path / "watchlist.toml")
    assert tracker(any_db_url, config, "sources", "import", watch, cwd=tmp_path).code == 0
    first = start(any_db_url, config, "scrape", cwd=tmp_path)
    try:
        wait_until(lambda: server.count(ACME) == 1, 60, what="the first scrape's fetch")
        others = run_all([start(any_db_url, config, "scrape", cwd=tmp_path) for _ in range(2)])
    finally:
        gate.set()
    done = run_all([first])[0]

    assert [d.code for d in (done, *others)] == [0, 0, 0], [d.stderr for d in others]
    no_tracebacks(*(d.stderr + d.stdout for d in (done, *others)))
    for d in others:
        lines = d.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("greenhouse:acme is being scraped by ")
        assert "0 ok, 0 failed, 1 skipped" in d.stdout
    assert server.count(ACME) == 1  # the skipped writers never fetched
    assert check_history(any_db_url, config)["runs"] == 1


def test_waiting_scrapes_run_one_after_another(
    any_db_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    """Four scrapes at once, long wait: each runs in turn on the changing board, none
    interleaves, nothing is corrupted."""
    server.add(ACME, ChangingBoard(delay=0.3))
    config, _ = write_setup(tmp_path, server.base_url, {"acme": "Acme"}, lease_wait="300s")
    watch = str(tmp_path / "watchlist.toml")
    assert tracker(any_db_url, config, "sources", "import", watch, cwd=tmp_path).code == 0

    done = run_all([start(any_db_url, config, "scrape", cwd=tmp_path) for _ in range(4)], 400)

    assert [d.code for d in done] == [0] * 4, [d.stderr for d in done]
    no_tracebacks(*(d.stderr + d.stdout for d in done))
    figures = check_history(any_db_url, config)
    assert figures["runs"] == server.count(ACME) == 4
    assert figures["versions"] > figures["postings"]  # titles changed between the runs
    statuses = [r[0] for r in query(any_db_url, "SELECT status FROM run")]
    assert statuses == ["ok"] * 4


def test_daemon_plus_manual_scrapes(
    any_db_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    """A daemon scraping every second while manual scrapes run: one writer at a time."""
    board = ChangingBoard(delay=0.4)
    server.add(ACME, board)
    config, _ = write_setup(
        tmp_path, server.base_url, {"acme": "Acme"}, interval="1s", lease_wait="120s"
    )
    daemon = Daemon(any_db_url, config, tmp_path).start()
    try:
        wait_until(lambda: server.count(ACME) >= 2, 30, daemon, "daemon scrapes")
        outcomes = []
        for _ in range(3):
            outcomes += run_all(
                [start(any_db_url, config, "scrape", cwd=tmp_path) for _ in range(2)]
            )
        assert daemon.stop(signal.SIGTERM) == 0
    finally:
        daemon.kill()
    assert all(d.code == 0 for d in outcomes), [d.stderr for d in outcomes]
    no_tracebacks(daemon.output(), *(d.stderr + d.stdout for d in outcomes))
    figures = check_history(any_db_url, config)
    recorded = figures["runs"]
    assert recorded == server.count(
        ACME
    )  # every fetch recorded once; skipped writers fetched nothing
    writers = {r[0] for r in query(any_db_url, "SELECT writer FROM run")}
    assert len(writers) >= 2  # the daemon and at least one manual scrape wrote
