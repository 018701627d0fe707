"""Issue 11 item 2: a bare date means the end of that day (UTC) in every query, so the README's
examples on the demo data (captured at 06:00 UTC on 20 Apr and 20 Nov 2026) give the story."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--out", str(path), "--html", str(folder / "r.html")])
    assert result.exit_code == 0, result.output
    return str(path)


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_readme_diff_example_is_5_to_13(demo_db: str) -> None:
    out = run(
        demo_db, "diff", "--from", "2026-04-20", "--to", "2026-11-20",
        "--company", "anthropic", "--format", "json",
    )  # fmt: skip
    report = json.loads(out)
    assert report["totals"] == {"from": 5, "to": 13, "delta": 8}
    assert report["to"] == "2026-11-20T23:59:59Z"


def test_roles_at_a_bare_date_lists_that_days_roles(demo_db: str) -> None:
    april = json.loads(run(demo_db, "roles", "--at", "2026-04-20", "--format", "json"))
    assert len(april) == 9  # 5 Anthropic + 2 ExampleCloud + 2 ExampleDC compute roles
    assert {r["first_seen"] for r in april} == {"2026-04-20T06:00:00Z"}
    before = json.loads(run(demo_db, "roles", "--at", "2026-04-19", "--format", "json"))
    assert before == []
    exact = json.loads(run(demo_db, "roles", "--at", "2026-04-20T05:00Z", "--format", "json"))
    assert exact == []  # a datetime is taken as given


def test_count_at_a_bare_date(demo_db: str) -> None:
    rows = json.loads(
        run(demo_db, "count", "--by", "company", "--at", "2026-04-20", "--format", "json")
    )
    assert {r["company"]: r["count"] for r in rows}["anthropic"] == 5


def test_default_from_is_a_week_before_the_end_of_the_to_day(demo_db: str) -> None:
    report = json.loads(run(demo_db, "diff", "--to", "2026-04-20", "--format", "json"))
    assert (report["from"], report["to"]) == ("2026-04-13T23:59:59Z", "2026-04-20T23:59:59Z")
    assert report["totals"]["to"] == 9


def test_ingest_with_a_bare_date_is_the_start_of_that_day(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    demo = ROOT / "seeds" / "demo"
    run(db, "sources", "import", str(demo / "watchlist.toml"))
    board = str(demo / "lever-examplecloud-2026-04-20.json")
    run(db, "ingest", board, "--source", "lever:examplecloud", "--observed-at", "2026-04-20")
    found = json.loads(run(db, "roles", "--at", "2026-04-20", "--format", "json"))
    assert {r["first_seen"] for r in found} == {"2026-04-20T00:00:00Z"}


def test_a_day_that_does_not_exist_is_one_line(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["--db", demo_db, "roles", "--at", "2026-02-30"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: bad date '2026-02-30': no such day"


def test_digest_preview_to_a_bare_date_includes_that_day(demo_db: str, tmp_path: Path) -> None:
    out = run(demo_db, "digest", "preview", "--to", "2026-11-20", "--out", str(tmp_path / "d.html"))
    # 21 compute roles were open at the end of 20 Nov (9 at its midnight, before the capture)
    assert re.search(r"\b21\b", out.split("\n\n")[1]), out[:300]
