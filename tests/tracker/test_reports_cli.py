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


# ------------------------------------------------------------------------------ reports


def paid(i: int, title: str, location: str, lo: int, hi: int, cur: str) -> dict[str, Any]:
    job = gh_job(i, title, location)
    job["pay_input_ranges"] = [{"min_cents": lo * 100, "max_cents": hi * 100,
                                "currency_type": cur, "title": "Pay"}]  # fmt: skip
    return job


def story(cli: Cli, tmp_path: Path) -> None:
    """Acme Cloud: one role at T0; at T1 two more (one with pay in GBP, one with a bad URL)."""
    add_acme(cli)
    ingest(cli, tmp_path, board(gh_job(1, "Data Center Technician", "Sydney, Australia")), T0)
    london = paid(2, "Data Center Operations Manager", "London, UK", 225000, 270000, "GBP")
    evil = gh_job(3, "Critical Facilities [Lead] (Tokyo)", "Tokyo, Japan")
    evil["absolute_url"] = "javascript:alert(1)"
    first = gh_job(1, "Data Center Technician", "Sydney, Australia")
    ingest(cli, tmp_path, board(first, london, evil), T1)


def test_titles_link_to_postings_in_markdown_and_html(cli: Cli, tmp_path: Path) -> None:
    story(cli, tmp_path)
    md = cli("diff", "--from", T0, "--to", T1, "--format", "md").stdout  # md = markdown
    assert md == cli("diff", "--from", T0, "--to", T1, "--format", "markdown").stdout
    url = "https://job-boards.greenhouse.io/acme/jobs/2"
    assert f"[Data Center Operations Manager]({url})" in md
    assert "javascript:" not in md  # not a link: shown as plain text
    assert "| Critical Facilities [Lead] (Tokyo) |" in md.replace("\\[", "[").replace("\\]", "]")
    html = cli("diff", "--from", T0, "--to", T1, "--format", "html").stdout
    assert f'<a href="{url}">Data Center Operations Manager</a>' in html
    assert "javascript:" not in html and "<td>Critical Facilities [Lead] (Tokyo)</td>" in html


def test_html_report_has_the_chart_light_and_dark(cli: Cli, tmp_path: Path) -> None:
    story(cli, tmp_path)
    html = cli("diff", "--from", T0, "--to", T1, "--format", "html").stdout
    assert '<source srcset="data:image/png;base64,' in html
    assert 'media="(prefers-color-scheme: dark)"' in html
    assert '<img class="chart" src="data:image/png;base64,' in html


def test_categories_in_words_slugs_in_json_and_display_names(cli: Cli, tmp_path: Path) -> None:
    story(cli, tmp_path)
    text = wide(cli, "diff", "--from", T0, "--to", T1)
    assert "Data-center operations" in text and "dc_operations" not in text
    assert "│ Acme Cloud " in text and "acme-cloud" not in text  # by company: display names
    data = cli.json("diff", "--from", T0, "--to", T1)
    assert {row["key"] for row in data["by"]["category"]} >= {"dc_operations"}
    assert data["by"]["company"][0]["key"] == "acme-cloud"
    roles = wide(cli, "roles", "--at", T1)
    assert "Data-center operations" in roles and "dc_operations" not in roles
    assert {r["category"] for r in cli.json("roles", "--at", T1)} >= {"dc_operations"}
    counted = wide(cli, "count", "--by", "company,category", "--at", T1)
    assert "Acme Cloud" in counted and "Data-center operations" in counted
    assert "Acme Cloud" in wide(cli, "sources", "list")
    counts = cli.json("count", "--by", "company", "--at", T1)
    assert counts == [{"company": "acme-cloud", "count": 3}]


def test_one_money_format_across_roles_diff_and_salaries(cli: Cli, tmp_path: Path) -> None:
    story(cli, tmp_path)
    band = "£225,000–£270,000 (≈ $"
    roles = wide(cli, "roles", "--at", T1)
    diff = wide(cli, "diff", "--from", T0, "--to", T1)
    salaries = wide(cli, "salaries", "--at", T1)
    for out in (roles, diff, salaries):
        assert band in out, out
    assert "GBP 225,000" not in roles + salaries


def test_tables_never_split_a_number(cli: Cli, tmp_path: Path) -> None:
    story(cli, tmp_path)
    narrow = wide(cli, "roles", "--at", T1, columns=70)
    assert "£225,000–£270,000" in narrow, narrow
    html = cli("diff", "--from", T0, "--to", T1, "--format", "html").stdout
    assert '<span style="white-space:nowrap">£225,000–£270,000</span>' in html


def test_long_listing_stops_at_a_limit(cli: Cli, tmp_path: Path) -> None:
    add_acme(cli)
    ingest(cli, tmp_path, gh_board(130), T1)
    out = wide(cli, "roles")
    assert out.rstrip().endswith("… 30 more: use --limit 0 or --format csv")
    assert "130 open compute roles" in out
    assert out.count("Data Center Technician") == 100
    few = wide(cli, "roles", "--limit", "5")
    assert few.count("Data Center Technician") == 5 and "… 125 more" in few
    every = wide(cli, "roles", "--limit", "0")
    assert every.count("Data Center Technician") == 130 and "more:" not in every
    assert len(cli.json("roles")) == 130  # machine formats are never cut
    assert cli("roles", "--format", "csv").stdout.count("\n") == 131
    towns = ("Tokyo, Japan", "London, UK", "Dallas, TX")
    cities = [gh_job(500 + i, "Data Center Technician", town) for i, town in enumerate(towns)]
    ingest(cli, tmp_path, board(*cities), "2026-11-21T06:00Z")  # suspect: closes nothing
    counted = wide(cli, "count", "--by", "city", "--limit", "2")
    assert "… 2 more: use --limit 0 or --format csv" in counted
    assert len(cli.json("count", "--by", "city")) == 4
    bad = cli("roles", "--limit", "-1", code=2)
    assert "--limit" in bad.stderr  # (one line: the CLI-framework errors item of issue 11)


def wide(cli: Cli, *args: str, columns: int = 200) -> str:
    """``tracker ...`` with a terminal of ``columns`` columns (Rich reads COLUMNS)."""
    from tracker.cli import app

    argv = ["--db", cli.db, "--config", str(cli.config), *args]
    result = cli.runner.invoke(app, argv, env={"COLUMNS": str(columns)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(result.stdout)
