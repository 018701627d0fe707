"""The fast snapshot pair (one full snapshot + what moved) equals two full snapshots."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from db import queries, store
from tracker.domain import Place, Posting, RoleFilter, SourceRef

T0 = datetime(2026, 1, 5, 6, tzinfo=UTC)
PLACES = [Place("Tokyo, Japan", "Tokyo", "JP", "APAC"), Place("Dallas, TX", "Dallas", "US", "AMER")]


def posting(n: int, week: int, rng: random.Random) -> Posting:
    compute = n % 3 != 0
    return Posting(
        external_id=str(n), title=f"Role {n}" + (" II" if week > 3 and n % 5 == 0 else ""),
        url=None, department=None, team=None, compute=compute,
        category="dc_operations" if compute else "not_compute", category_rule="test",
        places=(PLACES[(n + (week > 5)) % 2],), remote=False, salary=None,
    )  # fmt: skip


def history(session: Session) -> list[datetime]:
    """Ten weekly runs of a 40-posting board (one failed); probe times around them."""
    rng = random.Random(3)
    row, _ = store.upsert_source(session, SourceRef("greenhouse", "acme", "Acme", "acme"))
    sid = int(row.id or 0)
    times = [T0 + timedelta(weeks=w) for w in range(10)]
    for week, at in enumerate(times):
        if week == 4:
            store.record_run(session, sid, at, None, error="HTTP 503")
            continue
        live = [n for n in range(40) if rng.random() < 0.8 or n < 5]
        store.record_run(session, sid, at, [posting(n, week, rng) for n in live])
    return sorted([T0 - timedelta(days=1), *times, *(t + timedelta(hours=1) for t in times)])


def test_snapshot_keys_match_full_snapshots(session: Session) -> None:
    probes = history(session)
    for flt in (RoleFilter(include_all=True), RoleFilter(), RoleFilter(country="JP")):
        for i, start in enumerate(probes):
            for end in probes[i + 1 :]:
                fast = queries.snapshot_keys(session, start, end, flt)
                full = (
                    queries.role_keys_at(session, start, flt),
                    queries.role_keys_at(session, end, flt),
                )
                for got, want in zip(fast, full, strict=True):
                    assert sorted(got, key=lambda k: k.id) == sorted(want, key=lambda k: k.id)


def test_snapshot_pair_matches_keys_and_roles_by_id(session: Session) -> None:
    """Keys and loaded roles from the one-query snapshots equal the key snapshots and the
    roles loaded by id (long windows read both ends whole; short ones the end only)."""
    probes = history(session)
    filters = (
        RoleFilter(include_all=True), RoleFilter(), RoleFilter(country=("JP",), include_all=True),
        RoleFilter(company=("acme",), include_all=True), RoleFilter(company=("nobody",)),
    )  # fmt: skip
    for flt in filters:
        for at in probes:
            keys, load = queries.snapshot_rows(session, at, flt)
            assert keys == queries.role_keys_at(session, at, flt)
            ids = [k.id for k in keys]
            assert load(ids) == queries.roles_by_ids(session, at, ids)
            assert load(ids[::3]) == queries.roles_by_ids(session, at, ids[::3])
        for i, start in enumerate(probes):
            for end in probes[i + 1 :: 3]:
                (keys_a, load_a), (keys_b, load_b) = queries.snapshot_pair(session, start, end, flt)
                assert (keys_a, keys_b) == queries.snapshot_keys(session, start, end, flt)
                for keys, load, at in ((keys_a, load_a, start), (keys_b, load_b, end)):
                    ids = sorted(k.id for k in keys)[1::2]
                    assert load(ids) == queries.roles_by_ids(session, at, ids)
