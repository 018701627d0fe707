"""The scrape job's incremental paths, through the CLI against loopback boards: a 304 Not
Modified is an ok run that changes nothing; detail-fetching ATSs fetch details only for new or
changed postings and keep the stored content of the others."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Cli, gh_board
from tests.loopback import LoopbackServer, Reply
from tests.sources.fakeboards import FakeWorkday, make_workday_jobs
from tests.tracker.test_cli import BOARD, add_acme


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 1\nbackoff = 0.01\ntimeout = 5\n")
    return Cli(any_db_url, config)


def test_etag_then_304_is_an_ok_run_that_changes_nothing(cli: Cli, server: LoopbackServer) -> None:
    add_acme(cli, server)
    server.add(
        BOARD,
        Reply(json=gh_board(6), headers={"ETag": '"v1"'}),
        Reply(status=304, headers={"ETag": '"v1"'}),
    )
    cli("scrape")
    first = {r["id"]: r["last_seen"] for r in cli.json("roles")}
    out = cli("scrape").stdout
    assert "1 ok, 0 failed" in out
    second = server.requests(BOARD)[1]
    assert second.headers.get("if-none-match") == '"v1"'
    roles = cli.json("roles")
    assert {r["id"] for r in roles} == set(first)
    assert all(r["last_seen"] >= first[r["id"]] for r in roles)  # JSON has 1 s resolution
    listed = cli.json("sources", "list")[0]
    assert listed["status"] == "ok" and listed["open"] == 6
    assert "│ ok     │ 6    │ 0   │" in out  # status ok, 6 seen, 0 new


def test_no_validators_after_a_failed_or_suspect_board(cli: Cli, server: LoopbackServer) -> None:
    add_acme(cli, server)
    server.add(BOARD, Reply(json=gh_board(10), headers={"ETag": '"v1"'}))
    cli("scrape")
    server.reset()
    server.add(BOARD, Reply(json=gh_board(2), headers={"ETag": '"v2"'}))
    assert "suspect" in cli("scrape").stdout
    server.reset()
    server.add(BOARD, Reply(json=gh_board(2), headers={"ETag": '"v2"'}))
    cli("scrape")
    # after a suspect run a 304 could not confirm the disappearance: a full fetch is made
    assert "if-none-match" not in server.requests(BOARD)[0].headers
    assert len(cli.json("roles")) == 2


def test_workday_details_only_for_new_postings(cli: Cli, server: LoopbackServer) -> None:
    jobs = make_workday_jobs(25, sites=("abilene", "quincy"))
    board = FakeWorkday(server, jobs)
    cli(
        "sources", "add", "workday", board.tenant, "--company", "Example Compute",
        "--api-base", server.base_url, "--option", f"site={board.site}",
        "--option", "host=examplecompute.wd1.myworkdayjobs.com",
    )  # fmt: skip
    cli("scrape")
    first = cli.json("roles", "--all")
    assert len(first) == 25
    assert all(len(r["locations"]) == 2 for r in first)  # the detail's places, not "2 Locations"
    details = sum(server.count(board.detail_path(j)) for j in jobs)
    assert details == 25
    cli("scrape")
    assert sum(server.count(board.detail_path(j)) for j in jobs) == 25  # none fetched again
    second = cli.json("roles", "--all")
    assert [r["locations"] for r in second] == [r["locations"] for r in first]
    history = cli.json("history", str(second[0]["id"]))
    assert len(history["versions"]) == 1  # carried forward: no flapping version
