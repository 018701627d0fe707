"""Pay through the CLI (issue 9): FX drift is no change, every band shown, prose pay survives
``tracker renormalize``. Our own Greenhouse/Ashby-format captures in tests/fixtures/pay/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers import Cli
from tracker.normalize.fx import rate

PAY = Path(__file__).resolve().parents[1] / "fixtures" / "pay"
DAYS = ("2026-04-15", "2026-05-20")


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("")
    cli = Cli(any_db_url, config)
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme")
    cli("sources", "add", "ashby", "acme", "--company", "Acme")
    return cli


def ingest(cli: Cli, day: str) -> list[str]:
    lines = []
    for key, name in (("greenhouse:acme", "greenhouse_prose"), ("ashby:acme", "ashby_prose")):
        result = cli("ingest", str(PAY / f"{name}.json"), "--source", key, "--observed-at", day)
        lines.append(result.stdout.strip())
    return lines


def test_same_capture_on_two_fx_dates_is_no_change(cli: Cli) -> None:
    first, second = (date.fromisoformat(d) for d in DAYS)
    for ccy in ("GBP", "JPY", "EUR", "AUD", "KRW", "INR"):
        assert rate(ccy, "USD", first) != rate(ccy, "USD", second)  # the rates did move
    ingest(cli, DAYS[0])
    lines = ingest(cli, DAYS[1])
    assert all("0 new, 0 changed" in line for line in lines), lines
    roles = cli.json("roles", "--all")
    assert len(roles) == 19  # 14 Greenhouse + 5 Ashby postings: bad pay drops no posting
    for role in roles:
        history = cli.json("history", str(role["id"]))
        assert len(history["versions"]) == 1, history["versions"]


def test_salaries_shows_every_band_and_json_keeps_the_primary(cli: Cli) -> None:
    ingest(cli, DAYS[0])
    london = next(r for r in cli.json("roles", "--all") if r["title"] == "Data Center Site Lead")
    assert london["salary"]["currency"] == "GBP"
    assert [(b["currency"], b["label"]) for b in london["salaries"]] == [
        ("GBP", "UK"),
        ("USD", "US"),
    ]
    every = cli.json("salaries", "--all", "--bands", "all")
    primary = cli.json("salaries", "--all")
    assert len(every) == len(primary) + 2  # the London and the Zone A/B posting: two bands each
    mine = [row for row in every if row["id"] == london["id"]]
    assert [(row["min"], row["max"], row["label"]) for row in mine] == [
        (120000, 150000, "UK"),
        (180000, 220000, "US"),
    ]
    table = cli("salaries", "--all", "--bands", "all").stdout
    assert "UK" in table and "Zone B" in table


def test_bad_bands_value_is_one_line(cli: Cli) -> None:
    result = cli("salaries", "--bands", "some", code=2)
    assert "--bands" in (result.stderr or result.output)


def test_prose_pay_survives_renormalize(cli: Cli) -> None:
    ingest(cli, DAYS[0])
    before = {r["id"]: r["salaries"] for r in cli.json("roles", "--all")}
    out = cli("renormalize").stdout
    assert out.strip().endswith("0 versions updated in 2 sources"), out
    after = {r["id"]: r["salaries"] for r in cli.json("roles", "--all")}
    assert after == before
    assert sum(1 for bands in after.values() if bands) == 17  # all but the perks and 10^28 jobs
