"""db.status.recent_statuses: every source's latest runs in one query, as runs_for_source."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db.status import recent_statuses, runs_for_source
from tests.db.factories import make_source, posting, run


@pytest.mark.parametrize("limit", [1, 2, 200])
def test_recent_statuses_match_runs_for_source(session: Session, limit: int) -> None:
    acme, beta = make_source(session, "acme", "Acme"), make_source(session, "beta", "Beta")
    make_source(session, "idle", "Idle")
    for hour in range(5):
        run(session, acme, hour, [posting("a")] if hour % 2 else None)  # failed, ok, ...
        run(session, beta, hour, None if hour > 2 else [posting("b")])  # ok, ok, ok, failed...
    session.commit()
    keys = ["greenhouse:acme", "greenhouse:beta", "greenhouse:idle"]
    found = recent_statuses(session, keys, limit)
    for key in keys:
        expected = [(r.observed_at, r.status) for r in runs_for_source(session, key, limit=limit)]
        assert found[key] == expected
    assert len(found["greenhouse:acme"]) == min(limit, 5) and found["greenhouse:idle"] == []
    assert {status for _, status in found["greenhouse:beta"]} == (
        {"failed"} if limit <= 2 else {"failed", "ok"}
    )
    assert recent_statuses(session, [], limit) == {}
