"""``tracker salaries --by``: roles, roles with pay and quartiles per group (by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from db.session import make_engine, upgrade
from tests.db.factories import DUBLIN, TOKYO, make_source, posting, run
from tests.helpers import Cli
from tracker.domain import SalaryBand
from tracker.pay_stats import quantile, yearly


def usd(low: float, high: float, period: str = "year") -> SalaryBand:
    return SalaryBand(low, high, "USD", period, min_usd=low, max_usd=high)


EUR_BAND = SalaryBand(80_000, 100_000, "EUR", "year", min_usd=88_000, max_usd=110_000)


def test_quantile_and_yearly() -> None:
    assert quantile([], 0.5) is None
    assert quantile([7], 0.25) == 7
    assert quantile([4, 1, 3, 2], 0.5) == 2.5
    assert quantile([1, 2, 3, 4], 0.25) == 1.75 and quantile([1, 2, 3, 4], 0.75) == 3.25
    assert yearly(50, "hour") == 104_000 and yearly(10_000, "month") == 120_000
    assert yearly(None, "year") is None and yearly(1, "fortnight") is None


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """Tokyo: p0 100-200k, p1 $50-60/h, p2 no pay, p3 (Tokyo and Dublin) 150-250k;
    Dublin: p4 €80-100k (≈ $88-110k), an energy role."""
    engine = make_engine(db_url)
    upgrade(engine)
    with Session(engine) as session:
        source = make_source(session)
        run(session, source, 0, [
            posting("p0", salary=usd(100_000, 200_000)),
            posting("p1", salary=usd(50, 60, "hour")),
            posting("p2"),
            posting("p3", salary=usd(150_000, 250_000), places=(TOKYO, DUBLIN)),
            posting("p4", salary=EUR_BAND, places=(DUBLIN,), category="energy"),
        ])  # fmt: skip
        session.commit()
    engine.dispose()
    config = tmp_path / "tracker.toml"
    config.write_text("", encoding="utf-8")
    return Cli(db_url, config)


def test_by_country_quartiles(cli: Cli) -> None:
    rows = cli.json("salaries", "--by", "country")
    jp, ie = rows
    # JP minimums 100,000 / 104,000 / 150,000; maximums 124,800 / 200,000 / 250,000
    assert jp == {
        "country": "JP", "roles": 4, "with_pay": 3,
        "min_usd_p25": 102_000, "min_usd_p50": 104_000, "min_usd_p75": 127_000,
        "max_usd_p25": 162_400, "max_usd_p50": 200_000, "max_usd_p75": 225_000,
        "currency": "USD",
        "min_p25": 102_000, "min_p50": 104_000, "min_p75": 127_000,
        "max_p25": 162_400, "max_p50": 200_000, "max_p75": 225_000,
    }  # fmt: skip
    # IE: p3 (also in JP, counted in both groups) and p4 in EUR: two currencies, no native
    assert ie["roles"] == 2 and ie["with_pay"] == 2 and ie["currency"] is None
    assert (ie["min_usd_p25"], ie["min_usd_p50"], ie["min_usd_p75"]) == (103_500, 119_000, 134_500)
    assert (ie["max_usd_p25"], ie["max_usd_p50"], ie["max_usd_p75"]) == (145_000, 180_000, 215_000)
    assert ie["min_p50"] is None and ie["max_p75"] is None


def test_two_dimensions_filters_and_csv(cli: Cli) -> None:
    rows = cli.json("salaries", "--by", "category,country", "--country", "IE")
    got = [(r["category"], r["country"], r["roles"], r["with_pay"], r["min_usd_p50"],
            r["currency"], r["max_p50"]) for r in rows]  # fmt: skip
    assert got == [
        ("dc_operations", "IE", 1, 1, 150_000, "USD", 250_000),
        ("dc_operations", "JP", 1, 1, 150_000, "USD", 250_000),  # p3 is in Dublin and Tokyo
        ("energy", "IE", 1, 1, 88_000, "EUR", 100_000),
    ]
    csv = cli("salaries", "--by", "region", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("region,roles,with_pay,min_usd_p25,min_usd_p50,min_usd_p75,")
    assert csv[1].startswith("APAC,4,3,102000.0,104000.0,127000.0,")
    table = cli("salaries", "--by", "country").stdout
    assert "$104k–$200k" in table and "4 of 5 open roles publish pay" in table


def test_bad_combinations_are_one_line(cli: Cli) -> None:
    for extra in (["--currency", "EUR"], ["--bands", "all"]):
        bad = cli("salaries", "--by", "country", *extra, code=2)
        assert "--by summarises primary bands" in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
    assert "bad --by" in cli("salaries", "--by", "planet", code=2).stderr
