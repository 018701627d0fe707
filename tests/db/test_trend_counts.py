"""db.trend.open_counts (running sums over span/version segments) against a naive count: the
roles open at each point (``roles_at``), counted by value in Python, on random histories."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlmodel import Session

from db.queries import roles_at
from db.trend import open_counts
from tests.db.factories import AUSTIN, DUBLIN, SYDNEY, TOKYO, at, make_source, posting, run
from tracker.counts import values
from tracker.domain import Place, RoleFilter

NOWHERE = Place("Somewhere", None, None, None)
PLACES = (TOKYO, SYDNEY, DUBLIN, AUSTIN, NOWHERE, Place("Osaka, Japan", "Osaka", "JP", "APAC"))
CATEGORIES = ("dc_operations", "dc_electrical", "energy")
DIMS = ("company", "category", "source", "country", "region", "city")
FILTERS = (
    RoleFilter(),
    RoleFilter(include_all=True),
    RoleFilter(country=("JP",)),
    RoleFilter(region=("EMEA", "APAC"), include_all=True),
    RoleFilter(category=("energy", "not_compute")),
    RoleFilter(company=("acme",), source=("greenhouse:acme", "lever:beta")),
)


def random_history(session: Session, seed: int) -> list[float]:
    """Three boards, 14 runs each (some failed) of up to 8 postings that come, go and change;
    returns the run hours."""
    rng = random.Random(seed)
    sources = [make_source(session, "acme", "Acme"), make_source(session, "beta", "Beta", "lever"),
               make_source(session, "gamma", "Gamma")]  # fmt: skip
    hours = [24.0 * k for k in range(14)]
    for source in sources:
        for hour in hours:
            if rng.random() < 0.1:
                run(session, source, hour, None, error="HTTP 503")
                continue
            board = []
            for n in rng.sample(range(8), rng.randrange(0, 8)):
                compute = rng.random() < 0.7
                board.append(posting(
                    f"p{n}", f"Role {n} v{rng.randrange(2)}", compute=compute,
                    category=rng.choice(CATEGORIES) if compute else "not_compute",
                    places=tuple(rng.sample(PLACES, rng.randrange(0, 3))),
                ))  # fmt: skip
            run(session, source, hour, board)
    session.commit()
    return hours


def naive(session: Session, points: list, dim: str, flt: RoleFilter) -> set:
    found = set()
    for point in points:
        counter: Counter = Counter()
        for role in roles_at(session, point, flt):
            counter.update(values(role, dim))  # as `tracker count` counts
        found |= {(point, value, n) for value, n in counter.items()}
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_open_counts_match_a_naive_count(session: Session, seed: int) -> None:
    hours = random_history(session, seed)
    points = [at(-1), *(at(h) for h in hours[::3]), *(at(h + 5) for h in hours[1::3]), at(999)]
    for flt in FILTERS:
        for dim in DIMS:
            got = open_counts(session.connection(), points, dim, flt)
            assert len(got) == len(set(got))
            assert set(got) == naive(session, points, dim, flt), (dim, flt)


@pytest.mark.parametrize("seed", [4])
def test_open_counts_of_a_window_late_in_the_history(session: Session, seed: int) -> None:
    """Points from the middle on: segments closed before the first point are left out."""
    hours = random_history(session, seed)
    points = [at(hours[6] + 0.5), at(hours[7]), *(at(h) for h in hours[9:]), at(999)]
    for flt in FILTERS:
        for dim in DIMS:
            got = open_counts(session.connection(), points, dim, flt)
            assert set(got) == naive(session, points, dim, flt), (dim, flt)


def test_open_counts_nothing_before_the_first_run(session: Session) -> None:
    random_history(session, 3)
    assert open_counts(session.connection(), [at(-5), at(-1)], "company", RoleFilter()) == []
    assert open_counts(session.connection(), [], "company", RoleFilter()) == []
