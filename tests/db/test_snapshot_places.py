"""Snapshots read rows ordered by posting only and put each posting's places in board order
themselves: the keys and roles equal those of the queries that order places in SQL."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from db import queries, roleload, store
from tracker.domain import Place, Posting, Role, RoleFilter, SalaryBand, SourceRef

T0 = datetime(2026, 3, 2, 6, tzinfo=UTC)
CITIES = [
    Place("Tokyo, Japan", "Tokyo", "JP", "APAC"),
    Place("Dallas, TX", "Dallas", "US", "AMER"),
    Place("Sydney, Australia", "Sydney", "AU", "APAC"),
    Place("London, UK", "London", "GB", "EMEA"),
    Place("Remote", None, None, None),
]


def posting(n: int, week: int) -> Posting:
    rng = random.Random(n * 31 + week // 2)
    places = tuple(rng.sample(CITIES, rng.randrange(0, len(CITIES) + 1)))
    return Posting(
        external_id=str(n), title=f"Role {n}", url=None, department=None, team=None,
        compute=n % 4 != 0, category="dc_operations" if n % 4 else "not_compute",
        category_rule="test", places=places, remote=False, salary=None,
    )  # fmt: skip


def test_snapshot_places_in_board_order(session: Session) -> None:
    row, _ = store.upsert_source(session, SourceRef("greenhouse", "multi", "Multi", "multi"))
    sid = int(row.id or 0)
    times = [T0 + timedelta(weeks=w) for w in range(6)]
    for week, at in enumerate(times):
        store.record_run(session, sid, at, [posting(n, week) for n in range(30) if n % 7 != week])
    several = 0
    for flt in (RoleFilter(include_all=True), RoleFilter(), RoleFilter(country=("JP",))):
        for at in (*times, times[-1] + timedelta(hours=1)):
            keys, load = queries.snapshot_rows(session, at, flt)
            assert keys == queries.role_keys_at(session, at, flt)
            ids = [k.id for k in keys]
            assert load(ids) == queries.roles_by_ids(session, at, ids)
            several += sum(len(k.locations) > 1 for k in keys)
    assert several > 20  # postings with several places were compared


PAY = ("structured", 100000.0, 150000.5, "EUR", None, 108000.0, 162000.54, "Berlin", None)


def snapshot_row(
    pid: int, position: int | None, place: Place | None, pay: tuple[object, ...] = (None,) * 9
) -> tuple[object, ...]:
    head = (pid, "greenhouse:x", str(pid), "x", "X", "T", None, None, 1, "dc_operations", 0,
            None, "2026-03-02 06:00:00", "2026-03-02 06:00:00", None, None)  # fmt: skip
    where = (place.raw, place.city, place.country, place.region) if place else (None,) * 4
    return (*head, *pay, *where, pid * 10, position)


def test_snapshot_from_rows_sorts_each_postings_places() -> None:
    rng = random.Random(9)
    ordered: list[tuple[object, ...]] = []
    for pid in range(1, 60):
        places = rng.sample(CITIES, rng.randrange(0, len(CITIES) + 1))
        if not places:
            ordered.append(snapshot_row(pid, None, None))
        ordered += [snapshot_row(pid, i, p) for i, p in enumerate(places)]
    shuffled: list[tuple[object, ...]] = []
    for pid in range(1, 60):
        mine = [r for r in ordered if r[0] == pid]
        rng.shuffle(mine)
        shuffled += mine
    assert shuffled != ordered
    keys, groups = roleload.snapshot_from_rows(shuffled)
    want_keys, want_groups = roleload.snapshot_from_rows(ordered)
    assert keys == want_keys and groups == want_groups
    assert keys == roleload.keys_from_rows(
        (r[0], r[-2], *r[1:2], *r[3:5], r[9], r[8], *r[25:29]) for r in ordered
    )
    roles = roleload.roles_from_rows(r for pid in sorted(groups) for r in groups[pid])
    assert [r.locations for r in roles] == [k.locations for k in keys]


def test_roles_from_rows_are_plain_roles() -> None:
    """Roles filled through their ``__dict__`` equal, hash and print as constructed ones."""
    assert roleload._PLAIN_ROLE and roleload._PLAIN_BAND
    rows = [snapshot_row(5, 0, CITIES[0], PAY), snapshot_row(5, 1, CITIES[3], PAY)]
    (role,) = roleload.roles_from_rows(rows)
    assert role.salary == SalaryBand(100000.0, 150000.5, "EUR", "year", "structured",
                                     108000.0, 162000.54, "Berlin")  # fmt: skip
    assert role.salaries == (role.salary,)
    band = role.salary
    built_band = SalaryBand(**{f.name: getattr(band, f.name) for f in dataclasses.fields(band)})
    built = Role(**{f.name: getattr(role, f.name) for f in dataclasses.fields(Role)})
    for got, want in ((role, built), (band, built_band)):
        assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
        assert list(vars(got)) == list(vars(want))
        assert dataclasses.asdict(got) == dataclasses.asdict(want)
    assert role.first_seen == datetime(2026, 3, 2, 6, tzinfo=UTC) and role.closed_at is None
