"""Bad values stay local: NaN, infinite, 10^400, negative amounts never fail a board.

Every numeric value of every fixture board (ids excepted) is replaced by each hostile value;
the board must still parse to the same postings and normalize, with the bad amounts dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sources.helpers import FIXTURES, make_ref
from tracker.domain import RawPosting
from tracker.normalize import normalize
from tracker.sources import common, get_source

BOARDS = [
    "ashby/board.json",
    "greenhouse/board.json",
    "lever/postings.json",
    "recruitee/offers.json",
    "smartrecruiters/postings_page.json",
    "teamtailor/jobs.json",
    "workable/jobs_page1.json",
    "workday/jobs_page.json",
]
HOSTILE: dict[str, Any] = {
    "nan": math.nan,
    "infinity": math.inf,
    "minus-infinity": -math.inf,
    "1e400": json.loads("1e400"),
    "int-10^400": 10**400,
    "negative": -120000,
}
AT = __import__("datetime").datetime(2026, 11, 20, tzinfo=__import__("datetime").UTC)


def _is_id(key: str) -> bool:
    low = key.lower()
    return low == "id" or low.endswith("id") or low.endswith("_id") or low in {"total", "offset"}


def mutate(node: Any, bad: Any) -> Any:
    """A copy of ``node`` with every non-id number (and numeric string amount) set to ``bad``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if _is_id(str(key)) or isinstance(value, bool):
                out[key] = value
            elif isinstance(value, int | float):
                out[key] = bad
            else:
                out[key] = mutate(value, bad)
        return out
    if isinstance(node, list):
        return [mutate(v, bad) for v in node]
    return node


def bands(postings: list[RawPosting]) -> Iterator[float]:
    for p in postings:
        for band in p.salaries:
            yield from (v for v in (band.min, band.max) if v is not None)


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("board", BOARDS)
def test_hostile_amounts_never_fail_the_board(board: str, name: str) -> None:
    ats = board.split("/")[0]
    payload = json.loads((FIXTURES / board).read_text(encoding="utf-8"))
    clean = get_source(ats).parse(payload, make_ref(ats))
    hostile = get_source(ats).parse(mutate(payload, HOSTILE[name]), make_ref(ats))
    assert [p.external_id for p in hostile] == [p.external_id for p in clean]
    assert all(math.isfinite(v) and v >= 0 for v in bands(hostile))
    for raw in hostile:
        role = normalize(raw, make_ref(ats), AT)
        if role.salary is not None:
            for value in (role.salary.min, role.salary.max, role.salary.min_usd):
                assert value is None or (math.isfinite(value) and value >= 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.5, 1.5), (7, 7.0), (math.nan, None), (math.inf, None), (-1, None), (10**400, None),
     (True, None), ("5", None), (1e14, None)],
)  # fmt: skip
def test_number_drops_what_no_board_can_mean(value: Any, expected: float | None) -> None:
    assert common.number(value) == expected


@pytest.mark.parametrize("text", ["nan", "inf", "-5", "1e400", "Infinity", "abc", ""])
def test_number_text_drops_bad_strings(text: str) -> None:
    assert common.number_text(text) is None


def test_fixture_boards_exist() -> None:
    assert all((FIXTURES / b).is_file() for b in BOARDS)
    assert Path(FIXTURES).is_dir()
