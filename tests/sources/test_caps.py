"""Length caps on parsed postings: a hostile board cannot store a 10 MB title."""

from __future__ import annotations

from tracker.domain import Place, RawPosting
from tracker.sources.common import CAPS, cap, capped


def test_caps_every_free_text_field() -> None:
    huge = "Data Center Technician " * 100_000
    raw = RawPosting(
        external_id="1",
        title=huge,
        url="https://x.example/" + "a" * 5000,
        department=huge,
        team=huge,
        location_raw=huge,
        structured_places=tuple(Place(huge, huge) for _ in range(500)),
        salary_texts=tuple(huge for _ in range(100)),
        description=huge,
    )
    [out] = capped([raw])
    assert len(out.title) <= CAPS["title"] and out.title.endswith("…")
    assert out.title.startswith("Data Center Technician")
    assert len(out.department or "") <= CAPS["department"] and len(out.team or "") <= CAPS["team"]
    assert len(out.location_raw or "") <= CAPS["location_raw"]
    assert len(out.structured_places) == CAPS["places"]
    assert all(len(p.raw) <= CAPS["place"] for p in out.structured_places)
    assert len(out.salary_texts) == CAPS["salary_texts"]
    assert all(len(t) <= CAPS["salary_text"] for t in out.salary_texts)
    assert len(out.description or "") <= CAPS["description"]
    assert out.url is None  # a cut URL would point elsewhere: dropped


def test_short_fields_unchanged() -> None:
    raw = RawPosting(external_id="1", title="DC Ops", url="https://x.example/1", team=None)
    assert capped([raw]) == [raw]
    assert cap(None, 3) is None and cap("abcd", 4) == "abcd" and cap("abcde", 4) == "abc…"
