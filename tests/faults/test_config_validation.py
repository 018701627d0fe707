"""Fault matrix, bad configuration and bad source tokens: one line, exit 2, nothing written.

Each wrong-typed or wrong-valued config is tried with a different command in a real process;
tokens that could steer a request path are refused at ``sources add`` / ``sources import``,
and a bad token already stored (from before tokens were checked) fails its run without a
single request.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.faults.hostile_servers import HostileServer, json_body, run_tracker
from tests.helpers import Cli, gh_board
from tests.jobs.boards import board_path, write_config

CASES = [
    ('[scrape]\ntimeout = "abc"\n', ["init"], "[scrape] timeout: expected a number, got 'abc'"),
    ('[digest]\nto = "a@x"\n', ["digest", "preview"], "[digest] to: expected a list, got 'a@x'"),
    ("[scrape]\nconcurrency = true\n", ["scrape"], "[scrape] concurrency: expected an integer"),
    ("[surprise]\nx = 1\n", ["roles"], "unknown key 'surprise'"),
    ('[smtp]\nport = "587"\n', ["status"], "[smtp] port: expected an integer, got '587'"),
    ('[smtp]\nsecurity = "tls"\n', ["digest", "send"], "[smtp] security: must be one of"),
    ('[scrape]\nrun_timeout = "forever"\n', ["daemon"], "[scrape] run_timeout: expected a"),
    ("[scrape]\ninterval = 6\n", ["sources", "list"], "[scrape] interval: expected a string"),
    ("database_url = ['x']\n", ["count", "--by", "company"], "database_url: expected a string"),
    ('[digest]\nschedule = "someday"\n', ["demo"], "bad [digest] schedule 'someday'"),
]


@pytest.mark.parametrize(("config", "command", "message"), CASES, ids=[c[2][:30] for c in CASES])
def test_bad_config_is_one_line_exit_2(
    tmp_path: Path, config: str, command: list[str], message: str
) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(config)
    ran = run_tracker(command, tmp_path)  # ./tracker.toml is found by itself
    assert ran.code == 2, ran.stdout + ran.stderr
    line = ran.one_error_line()
    assert message in line and "tracker.toml" in line
    assert not (tmp_path / "tracker.db").exists()  # nothing written


def empty_config(folder: Path) -> Path:
    path = folder / "empty.toml"
    path.write_text("")
    return path


BAD_TOKENS = ["../../x?y=#", "a/b", "x#frag", "..", "acme?page=2"]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_bad_token_refused_at_sources_add(tmp_path: Path, token: str) -> None:
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    ran = run_tracker(
        ["--db", db, "sources", "add", "greenhouse", token, "--company", "X"], tmp_path
    )
    assert ran.code == 2
    assert f"bad token {token!r}" in ran.one_error_line()
    assert Cli(db, empty_config(tmp_path)).json("sources", "list") == []


def test_bad_token_and_workday_site_refused_at_import(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    watchlist = tmp_path / "w.toml"
    watchlist.write_text(
        '[[source]]\ncompany = "Good"\nats = "lever"\ntoken = "good"\n\n'
        '[[source]]\ncompany = "NV"\nats = "workday"\ntoken = "nvidia"\n'
        'host = "nvidia.wd5.myworkdayjobs.com"\nsite = "../../admin"\n'
    )
    ran = run_tracker(["--db", db, "sources", "import", str(watchlist)], tmp_path)
    assert ran.code == 2
    assert "source #2: bad site '../../admin'" in ran.one_error_line()
    assert Cli(db, empty_config(tmp_path)).json("sources", "list") == []  # all or nothing


def test_stored_bad_token_fails_its_run_without_a_request(tmp_path: Path) -> None:
    db_file = tmp_path / "tracker.db"
    db = f"sqlite:///{db_file}"
    config = write_config(tmp_path / "tracker.toml", scrape={"retries": 0, "timeout": 30})
    cli = Cli(db, config)
    with HostileServer() as board:
        board.route(board_path("good"), json_body(gh_board(2)))
        for token in ("good", "evil"):
            cli(
                "sources",
                "add",
                "greenhouse",
                token,
                "--company",
                token,
                "--api-base",
                board.base(),
            )
        with sqlite3.connect(db_file) as conn:  # as if stored before tokens were checked
            conn.execute("UPDATE source SET token = '../../good?x=#' WHERE token = 'evil'")
        ran = run_tracker(["--db", db, "--config", str(config), "scrape"], tmp_path)
        assert ran.code == 1 and "Traceback" not in ran.stderr
        assert board.count() == 1 and board.count(board_path("good")) == 1
    status = {s["key"]: s for s in cli.json("sources", "list")}
    assert status["greenhouse:good"]["status"] == "ok"
    assert "bad token '../../good?x=#'" in status["greenhouse:evil"]["error"]
