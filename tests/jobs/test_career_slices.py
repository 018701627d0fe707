"""Slices of career sites through the CLI against a loopback site: a posting that leaves the
slice closes for that source; a failing later page fails the run and closes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli
from tests.loopback import LoopbackServer
from tests.sources import careerboards as cb

SEARCH = "/en/search.json"


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 1\nbackoff = 0.01\ntimeout = 5\n")
    return Cli(any_db_url, config)


def add_amazon(cli: Cli, server: LoopbackServer) -> None:
    out = cli(
        "sources", "add", "amazon", "dc", "--company", "Amazon",
        "--option", "query=data center", "--api-base", server.base_url,
    ).stdout  # fmt: skip
    assert "amazon:dc" in out


def test_sources_add_amazon_slice_as_the_readme_shows(cli: Cli, server: LoopbackServer) -> None:
    add_amazon(cli, server)
    listed = {s["key"]: s for s in cli.json("sources", "list")}
    assert "amazon:dc" in listed and listed["amazon:dc"]["company"] == "amazon"


def test_a_posting_leaving_the_slice_closes(cli: Cli, server: LoopbackServer) -> None:
    add_amazon(cli, server)
    jobs = [cb.amazon_job(n) for n in range(6)]
    cb.FakeSite(server, SEARCH, jobs, 100, cb.amazon_page, cb.query_int("offset"))
    cli("scrape")
    assert len(cli.json("roles", "--all")) == 6
    assert server.requests(SEARCH)[0].query["base_query"] == ["data center"]
    server.reset()
    cb.FakeSite(server, SEARCH, jobs[1:], 100, cb.amazon_page, cb.query_int("offset"))
    cli("scrape")
    open_now = {r["external_id"] for r in cli.json("roles", "--all")}
    assert open_now == {j["id_icims"] for j in jobs[1:]}


def test_a_failing_later_page_fails_the_run_and_closes_nothing(
    cli: Cli, server: LoopbackServer
) -> None:
    add_amazon(cli, server)
    jobs = [cb.amazon_job(n) for n in range(230)]
    cb.FakeSite(server, SEARCH, jobs, 100, cb.amazon_page, cb.query_int("offset"))
    cli("scrape")
    assert len(cli.json("roles", "--all")) == 230
    server.reset()
    cb.FakeSite(server, SEARCH, jobs, 100, cb.amazon_page, cb.query_int("offset"), fail={200})
    out = cli("scrape", code=1).stdout
    assert "failed" in out
    assert len(cli.json("roles", "--all")) == 230
    assert cli.json("sources", "list")[0]["status"] == "failed"


def test_ingest_a_captured_results_page(cli: Cli) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    cli("sources", "add", "google", "data-center", "--company", "Google",
        "--option", "query=data center")  # fmt: skip
    page = fixtures / "google" / "results_data_center.html"
    out = cli("ingest", str(page), "--source", "google:data-center", "--observed-at", "2026-10-01")
    assert "ok, 2 seen, 2 new" in out.stdout
    roles = {r["external_id"]: r for r in cli.json("roles", "--all")}
    assert roles["88110000000000001"]["salary"]["min"] == 69000
    assert roles["88110000000000002"]["locations"][0]["country"] == "IE"


def test_eightfold_details_only_for_new_positions(cli: Cli, server: LoopbackServer) -> None:
    from tests.loopback import Reply
    from tests.sources.helpers import load_fixture

    jobs = [cb.eightfold_job(n) for n in range(12)]
    cb.FakeSite(server, "/api/pcsx/search", jobs, 10, cb.eightfold_page, cb.query_int("start"))
    detail = load_fixture("eightfold", "position_details_datacenter.json")
    server.add("/api/pcsx/position_details", Reply(json=detail))
    cli("sources", "add", "eightfold", "microsoft-datacenter", "--company", "Microsoft",
        "--api-base", server.base_url, "--option", "host=apply.careers.microsoft.com",
        "--option", "query=datacenter")  # fmt: skip
    cli("scrape")
    assert server.count("/api/pcsx/position_details") == 12
    cli("scrape")
    assert server.count("/api/pcsx/position_details") == 12  # nothing new, nothing changed
    assert len(cli.json("roles", "--all")) == 12
