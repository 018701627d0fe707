"""Short reasons, turnover phrases, the every-source-failed headline, and chart line styles."""

from __future__ import annotations

import pytest

from tests.factories import T0, T1, TOKYO, make_role
from tests.tracker.test_chart import LABELS, decode, near
from tracker.diff import Unverified, diff
from tracker.domain import Place
from tracker.report.chart import THEMES, ChartData, render_chart, styles, top_series
from tracker.report.reasons import short_reason, turnover
from tracker.report.render import heading, safe_url

SINGAPORE = Place("Singapore", None, "SG", "APAC")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("HTTP 503 Service Unavailable from https://x.test/v1/boards/a/jobs (after 4 attempts)",
         "HTTP 503"),
        ("cannot connect to http://127.0.0.1:9/x: [Errno 111] Connection refused", "unreachable"),
        ("timeout after 30s from https://x.test/jobs", "timed out"),
        ("expected JSON from https://x.test/jobs, got HTML (text/html)", "unreadable response"),
        ("never scraped", "never scraped"),
        (None, "no successful run"),
        ("lever:acme: something odd happened at https://x.test/a?b=c", "something odd happened at"),
    ],
)  # fmt: skip
def test_short_reason(error: str | None, reason: str) -> None:
    assert short_reason(error) == reason


def test_turnover_phrases() -> None:
    assert turnover(0, 1, 1) == "unchanged: +1 opened, −1 closed"
    assert turnover(3, 3, 0, "13 Nov 2026") == "+3 since 13 Nov 2026"
    assert turnover(3, 4, 1) == "+3: +4 opened, −1 closed"
    assert turnover(-2, 0, 2) == "−2"
    assert turnover(0, 0, 0) == "unchanged"


def test_changed_places_without_a_city_do_not_crash() -> None:
    before = make_role(1, "Data Center Technician", TOKYO)
    after = make_role(1, "Data Center Technician", SINGAPORE, TOKYO)
    report = diff([before], [after], T0, T1)
    assert list(report.changed[0].changes) == ["locations"]
    nameless = make_role(2, "Technician", Place("Remote"), SINGAPORE)
    assert diff([nameless], [make_role(2, "Technician", SINGAPORE)], T0, T1).changed


def test_every_source_failed_heading() -> None:
    failed = [Unverified("lever:acme", None, "HTTP 503", None, "Acme")]
    report = diff([], [], T0, T1, unverified=failed, sources=1)
    assert report.all_unverified
    assert heading(report).startswith("Numbers unverified")
    assert report.summary[0].startswith("Numbers unverified: the only source failed")
    assert not any("No open" in line for line in report.summary)
    assert not diff([], [], T0, T1, unverified=failed, sources=2).all_unverified


def test_safe_url() -> None:
    assert safe_url("https://x.test/jobs/1") == "https://x.test/jobs/1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/jobs/1", "http://", None, ""):
        assert safe_url(bad) is None


def test_each_line_has_its_own_dash_and_marker() -> None:
    series = {f"C{i}": [i] * 12 for i in range(8)}
    found = styles(top_series(series), THEMES["light"])
    pairs = {(s.dash, s.marker) for s in found[:4]}
    assert len(pairs) == 4  # the first four differ in both dash and marker
    assert len({s.colour for s in found}) == len(found)


def test_coinciding_lines_both_stay_visible() -> None:
    same = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4]
    image = decode(render_chart(ChartData(LABELS, {"A": same, "B": same})))
    counts = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 20) or []}
    palette = THEMES["light"].palette
    assert sum(n for rgb, n in counts.items() if near(rgb, palette[0])) > 150
    assert sum(n for rgb, n in counts.items() if near(rgb, palette[1])) > 150


def test_dark_chart_has_a_dark_background() -> None:
    image = decode(render_chart(ChartData(LABELS, {"A": [1] * 12}), theme="dark"))
    colours = image.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[1]
    assert near(background, THEMES["dark"].background)


def test_long_report_sections_say_how_many_were_left_out() -> None:
    from tracker.report.render import render_html, render_markdown, render_text

    opened = [make_role(i, f"Technician {i:03d}", TOKYO) for i in range(60)]
    report = diff([], opened, T0, T1)
    for text in (render_markdown(report), render_text(report), render_html(report)):
        assert "… 10 more: use --format json for every row" in text
