import json

from tests.factories import GBP_BAND, LONDON, SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import Unverified, diff
from tracker.report.jsonout import report_dict
from tracker.report.render import render_html, render_markdown, render_text


def sample_report():
    closing = make_role(1, "Data Center Deal Sourcing, APAC", SYDNEY)
    kept = make_role(2, "DC Ops <Lead> & Co", SYDNEY, salary=GBP_BAND)
    opened = make_role(3, "Data Center Electrical Engineer", TOKYO)
    changed = make_role(2, "DC Ops <Lead> & Co", SYDNEY, LONDON, salary=GBP_BAND)
    u = Unverified("lever:acme", last_ok=T0, error="HTTP 503")
    return diff([closing, kept], [changed, opened], T0, T1, unverified=[u])


def test_json_matches_contract_shape() -> None:
    data = json.loads(json.dumps(report_dict(sample_report())))
    assert set(data) == {
        "from", "to", "totals", "opened", "closed", "changed", "by",
        "unverified_sources", "summary",
    }  # fmt: skip
    assert data["from"] == "2026-04-20T06:00:00Z"
    assert data["totals"] == {"from": 2, "to": 2, "delta": 0}
    assert data["opened"][0]["locations"][0] == {
        "raw": "Tokyo, Japan", "city": "Tokyo", "country": "JP", "region": "APAC",
    }  # fmt: skip
    change = data["changed"][0]
    assert list(change["changes"]) == ["locations"]
    old, new = change["changes"]["locations"]
    assert [p["country"] for p in new] == ["AU", "GB"] and len(old) == 1
    assert data["by"]["country"][0] == {"key": "AU", "from": 2, "to": 1, "delta": -1}
    assert data["unverified_sources"] == [
        {"source": "lever:acme", "last_ok": "2026-04-20T06:00:00Z", "error": "HTTP 503"}
    ]
    assert data["opened"][0]["salary"] is None
    assert data["changed"][0]["role"]["salary"]["min_usd"] == 296854


def test_html_is_escaped_and_self_contained() -> None:
    html = render_html(sample_report())
    assert "DC Ops &lt;Lead&gt; &amp; Co" in html
    assert "<Lead>" not in html
    assert "<style>" in html and "prefers-color-scheme: dark" in html
    assert "http://" not in html and "https://" not in html  # no external resources
    assert "Unverified sources (1)" in html


def test_html_chart_cid() -> None:
    assert 'src="cid:chart1"' in render_html(sample_report(), chart_cid="chart1")


def test_text_and_markdown() -> None:
    text = render_text(sample_report())
    assert "2 open compute roles (unchanged: +1 opened, −1 closed)" in text
    assert "Data Center Electrical Engineer" in text
    assert "\x1b[" not in text
    md = render_markdown(sample_report())
    assert md.startswith("# 2 open compute roles (unchanged: +1 opened, −1 closed)")
    assert "| Company | Title | Category | Locations | Pay |" in md
    assert "## Unverified sources (1)" in md
