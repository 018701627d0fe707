"""A 304 Not Modified run: ok, refreshes what the previous ok run saw, changes nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from db import queries, store
from tracker.domain import Posting, RoleFilter, SourceRef

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def posting(n: int) -> Posting:
    return Posting(
        external_id=str(n), title=f"DC Technician {n}", url=None, department="Compute",
        team=None, compute=True, category="dc_operations", category_rule="test", places=(),
        remote=False, salary=None,
    )  # fmt: skip


def test_not_modified_refreshes_last_seen_only(session: Session) -> None:
    row, _ = store.upsert_source(session, SourceRef("greenhouse", "acme", "Acme", "acme"))
    sid = int(row.id or 0)
    assert not store.can_revalidate(session, sid)
    store.record_run(session, sid, T0, [posting(1), posting(2), posting(3)])
    store.record_run(session, sid, T0 + timedelta(days=1), [posting(1), posting(2)])
    assert store.can_revalidate(session, sid)
    later = T0 + timedelta(days=2)
    result = store.record_not_modified(session, sid, later)
    assert (result.status, result.seen, result.new, result.closed) == ("ok", 2, 0, 0)
    roles = queries.roles_at(session, later, RoleFilter())
    assert sorted(r.external_id for r in roles) == ["1", "2"]
    assert all(r.last_seen == later for r in roles)


def test_not_modified_after_suspect_is_not_allowed(session: Session) -> None:
    row, _ = store.upsert_source(session, SourceRef("lever", "acme", "Acme", "acme"))
    sid = int(row.id or 0)
    store.record_run(session, sid, T0, [posting(n) for n in range(10)])
    result = store.record_run(session, sid, T0 + timedelta(days=1), [posting(1)])
    assert result.status == "suspect"
    assert not store.can_revalidate(session, sid)
    store.record_run(session, sid, T0 + timedelta(days=2), None, error="HTTP 503")
    assert not store.can_revalidate(session, sid)
