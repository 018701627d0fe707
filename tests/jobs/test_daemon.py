"""``tracker daemon`` as a real subprocess against a loopback board (and a loopback SMTP server):
repeated scrapes, SIGTERM, SIGKILL mid-run and restart, a missed digest sent exactly once."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import Cli
from tests.jobs.boards import board_path, gh_board, write_config, write_watchlist
from tests.jobs.daemon import GUARD, Daemon, query, wait_until
from tests.jobs.smtp import SmtpServer
from tests.loopback import LoopbackServer, Reply
from tracker.schedule import DAYS

ACME, SLOW = board_path("acme"), board_path("slow")
PASSWORD = "s3cret-Pa55-do-not-log"
FAST = {"interval": "1s", "jitter": "0s", "retries": 0, "timeout": 60}

DaemonFactory = Callable[..., Daemon]


@pytest.fixture
def daemons(tmp_path: Path) -> Iterator[DaemonFactory]:
    started: list[Daemon] = []

    def make(db: str, config: Path, env: dict[str, str] | None = None) -> Daemon:
        daemon = Daemon(db, config, tmp_path, env)
        started.append(daemon)
        return daemon.start()

    yield make
    for daemon in started:
        daemon.kill()


def runs(db: str, key: str) -> list[tuple[str, str | None]]:
    """(status, error) of a source's runs, oldest first."""
    rows = query(
        db,
        "SELECT run.status, run.error FROM run JOIN source ON source.id = run.source_id "
        "WHERE source.key = :key ORDER BY run.observed_at, run.id",
        key=key,
    )
    return [(r[0], r[1]) for r in rows]


def postings(db: str) -> list[tuple[str, str]]:
    rows = query(
        db,
        "SELECT source.key, posting.external_id FROM posting "
        "JOIN source ON source.id = posting.source_id ORDER BY 1, 2",
    )
    return [(r[0], r[1]) for r in rows]


def job_ids(db: str) -> list[str]:
    return [r[0] for r in query(db, "SELECT id FROM scheduler_job ORDER BY id")]


def test_scrapes_every_source_repeatedly_and_sigterm_exits_0(
    any_db_url: str, tmp_path: Path, server: LoopbackServer, daemons: DaemonFactory
) -> None:
    server.add(ACME, Reply(json=gh_board(3)))
    server.add(SLOW, Reply(json=gh_board(2, start=500)))
    watch = write_watchlist(tmp_path / "w.toml", server.base_url, {"acme": "Acme", "slow": "Slo"})
    config = write_config(tmp_path / "tracker.toml", watchlist=str(watch), scrape=FAST)
    daemon = daemons(any_db_url, config)
    wait_until(
        lambda: server.count(ACME) >= 3 and server.count(SLOW) >= 3, GUARD, daemon, "scrapes"
    )

    status = Cli(any_db_url, config).json("status")
    by_key = {s["key"]: s for s in status["sources"]}
    assert by_key["greenhouse:acme"]["status"] == "ok"
    assert by_key["greenhouse:acme"]["health"].startswith(("ok", "stale"))  # 1s interval
    assert by_key["greenhouse:slow"]["next_run"] and by_key["greenhouse:acme"]["next_run"]

    assert daemon.stop(signal.SIGTERM) == 0
    log = daemon.output()
    assert log.count("run source=greenhouse:acme status=ok seen=3") >= 3
    assert "daemon stopped" in log and "Traceback" not in log
    assert [s for s, _ in runs(any_db_url, "greenhouse:acme")].count("ok") >= 3
    assert len(postings(any_db_url)) == 5
    assert job_ids(any_db_url) == [
        "fx-refresh", "housekeeping", "scrape:greenhouse:acme", "scrape:greenhouse:slow",
        "sources-sync",
    ]  # fmt: skip


