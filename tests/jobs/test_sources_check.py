"""``tracker sources check``: one polite request per source, through the CLI on loopback sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli, gh_board
from tests.loopback import LoopbackServer, Reply
from tests.sources import careerboards as cb


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 0\nbackoff = 0.01\ntimeout = 5\n")
    return Cli(any_db_url, config)


def test_check_counts_postings_with_one_request_each(cli: Cli, server: LoopbackServer) -> None:
    server.add("/v1/boards/acme/jobs", Reply(json=gh_board(4)))
    jobs = [cb.amazon_job(n) for n in range(230)]
    cb.FakeSite(server, "/en/search.json", jobs, 100, cb.amazon_page, cb.query_int("offset"))
    base = server.base_url
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme", "--api-base", base)
    cli("sources", "add", "amazon", "dc", "--company", "Amazon", "--api-base", base,
        "--option", "query=data center")  # fmt: skip
    out = cli("sources", "check").stdout
    assert "4 postings  greenhouse:acme" in out
    assert "230 postings  amazon:dc" in out
    assert "2 of 2 sources answer" in out
    assert server.count("/en/search.json") == 1  # not a crawl
    assert server.requests("/en/search.json")[0].query["result_limit"] == ["1"]


def test_check_reports_a_token_that_does_not_answer(cli: Cli, server: LoopbackServer) -> None:
    base = server.base_url
    cli("sources", "add", "greenhouse", "nobody", "--company", "Nobody", "--api-base", base)
    out = cli("sources", "check", "greenhouse:nobody", code=1).stdout
    assert "FAILED" in out and "HTTP 404" in out and "0 of 1 sources answer" in out


def test_check_a_watchlist_file_without_importing_it(
    cli: Cli, server: LoopbackServer, tmp_path: Path
) -> None:
    jobs = [cb.eightfold_job(n) for n in range(37)]
    cb.FakeSite(server, "/api/pcsx/search", jobs, 10, cb.eightfold_page, cb.query_int("start"))
    watchlist = tmp_path / "watch.toml"
    watchlist.write_text(
        '[[source]]\ncompany = "Microsoft"\nats = "eightfold"\ntoken = "microsoft-dc"\n'
        'host = "apply.careers.microsoft.com"\nquery = "datacenter"\n'
        f'api_base = "{server.base_url}"\n'
        "enabled = false\n"
    )
    cli("init")
    out = cli("sources", "check", "--file", str(watchlist)).stdout
    assert "37 postings  eightfold:microsoft-dc" in out
    assert cli.json("sources", "list") == []


def test_check_unknown_key_is_bad_input(cli: Cli) -> None:
    cli("init")
    result = cli("sources", "check", "lever:nope", code=2)
    assert "unknown source(s) lever:nope" in result.output + (result.stderr or "")
