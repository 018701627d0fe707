"""Reports people can use, through the CLI (issue 11 items 4-6 and the diff crash): places
without a city, links, labels, money, limits, headlines, digest periods."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli, gh_board, gh_job
from tests.loopback import LoopbackServer, Reply

T0 = "2026-11-13T06:00Z"
T1 = "2026-11-20T06:00Z"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.toml"
    path.write_text("[scrape]\nretries = 1\ntimeout = 1\n")
    return path


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def cli(any_db_url: str, config: Path) -> Cli:
    return Cli(any_db_url, config)


def add_acme(cli: Cli) -> None:
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme Cloud",
        "--option", "departments=Compute")  # fmt: skip


def ingest(cli: Cli, tmp_path: Path, board: dict[str, Any], when: str, key: str = "acme") -> None:
    path = tmp_path / f"{key}-{when[:10]}-{len(list(tmp_path.glob('*.json')))}.json"
    path.write_text(json.dumps(board))
    cli("ingest", str(path), "--source", f"greenhouse:{key}", "--observed-at", when)


def board(*jobs: dict[str, Any]) -> dict[str, Any]:
    return {"jobs": list(jobs), "meta": {"total": len(jobs)}}


# ------------------------------------------------------------------------------ the crash


def test_diff_with_a_city_less_place_beside_another_office(cli: Cli, tmp_path: Path) -> None:
    """A changed role listing Singapore (a country, no city) beside Tokyo used to raise
    ``TypeError: '<' not supported between 'str' and 'NoneType'`` in diff and digest."""
    add_acme(cli)
    ingest(cli, tmp_path, board(gh_job(1, "Data Center Technician", "Tokyo, Japan")), T0)
    moved = gh_job(1, "Data Center Technician", "Singapore; Tokyo, Japan")
    ingest(cli, tmp_path, board(moved), T1)
    out = cli("diff", "--from", T0, "--to", T1).stdout
    assert "Singapore" in out and "Tokyo" in out
    data = cli.json("diff", "--from", T0, "--to", T1)
    assert list(data["changed"][0]["changes"]) == ["locations"]
    preview = cli("digest", "preview", "--from", T0, "--to", T1).stdout
    assert "Singapore" in preview


# ------------------------------------------------------------------------------ headlines


def test_headline_tells_turnover_behind_an_unchanged_count(cli: Cli, tmp_path: Path) -> None:
    add_acme(cli)
    ingest(cli, tmp_path, gh_board(13, start=100), T0)
    ingest(cli, tmp_path, gh_board(13, start=101), T1)  # job 100 closed, job 113 opened
    out = cli("diff", "--from", T0, "--to", T1).stdout
    assert out.startswith("13 open compute roles (unchanged: +1 opened, −1 closed)")
    turnover = "(unchanged since 13 Nov 2026: +1 opened, −1 closed)"
    assert f"Acme Cloud: 13 open compute roles {turnover}" in out
    data = cli.json("diff", "--from", T0, "--to", T1)
    assert data["totals"] == {"from": 13, "to": 13, "delta": 0}


def test_every_source_failed_reads_unverified_not_zero(
    cli: Cli, tmp_path: Path, server: LoopbackServer
) -> None:
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme Cloud",
        "--api-base", server.base_url, "--option", "departments=Compute")  # fmt: skip
    with LoopbackServer() as gone:
        dead = gone.base_url
    cli("sources", "add", "greenhouse", "beta", "--company", "Beta Compute", "--api-base", dead)
    server.add("/v1/boards/acme/jobs", Reply(status=503))
    cli("scrape", code=1)
    out = cli("diff").stdout
    first = out.splitlines()[0]
    assert first.startswith("Numbers unverified") and "0 open" not in first
    assert "Numbers unverified: all 2 sources failed" in out
    assert "No open compute roles" not in out
    line = next(s for s in out.splitlines() if s.startswith("• Not verified"))
    assert "Acme Cloud (HTTP 503 since" in line and "Beta Compute (unreachable since" in line
    for noise in ("http://", "127.0.0.1", "Errno", "attempts"):
        assert noise not in line, line
    data = cli.json("diff")
    assert data["unverified_sources"][0]["error"].startswith("HTTP 503")  # JSON keeps the detail
    preview = cli("digest", "preview").stdout
    assert preview.startswith("Subject: [DC hiring] numbers unverified: all 2 sources failed")


def test_one_failed_source_of_two_keeps_the_numbers(
    cli: Cli, tmp_path: Path, server: LoopbackServer
) -> None:
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme Cloud",
        "--api-base", server.base_url, "--option", "departments=Compute")  # fmt: skip
    cli("sources", "add", "greenhouse", "beta", "--company", "Beta Compute",
        "--api-base", server.base_url, "--option", "departments=Compute")  # fmt: skip
    server.add("/v1/boards/acme/jobs", Reply(json=gh_board(3)))
    server.add("/v1/boards/beta/jobs", Reply(status=500))
    cli("scrape", code=1)
    out = cli("diff").stdout
    assert out.startswith("3 open compute roles (+3)")
    assert "Not verified this week: Beta Compute (HTTP 500" in out