def test_sigkill_mid_run_then_restart_carries_on(
    db_url: str, tmp_path: Path, server: LoopbackServer, daemons: DaemonFactory
) -> None:
    """SQLite only (it is the slowest test; the daemon runs on PostgreSQL in the others)."""
    any_db_url = db_url
    server.add(ACME, Reply(json=gh_board(3)))
    server.add(SLOW, Reply(json=gh_board(2, start=500), delay=0.8))
    watch = write_watchlist(tmp_path / "w.toml", server.base_url, {"acme": "Acme", "slow": "Slo"})
    config = write_config(tmp_path / "tracker.toml", watchlist=str(watch), scrape=FAST)
    first = daemons(any_db_url, config)
    wait_until(lambda: server.count(SLOW) >= 2, GUARD, first, "two slow scrapes")
    seen = server.count(SLOW)
    wait_until(lambda: server.count(SLOW) > seen, GUARD, first, "a slow request in flight")
    first.kill()  # SIGKILL while the slow board's reply is still on its way

    killed_at = server.count(SLOW)
    assert len(runs(any_db_url, "greenhouse:slow")) == killed_at - 1  # the cut run left nothing
    before = postings(any_db_url)
    assert len(before) == len(set(before)) == 5
    jobs_before = job_ids(any_db_url)

    second = daemons(any_db_url, config)
    wait_until(lambda: server.count(SLOW) >= killed_at + 2, GUARD, second, "scrapes resume")
    assert job_ids(any_db_url) == jobs_before
    assert postings(any_db_url) == before  # no duplicates after the restart

    server.add(SLOW, Reply(json=gh_board(2, start=500), delay=30))
    asked = server.count(SLOW)
    wait_until(lambda: server.count(SLOW) > asked, GUARD, second, "a stuck slow request")
    clock = time.monotonic()
    assert second.stop(signal.SIGTERM) == 0
    assert time.monotonic() - clock < 25  # the stuck reply would take 30 s: it was not awaited
    status, error = runs(any_db_url, "greenhouse:slow")[-1]
    assert status == "failed" and error and error.startswith("abandoned")
    assert "status=failed" in second.output()
    assert postings(any_db_url) == before  # an abandoned run closes nothing
    opened = Cli(any_db_url, config).json("roles")
    assert len(opened) == 5


def test_missed_digest_is_sent_once_after_restarts(
    any_db_url: str, tmp_path: Path, server: LoopbackServer, daemons: DaemonFactory
) -> None:
    now = datetime.now(UTC)
    due = now - timedelta(hours=1)  # the scheduled time passed while "the daemon was down"
    server.add(ACME, Reply(json=gh_board(3)))
    watch = write_watchlist(tmp_path / "w.toml", server.base_url, {"acme": "Acme"})
    with SmtpServer(login=("tracker", PASSWORD)) as smtp:
        config = write_config(
            tmp_path / "tracker.toml",
            watchlist=str(watch),
            scrape={**FAST, "interval": "1h"},
            digest={
                "schedule": f"{DAYS[due.weekday()]} {due:%H:%M}",
                "to": ["analyst@example.com", "desk@example.com"],
                "from": "tracker@example.com",
            },
            smtp={
                "host": "127.0.0.1", "port": smtp.port, "security": "none",
                "username": "tracker", "password_env": "TEST_TRACKER_SMTP_PASSWORD",
            },
        )  # fmt: skip
        cli = Cli(any_db_url, config)
        cli("sources", "import", str(watch))
        payload = tmp_path / "board.json"
        payload.write_text(json.dumps(gh_board(2)))
        observed = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cli("ingest", str(payload), "--source", "greenhouse:acme", "--observed-at", observed)

        env = {"TEST_TRACKER_SMTP_PASSWORD": PASSWORD}
        logs = []
        for attempt in range(2):
            daemon = daemons(any_db_url, config, env)
            daemon.wait_for("daemon started")
            if attempt == 0:
                wait_until(lambda: len(smtp.messages) == 1, GUARD, daemon, "the missed digest")
            time.sleep(1.0)  # the retry job runs at start; give it time to (not) send again
            assert daemon.stop(signal.SIGTERM) == 0
            logs.append(daemon.output())

        assert len(smtp.messages) == 1
        received = smtp.messages[0]
        assert sorted(received.rcpt_tos) == ["analyst@example.com", "desk@example.com"]
        assert received.message["Subject"].startswith("[DC hiring] ")
        assert smtp.logins == [("tracker", True)]
    sends = query(any_db_url, "SELECT status, recipients FROM digest_send")
    assert [tuple(r) for r in sends] == [("sent", "analyst@example.com,desk@example.com")]
    assert "digest period=" in logs[0] and "status=sent" in logs[0]
    assert all(PASSWORD not in log for log in logs)
    status = cli.json("status")
    assert status["digest"]["last_sent"]["status"] == "sent"
    assert status["digest"]["current_period"]["state"] == "sent"
