"""On SQLite a second ``tracker daemon`` refuses to start (one line, exit 2); after the first is
SIGKILLed a new one starts at once (the dead holder's lease is taken over)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.writers_helpers import ChangingBoard, no_tracebacks, tracker, write_setup
from tests.jobs.boards import board_path
from tests.jobs.daemon import Daemon
from tests.loopback import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def test_second_sqlite_daemon_refuses_and_a_sigkilled_one_is_replaced(
    db_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    server.add(board_path("acme"), ChangingBoard())
    config, _ = write_setup(tmp_path, server.base_url, {"acme": "Acme"}, interval="1h")
    first = Daemon(db_url, config, tmp_path).start()
    try:
        first.wait_for("daemon started", 60)
        second = tracker(db_url, config, "daemon", cwd=tmp_path)
        assert second.code == 2
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert first.proc is not None and f":{first.proc.pid})" in lines[0]
        assert "another tracker daemon" in lines[0]
        status = tracker(db_url, config, "status", "--format", "json", cwd=tmp_path)
        assert '"daemon": "' in status.stdout and str(first.proc.pid) in status.stdout
        first.kill()  # SIGKILL: no clean release
        third = Daemon(db_url, config, tmp_path).start()
        try:
            third.wait_for("daemon started", 60)
            assert third.stop(signal.SIGTERM) == 0
        finally:
            third.kill()
        no_tracebacks(third.output(), second.stderr)
    finally:
        first.kill()
