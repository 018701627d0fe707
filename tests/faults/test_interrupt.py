"""Ctrl-C in the middle of a big scrape (a real process group, its worker processes included):
exit 130 with one line, no traceback, no process left, every lease freed, and the history that
was written is consistent (the runs that finished, and nothing else)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.faults.writers_helpers import ChangingBoard, _env, check_history, write_setup
from tests.helpers import Cli
from tests.jobs.daemon import query
from tests.loopback import LoopbackServer

BOARDS = 20  # a scrape this size has worker processes, prefetching


def test_ctrl_c_mid_scrape_leaves_one_line_and_a_consistent_database(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        scrape_and_interrupt(tmp_path, server)


def scrape_and_interrupt(tmp_path: Path, server: LoopbackServer) -> None:
    board = ChangingBoard(delay=0.4)  # slow boards: the scrape is surely mid-way at Ctrl-C
    tokens = {f"b{i:02d}": f"Company {i}" for i in range(BOARDS)}
    for token in tokens:
        server.add(f"/v1/boards/{token}/jobs", board)
    config, _ = write_setup(tmp_path, server.base_url, tokens, concurrency=2, per_host=2)
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    Cli(db, config)("sources", "import", str(tmp_path / "watchlist.toml"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", "--db", db, "--config", str(config), "scrape"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=_env(),
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while board.hits < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert board.hits >= 6, "the scrape never got going"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: every process of the group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err, err
    time.sleep(0.5)
    try:
        os.killpg(proc.pid, 0)
        left = subprocess.run(["ps", "-o", "pid,cmd", "-g", str(proc.pid)], capture_output=True)
        raise AssertionError(f"processes left in the group: {left.stdout!r}")
    except ProcessLookupError:
        pass  # none left
    held = query(db, "SELECT count(*) FROM source_lease WHERE token IS NOT NULL")
    assert held[0][0] == 0  # every lease freed
    runs = query(db, "SELECT count(*), count(DISTINCT source_id) FROM run")
    assert 0 < runs[0][0] < BOARDS and runs[0][0] == runs[0][1]  # some boards, once each
    check_history(db, config)
