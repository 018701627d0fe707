"""Counting roles by dimensions. Pure.

A role with several countries (regions, cities) counts once in each of its values' rows, and
once in the total.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from tracker.domain import DIMENSIONS, Counted
from tracker.settings import ConfigError

UNKNOWN = None  # value used when a role has no value for a dimension (e.g. no country)


def parse_dims(text: str) -> list[str]:
    """``"company,country"`` -> ``["company", "country"]``; unknown names are bad input."""
    dims = [d.strip() for d in text.split(",") if d.strip()]
    bad = [d for d in dims if d not in DIMENSIONS]
    if not dims or bad:
        raise ConfigError(
            f"bad --by {text!r}: choose from {', '.join(DIMENSIONS)} (comma-separated)"
        )
    return list(dict.fromkeys(dims))


def values(role: Counted, dim: str) -> list[Any]:
    """The distinct values a role has for one dimension."""
    if dim == "company":
        return [role.company]
    if dim == "category":
        return [role.category]
    if dim == "source":
        return [role.source]
    attr = {"country": "country", "region": "region", "city": "city"}[dim]
    found = list(dict.fromkeys(getattr(p, attr) for p in role.locations if getattr(p, attr)))
    return found or [UNKNOWN]


def count_values(roles: Iterable[Counted], dim: str) -> Counter[Any]:
    """``{value: roles}`` for one dimension (what ``count_roles(roles, [dim])`` counts), in one
    pass without per-role lists: diffs count whole snapshots by four dimensions."""
    if dim in ("company", "category", "source"):
        return Counter(getattr(role, dim) for role in roles)
    if dim not in ("country", "region", "city"):
        raise KeyError(dim)
    counter: Counter[Any] = Counter()
    for role in roles:
        found = {getattr(p, dim) for p in role.locations}
        found.discard(None)
        found.discard("")
        if found:
            counter.update(found)
        else:
            counter[UNKNOWN] += 1
    return counter


def count_roles(roles: Iterable[Counted], dims: Sequence[str]) -> list[dict[str, Any]]:
    """``[{dim: value, ..., "count": n}]`` sorted by count desc, then values."""
    counter: Counter[tuple[Any, ...]] = Counter()
    if len(dims) == 1:
        counter.update({(v,): n for v, n in count_values(roles, dims[0]).items()})
    else:
        for role in roles:
            for combo in itertools.product(*(values(role, d) for d in dims)):
                counter[combo] += 1
    rows = [{**dict(zip(dims, combo, strict=True)), "count": n} for combo, n in counter.items()]
    rows.sort(key=lambda r: (-r["count"], [str(r[d] or "~") for d in dims]))
    return rows
