"""Fault matrix, hostile boards: real ``tracker`` processes against loopback boards.

- a board that drips its body one byte at a time fails on the request deadline (``timeout`` is
  the whole request, not per read) or on the run deadline (``run_timeout``), as a ``failed``
  run that closes nothing, while the other boards of the pass are recorded normally;
- redirects: another host (another loopback name, 169.254.169.254) is refused with one line
  naming the target and never contacted; the same host and an http -> https upgrade are
  followed;
- NaN / Infinity / 1e400 / negative pay amounts drop that band, never the board.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.hostile_servers import (
    HostileServer,
    drip,
    json_body,
    redirect,
    run_tracker,
    self_signed_cert,
)
from tests.helpers import Cli, gh_board, gh_job
from tests.jobs.boards import board_path, write_config, write_watchlist


@pytest.fixture
def board() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


class Tracker:
    """``tracker --db ... --config ...``: scrapes in a real process; set-up and read-back
    in-process (cheaper on a shared machine)."""

    def __init__(self, folder: Path, scrape: dict[str, Any], env: dict[str, str] | None = None):
        self.folder = folder
        self.db = f"sqlite:///{folder / 'tracker.db'}"
        self.config = self.configure(scrape)
        self.env = env
        self.cli = Cli(self.db, self.config)

    def configure(self, scrape: dict[str, Any]) -> Path:
        """(Re)write the config: set-up scrapes get generous limits, hostile ones tight."""
        return write_config(self.folder / "tracker.toml", scrape=scrape)

    def __call__(self, *args: str) -> Any:
        return run_tracker(
            ["--db", self.db, "--config", str(self.config), *args], self.folder, self.env
        )

    def watch(self, base: str, tokens: dict[str, str]) -> None:
        path = write_watchlist(self.folder / "watchlist.toml", base, tokens)
        self.cli("sources", "import", str(path))

    def json(self, *args: str) -> Any:
        return self.cli.json(*args)

    def open_ids(self) -> set[str]:
        return {r["external_id"] for r in self.json("roles", "--all")}

    def status(self) -> dict[str, Any]:
        return {s["key"]: s for s in self.json("sources", "list")}


FAST = {"retries": 0, "backoff": 0.01, "timeout": 30}


def test_slow_drip_board_fails_on_the_request_deadline(tmp_path: Path, board: HostileServer):
    tracker = Tracker(tmp_path, FAST)
    board.route(board_path("drip"), json_body(gh_board(3)))
    board.route(board_path("fine"), json_body(gh_board(2, start=500)))
    tracker.watch(board.base(), {"drip": "Drip", "fine": "Fine"})
    assert tracker("scrape").code == 0
    before = tracker.open_ids()
    assert len(before) == 5

    tracker.configure({**FAST, "timeout": 2})
    board.route(board_path("drip"), drip(gh_board(3), every=0.25))  # each byte well within 2 s
    ran = tracker("scrape")
    assert ran.code == 1 and "Traceback" not in ran.stderr
    status = tracker.status()
    assert status["greenhouse:drip"]["status"] == "failed"
    assert "timeout after 2s" in status["greenhouse:drip"]["error"]
    assert status["greenhouse:fine"]["status"] == "ok"
    assert tracker.open_ids() == before  # a failed run closes nothing


def test_run_deadline_fails_the_run_and_closes_nothing(tmp_path: Path, board: HostileServer):
    tracker = Tracker(tmp_path, FAST)
    board.route(board_path("drip"), json_body(gh_board(3)))
    tracker.watch(board.base(), {"drip": "Drip"})
    assert tracker("scrape").code == 0
    tracker.configure({**FAST, "timeout": 60, "run_timeout": "2s"})
    board.route(board_path("drip"), drip(gh_board(3), every=0.25))
    ran = tracker("scrape")
    assert ran.code == 1 and "Traceback" not in ran.stderr
    error = tracker.status()["greenhouse:drip"]["error"]
    assert "run deadline of 2s exceeded" in error
    assert len(tracker.open_ids()) == 3


@pytest.mark.parametrize("target", ["other-loopback-name", "metadata"])
def test_redirect_to_another_host_fails_the_run(
    tmp_path: Path, board: HostileServer, target: str
) -> None:
    tracker = Tracker(tmp_path, FAST)
    with HostileServer() as other:
        other.route(board_path("acme"), json_body(gh_board(4)))
        location = (
            other.base("localhost") + board_path("acme")
            if target == "other-loopback-name"
            else "http://169.254.169.254/latest/meta-data/iam/"
        )
        board.route(board_path("acme"), json_body(gh_board(2)))
        tracker.watch(board.base(), {"acme": "Acme"})
        assert tracker("scrape").code == 0
        board.route(board_path("acme"), redirect(location))
        ran = tracker("scrape")
        assert ran.code == 1 and "Traceback" not in ran.stderr
        error = tracker.status()["greenhouse:acme"]["error"]
        assert "\n" not in error and f"another host refused: {location}" in error
        assert other.count() == 0
        assert len(tracker.open_ids()) == 2


def test_redirect_on_the_same_host_is_followed(tmp_path: Path, board: HostileServer) -> None:
    tracker = Tracker(tmp_path, FAST)
    board.route(board_path("acme"), redirect(board_path("mirror"), status=301))
    board.route(board_path("mirror"), json_body(gh_board(3)))
    tracker.watch(board.base(), {"acme": "Acme"})
    ran = tracker("scrape")
    assert ran.code == 0, ran.stdout + ran.stderr
    assert len(tracker.open_ids()) == 3 and board.count(board_path("mirror")) == 1


def test_http_to_https_upgrade_on_the_same_host_is_followed(
    tmp_path: Path, board: HostileServer
) -> None:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("openssl command not installed: cannot make a test certificate")
    cert, key = made
    tracker = Tracker(tmp_path, FAST, env={"SSL_CERT_FILE": str(cert)})
    with HostileServer(cert=cert, key=key) as secure:
        secure.route(board_path("acme"), json_body(gh_board(3)))
        board.route(board_path("acme"), redirect(secure.base() + board_path("acme"), 301))
        tracker.watch(board.base(), {"acme": "Acme"})
        ran = tracker("scrape")
        assert ran.code == 0, ran.stdout + ran.stderr
        assert secure.count(board_path("acme")) == 1
    assert len(tracker.open_ids()) == 3


HOSTILE_PAY = ["NaN", "Infinity", "-Infinity", "1e400", "-12000000", "1" + "0" * 400]


def test_bad_amounts_stay_local(tmp_path: Path, board: HostileServer) -> None:
    """Each job carries one hostile amount next to a good band; the board stays ``ok``."""
    jobs = []
    for i, bad in enumerate(HOSTILE_PAY):
        job = gh_job(700 + i, f"Data Center Technician {i}")
        job["pay_input_ranges"] = [
            {"min_cents": "@BAD@", "max_cents": "@BAD@", "currency_type": "USD", "title": "Bad"},
            {"min_cents": 9000000, "max_cents": 12000000, "currency_type": "USD", "title": "US"},
        ]
        jobs.append(json.dumps(job).replace('"@BAD@"', bad))
    raw = '{"jobs": [' + ", ".join(jobs) + '], "meta": {"total": 6}}'
    board.route(board_path("acme"), json_body(None, raw=raw))
    tracker = Tracker(tmp_path, FAST)
    tracker.watch(board.base(), {"acme": "Acme"})
    ran = tracker("scrape")
    assert ran.code == 0, ran.stdout + ran.stderr
    roles = tracker.json("roles", "--all")
    assert len(roles) == len(HOSTILE_PAY)
    for role in roles:
        salary = role["salary"]
        assert salary is None or (salary["min"], salary["max"]) == (90000, 120000), salary
