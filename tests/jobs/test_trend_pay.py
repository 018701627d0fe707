"""``tracker trend --metric pay`` (medians by hand) and ``--format png`` (a real PNG file)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session

from db.session import make_engine, upgrade
from jobs.trend import chart_series, pay_trend_rows
from tests.db.factories import DUBLIN, TOKYO, at, make_source, posting, run
from tests.helpers import Cli
from tracker.domain import RoleFilter, SalaryBand

DAY = 24


def band(low: float, high: float, period: str = "year") -> SalaryBand:
    return SalaryBand(low, high, "USD", period, min_usd=low, max_usd=high)


def pay_history(engine: Engine) -> None:
    """Week 16: p0 100-200k, p1 $50-60/h (104,000-124,800 a year), p2 no pay, p3 (Tokyo and
    Dublin) 150-250k. Week 17: p0 is gone."""
    p0 = posting("p0", salary=band(100_000, 200_000))
    p1 = posting("p1", salary=band(50, 60, "hour"))
    p2 = posting("p2")
    p3 = posting("p3", salary=band(150_000, 250_000), places=(TOKYO, DUBLIN))
    with Session(engine) as session:
        source = make_source(session)
        run(session, source, 0, [p0, p1, p2, p3])
        run(session, source, 7 * DAY, [p1, p2, p3])
        session.commit()


def test_weekly_median_pay_by_country(engine: Engine) -> None:
    pay_history(engine)
    rows = pay_trend_rows(engine, RoleFilter(), "country", "week", at(0), at(8 * DAY))
    got = [
        (r["period"], r["country"], r["roles"], r["with_pay"], r["median_usd"],
         r["median_min_usd"], r["median_max_usd"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        # middles 150,000 / 114,400 / 200,000; minimums 100,000 / 104,000 / 150,000
        ("2026-W16", "JP", 4, 3, 150_000, 104_000, 200_000),
        ("2026-W16", "IE", 1, 1, 200_000, 150_000, 250_000),
        # middles 114,400 / 200,000 -> 157,200; (104,000 + 150,000) / 2; (124,800 + 250,000) / 2
        ("2026-W17", "JP", 3, 2, 157_200, 127_000, 187_400),
        ("2026-W17", "IE", 1, 1, 200_000, 150_000, 250_000),
    ]
    only_ie = pay_trend_rows(engine, RoleFilter(country=("IE",)), "company", "week", at(0),
                             at(8 * DAY))  # fmt: skip
    assert [(r["company"], r["roles"], r["median_usd"]) for r in only_ie] == [
        ("anthropic", 1, 200_000), ("anthropic", 1, 200_000),
    ]  # fmt: skip


def test_chart_series_gaps_and_the_largest_pay_groups() -> None:
    rows = [
        {"period": "W2", "country": "JP", "median_usd": 10.0, "count": 1, "roles": 9},
        {"period": "W3", "country": "JP", "median_usd": 30.0, "count": 2, "roles": 9},
    ]
    labels = ["W1", "W2", "W3", "W4"]
    assert chart_series(rows, "country", labels, "pay") == {"JP": [None, 10, 30, None]}
    assert chart_series(rows, "country", labels, "count") == {"JP": [0, 1, 2, 0]}
    many = [{"period": "W1", "country": f"C{i}", "median_usd": 5.0, "roles": i} for i in range(9)]
    kept = chart_series(many, "country", labels, "pay")
    assert sorted(kept) == [f"C{i}" for i in range(2, 9)]  # 7 lines, no summed "Others"


def cli_on(db_url: str, tmp_path: Path) -> Cli:
    engine = make_engine(db_url)
    upgrade(engine)
    pay_history(engine)
    engine.dispose()
    config = tmp_path / "tracker.toml"
    config.write_text("", encoding="utf-8")
    return Cli(db_url, config)


def test_cli_pay_metric_formats(db_url: str, tmp_path: Path) -> None:
    cli = cli_on(db_url, tmp_path)
    args = ("trend", "--by", "country", "--metric", "pay", "--from", "2026-04-13")
    data = json.loads(cli(*args, "--format", "json").stdout)
    assert {"period": "2026-W17", "at": "2026-04-26T23:59:59Z", "country": "JP", "roles": 3,
            "with_pay": 2, "median_usd": 157200.0, "median_min_usd": 127000.0,
            "median_max_usd": 187400.0} in data  # fmt: skip
    csv = cli(*args, "--format", "csv").stdout
    assert csv.splitlines()[0] == (
        "period,at,country,roles,with_pay,median_usd,median_min_usd,median_max_usd"
    )
    text = cli(*args).stdout
    assert "median yearly pay (USD)" in text and "$157k" in text and "$150k" in text
    assert "use count or pay" in cli(*args, "--metric", "mean", code=2).stderr


def png_pixels(path: Path) -> tuple[tuple[int, int], int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        return image.size, len(colours)


def test_cli_png_light_and_dark(db_url: str, tmp_path: Path) -> None:
    cli = cli_on(db_url, tmp_path)
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    args = ("trend", "--by", "country", "--from", "2026-04-13", "--format", "png")
    assert f"wrote {light}" in cli(*args, "--out", str(light)).stdout
    cli(*args, "--metric", "pay", "--theme", "dark", "--out", str(dark))
    for path in (light, dark):
        size, colours = png_pixels(path)
        assert size == (860, 360)
        assert colours > 20  # lines, markers and text: not a blank canvas
    with Image.open(light) as image:
        assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
    with Image.open(dark) as image:
        assert image.convert("RGB").getpixel((2, 2)) == (13, 17, 23)


def test_cli_png_needs_out_and_a_known_theme(db_url: str, tmp_path: Path) -> None:
    cli = cli_on(db_url, tmp_path)
    missing = cli("trend", "--by", "country", "--format", "png", code=2)
    assert "--format png needs --out FILE.png" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and missing.stdout == ""
    bad = cli("trend", "--by", "country", "--format", "png", "--out", str(tmp_path / "x.png"),
              "--theme", "pink", code=2)  # fmt: skip
    assert "use light or dark" in bad.stderr and not (tmp_path / "x.png").exists()


def test_chart_draws_gaps_not_zeros() -> None:
    from tracker.report.chart import ChartData, render_chart

    labels = ("W1", "W2", "W3", "W4")
    gaps = render_chart(ChartData(labels, {"JP": [None, 150_000, 160_000, None]}))
    zeros = render_chart(ChartData(labels, {"JP": [0, 150_000, 160_000, 0]}))
    with Image.open(io.BytesIO(gaps)) as a, Image.open(io.BytesIO(zeros)) as b:
        assert a.size == b.size == (860, 360)
        bottom_left = (60, 300, 200, 320)  # where a line down to zero would run
        darkest = [i.convert("L").crop(bottom_left).getextrema()[0] for i in (a, b)]
        assert darkest[0] >= 200 and darkest[1] < 200  # type: ignore[operator]
