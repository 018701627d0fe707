"""``plan_run(..., same=ids)``: postings seen by an unchanged raw fingerprint (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime

from db.plan import Existing, plan_run

T0 = datetime(2026, 11, 1, tzinfo=UTC)
T1 = datetime(2026, 11, 2, tzinfo=UTC)


def stored(ext: str, closed: bool = False) -> Existing:
    return Existing(int(ext), ext, f"h{ext}", T1 if closed else None, T0, 10 + int(ext))


def test_same_ids_are_unchanged_or_reopened_without_version_and_never_closed() -> None:
    existing = {e.external_id: e for e in (stored("1"), stored("2"), stored("3", closed=True))}
    plan = plan_run(existing, [], None, same=["1", "3", "99"])  # 99 was never stored
    assert [e.external_id for e in plan.unchanged] == ["1"]
    assert [c.existing.external_id for c in plan.reopened] == ["3"]
    assert plan.versioned == []  # a reopen with the stored content needs no version
    assert [e.external_id for e in plan.close] == ["2"]
    assert plan.seen == 2 and not plan.suspect
