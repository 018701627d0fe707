"""The digest email: subject line, Message-IDs and MIME structure (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tests.factories import LONDON, SF, SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import Report, Unverified, diff
from tracker.report.email import (
    build_message,
    chart_cid,
    digest_message_id,
    digest_subject,
    new_countries,
)


def report(unverified: bool = False) -> Report:
    kept = make_role(1, "Data Center Technician", SF)
    opened = [
        make_role(2, "Data Center Electrical Engineer", TOKYO),
        make_role(3, "Data Center Site Lead", SYDNEY),
        make_role(4, "Deal Sourcing Lead, Japan", TOKYO),
    ]
    missing = [Unverified("lever:acme", last_ok=T0, error="HTTP 503")] if unverified else []
    return diff([kept], [kept, *opened], T0, T1, unverified=missing)


def test_subject_tells_the_headline() -> None:
    r = report()
    assert new_countries(r) == ["JP", "AU"]
    assert digest_subject(r) == "[DC hiring] 4 compute roles (+3), new in Japan and Australia"
    assert digest_subject(report(unverified=True), "[x]").endswith("; 1 source unverified")


def test_subject_without_new_countries_or_changes() -> None:
    kept = make_role(1, "Data Center Technician", SF)
    same = diff([kept], [kept], T0, T1)
    assert digest_subject(same) == "[DC hiring] 1 compute role (unchanged)"
    other = make_role(2, "Data Center Technician II", SF)
    moved = diff([kept], [other], T0, T1)
    assert digest_subject(moved) == "[DC hiring] 1 compute role (unchanged), 1 new, 1 closed"
    many = [make_role(i, f"Role {i}", replace(LONDON, country=c)) for i, c in
            enumerate(["GB", "FR", "DE", "IE", "NL"], start=10)]  # fmt: skip
    wide = diff([], many, T0, T1)
    assert digest_subject(wide).endswith("new in France, Germany, Ireland and 2 more")


def test_message_ids() -> None:
    start, end = T0, T1
    a = digest_message_id(start, end, "tracker@example.com", ["b@x", "a@x"], forced=False)
    b = digest_message_id(start, end, "tracker@example.com", ["a@x", "b@x"], forced=False)
    assert a == b and a.startswith("<digest.") and a.endswith("@example.com>")
    assert digest_message_id(start, end, "tracker@example.com", ["a@x"], forced=False) != a
    forced = digest_message_id(start, end, "tracker@example.com", ["a@x"], forced=True)
    assert forced != digest_message_id(start, end, "tracker@example.com", ["a@x"], forced=True)
    assert chart_cid(a).startswith("chart.digest.") and "<" not in chart_cid(a)


def test_message_structure() -> None:
    msg = build_message(
        subject="[DC hiring] 4 compute roles (+3), new in Japan and Australia",
        from_addr="tracker@example.com", to=["a@example.com", "b@example.com"],
        text="4 open compute roles", html='<img src="cid:c1@x">', chart_png=b"\x89PNG...",
        cid="c1@x", message_id="<m1@example.com>", date=datetime(2026, 11, 23, 7, tzinfo=UTC),
    )  # fmt: skip
    raw = msg.as_bytes()
    assert raw.startswith(b"Subject: [DC hiring] 4 compute roles")  # one line, no fold
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png",
    ]  # fmt: skip
    image = list(msg.walk())[-1]
    assert image["Content-ID"] == "<c1@x>" and image.get_content_disposition() == "inline"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"] == "Mon, 23 Nov 2026 07:00:00 +0000"
