"""count_values (one pass, one dimension) counts what count_roles counts."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.factories import LONDON, MELBOURNE, SF, SYDNEY, TOKYO, make_role
from tracker.counts import count_roles, count_values, values
from tracker.domain import DIMENSIONS, Place

PLACES = (TOKYO, SYDNEY, MELBOURNE, LONDON, SF, Place("Remote"), Place("Somewhere", "", "", ""))


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_count_values_is_count_roles_of_one_dimension(dim: str) -> None:
    rng = random.Random(5)
    roles = [
        make_role(
            i,
            f"Role {i}",
            *rng.sample(PLACES, rng.randrange(0, 4)),
            company=rng.choice(["a", "b"]),
            category=rng.choice(["x", "y", "z"]),
            source=rng.choice(["greenhouse:a", "lever:b"]),
        )
        for i in range(200)
    ]
    expected = Counter(value for role in roles for value in values(role, dim))
    assert dict(count_values(roles, dim)) == expected
    assert {row[dim]: row["count"] for row in count_roles(roles, [dim])} == expected
    assert None in expected or dim in ("company", "category", "source")


def test_count_values_unknown_dimension() -> None:
    with pytest.raises(KeyError):
        count_values([make_role(1, "A")], "planet")
