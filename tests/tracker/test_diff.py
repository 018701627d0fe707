from dataclasses import replace

from tests.factories import GBP_BAND, LONDON, SF, SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import Unverified, diff
from tracker.domain import SalaryBand


def test_opened_closed_unchanged() -> None:
    a = [make_role(1, "DC Ops", SYDNEY), make_role(2, "Deal Sourcing, APAC", SYDNEY)]
    b = [make_role(1, "DC Ops", SYDNEY), make_role(3, "DC Electrical Engineer", TOKYO)]
    report = diff(a, b, T0, T1)
    assert (report.total_start, report.total_end, report.delta) == (2, 2, 0)
    assert [r.id for r in report.opened] == [3]
    assert [r.id for r in report.closed] == [2]
    assert report.changed == []


def test_each_kind_of_change() -> None:
    old = make_role(1, "DC Engineer", SYDNEY, category="dc_engineering")
    new = replace(
        old,
        title="Senior DC Engineer",
        locations=(SYDNEY, TOKYO),
        salary=GBP_BAND,
        category="dc_electrical",
    )
    (change,) = diff([old], [new], T0, T1).changed
    assert set(change.changes) == {"title", "locations", "salary", "category"}
    assert change.changes["title"] == ("DC Engineer", "Senior DC Engineer")
    assert change.changes["salary"] == (None, GBP_BAND)


def test_salary_band_change_only_is_its_own_change() -> None:
    old = make_role(1, "X", LONDON, salary=GBP_BAND)
    new = replace(old, salary=replace(GBP_BAND, max=280000, max_usd=368000))
    (change,) = diff([old], [new], T0, T1).changed
    assert list(change.changes) == ["salary"]
    # USD drift alone (same native band, different FX day) is not a change
    drift = replace(old, salary=replace(GBP_BAND, min_usd=1, max_usd=2))
    assert diff([old], [drift], T0, T1).changed == []


def test_compute_filter_and_category_moves() -> None:
    sales = make_role(5, "Account Executive", SF, compute=False, category="not_compute")
    moved = replace(sales, compute=True, category="deal_sourcing")
    report = diff([sales], [moved], T0, T1)
    assert (report.total_start, report.total_end) == (0, 1)
    assert report.opened == [] and report.closed == []
    assert report.changed[0].changes["category"] == ("not_compute", "deal_sourcing")
    everything = diff([sales], [sales], T0, T1, include_all=True)
    assert (everything.total_start, everything.total_end) == (1, 1)
    assert diff([sales], [sales], T0, T1).total_end == 0


def test_counts_by_dimension_multi_country() -> None:
    a = [make_role(1, "A", SF)]
    b = [make_role(1, "A", SF), make_role(2, "B", TOKYO, SYDNEY), make_role(3, "C", SYDNEY)]
    report = diff(a, b, T0, T1)
    country = {d.key: (d.start, d.end, d.delta) for d in report.by["country"]}
    assert country == {"AU": (0, 2, 2), "JP": (0, 1, 1), "US": (1, 1, 0)}
    region = {d.key: (d.start, d.end) for d in report.by["region"]}
    assert region == {"APAC": (0, 2), "AMER": (1, 1)}
    assert report.total_end == 3


def test_unverified_carried_and_summarized() -> None:
    u = Unverified("lever:acme", last_ok=None, error="HTTP 503", since=T1)
    report = diff([], [], T1.replace(day=13), T1, unverified=[u])
    assert report.unverified == [u]
    assert report.summary[-1] == "Not verified this week: lever:acme (HTTP 503 since 20 Nov)."


def test_story_summary() -> None:
    sydney_deal = make_role(1, "Data Center Deal Sourcing, APAC", SYDNEY)
    us = [make_role(10 + i, f"Compute role {i}", SF) for i in range(4)]
    nov = [
        make_role(20, "Data Center Deal Sourcing Lead, Japan", TOKYO),
        make_role(21, "Data Center Electrical Engineer", TOKYO),
        *[make_role(30 + i, f"Data Center Engineer {i}", SYDNEY) for i in range(6)],
        make_role(40, "Data Center Deal Sourcing Lead, Europe", LONDON, salary=GBP_BAND),
        *us,
    ]
    report = diff([sydney_deal, *us[:1]], nov, T0, T1)
    assert report.summary[0] == (
        "Anthropic: 13 open compute roles (+11 since 20 Apr 2026: +12 opened, −1 closed), "
        "8 of them in Australia or Japan."
    )
    assert (
        "New in Japan: Data Center Deal Sourcing Lead, Japan (Tokyo), "
        "Data Center Electrical Engineer (Tokyo)." in report.summary
    )
    assert (
        "Pay: Data Center Deal Sourcing Lead, Europe (London) £225,000–£270,000 "
        "(≈ $297k–$355k)." in report.summary
    )
    assert "Closed (1): Data Center Deal Sourcing, APAC (Sydney)." in report.summary


def test_hourly_band_text() -> None:
    band = SalaryBand(28, 47, "USD", "hour", "text", 28, 47)
    role = make_role(1, "Technician", SF, salary=band)
    report = diff([], [role], T0, T1)
    assert "Pay: Technician (San Francisco) $28–$47/hour." in report.summary
