"""``report_json`` (what ``tracker diff --format json`` prints) is ``dumps(report_dict(...))``
byte for byte, for ordinary reports (orjson, no per-value walk) and odd values alike (the
standard library decides); the report's sorts of id-ordered snapshots keep their order."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal
from operator import attrgetter
from typing import Any

import pytest

from tests.factories import GBP_BAND, LONDON, SF, SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import Snapshot, _sorted, diff
from tracker.domain import Place, Role, RoleKey, SalaryBand
from tracker.report import jsonout
from tracker.report.inert import json_inert, utf8_json_inert
from tracker.report.jsonout import report_dict, report_json, roles_alike
from tracker.report.serialize import dumps


def plain(value: object) -> str:
    return json_inert(json.dumps(value, indent=2, ensure_ascii=False))


class Text(str):
    pass


def roles(n: int, **kwargs: Any) -> list[Role]:
    places = [TOKYO, SYDNEY, LONDON, SF, Place("Remote \u202e", None, None, None)]
    kwargs = {"salary": GBP_BAND, "salaries": (GBP_BAND, replace(GBP_BAND, label="UK")), **kwargs}
    return [
        make_role(i, f"Role {i} \x85", places[i % 5], places[(i + 2) % 5], **kwargs)
        for i in range(1, n)
    ]


def report(start: list[Role], end: list[Role]) -> Any:
    return diff(Snapshot.of(start), Snapshot.of(end), T0, T1, include_all=True)


def test_ordinary_report_takes_the_fast_path() -> None:
    start = roles(40)
    end = [replace(r, title=r.title + " II") if r.id % 3 == 0 else r for r in start[5:]]
    end += [replace(r, id=r.id + 100) for r in start[:8]]
    r = report(start, end)
    assert r.opened and r.closed and r.changed
    assert roles_alike([*r.opened, *r.closed, *(c.role for c in r.changed)])
    assert report_json(r) == plain(report_dict(r))


BAD_BANDS = [
    SalaryBand(float("nan"), 1.0, "USD"), SalaryBand(float("inf"), None, "USD"),
    SalaryBand(1e-5, 2.5e-5, "USD"), SalaryBand(1e20, 1e300, "USD"),
    SalaryBand(2**70, None, "USD"), SalaryBand(1.5, 2, 7.5e-7),  # type: ignore[arg-type]
    SalaryBand(1, 2, "USD", label=["a", 1e-9]),  # type: ignore[arg-type]
    SalaryBand(Text("1"), 2, Text("USD")),  # type: ignore[arg-type]
]  # fmt: skip
BAD_ROLES: list[dict[str, Any]] = [
    {"title": Text("t")}, {"title": 7.5e-7}, {"external_id": 1e20}, {"id": 2**70},
    {"compute": 1}, {"team": Decimal("1.5")},
    {"locations": (Place("Tokyo", Text("Tokyo"), "JP", "APAC"),)},
]  # fmt: skip


@pytest.mark.parametrize("change", range(len(BAD_BANDS) + len(BAD_ROLES)))
def test_odd_values_give_the_standard_library_text(change: int) -> None:
    if change < len(BAD_BANDS):
        band = BAD_BANDS[change]
        odd: dict[str, Any] = {"salary": band, "salaries": (band,)}
    else:
        odd = BAD_ROLES[change - len(BAD_BANDS)]
    start = roles(6)
    end = [*start[1:], replace(start[0], **{"id": 50, **odd})]
    r = report(start, end)
    assert not roles_alike(r.opened)
    try:
        want = plain(report_dict(r))
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            report_json(r)
    else:
        assert report_json(r) == want


def test_values_orjson_refuses_go_to_the_standard_library() -> None:
    start = roles(6)
    r = report(start, [*start[1:], replace(start[0], id=50, title="lone \ud800")])
    assert roles_alike(r.opened)  # alike by type; orjson refuses the text itself
    assert report_json(r) == plain(report_dict(r))


def test_odd_keys_and_changes_are_walked() -> None:
    r = report(roles(5), roles(5))
    odd = replace(r, by={"company": [replace(r.by["company"][0], key=1e-9)]})
    assert report_json(odd) == plain(report_dict(odd))
    changed = report(roles(5), [replace(x, title=x.title + "!") for x in roles(5)])
    first = changed.changed[0]
    weird = replace(first, changes={**first.changes, "title": (1e-7, "x")})
    odd = replace(changed, changed=[weird])
    assert report_json(odd) == plain(report_dict(odd))
    assert jsonout.roles_alike([])


def key(rid: int, company: str) -> RoleKey:
    return RoleKey(rid, rid, "s", company, company.title(), "dc_operations", True, ())


def test_sorted_matches_sorting_by_id_too() -> None:
    rng = random.Random(4)
    order, without = attrgetter("company", "id"), attrgetter("company")
    for n in (0, 1, 2, 50):
        keys = [key(i * 3 + 1, rng.choice("abc")) for i in range(n)]
        for items in (keys, keys[::-1], rng.sample(keys, n), keys + keys[:1]):
            assert _sorted(items, order, without) == sorted(items, key=order)
    start = roles(30)
    titled = [replace(r, title=rng.choice(["x", "y"]), company=rng.choice("pq")) for r in start]
    by_title = attrgetter("company", "title")
    for items in (titled, titled[::-1]):
        got = _sorted(items, attrgetter("company", "title", "id"), by_title)
        assert got == sorted(items, key=attrgetter("company", "title", "id"))


def test_utf8_json_inert_agrees_with_the_regex() -> None:
    rng = random.Random(8)
    near = "a\x7e\x7f\x80\x85\x9f\xa0£é\u2027\u2028\u2029\u202e\u202f\u2065\u2066\u2069\u206a—…東😀"
    for _ in range(3000):
        text = "".join(rng.choice(near) for _ in range(rng.randrange(0, 8)))
        assert utf8_json_inert(text.encode()) == (json_inert(text) == text), repr(text)
    many = "£—" * 5000  # past the candidates it looks at: the regex decides
    assert not utf8_json_inert(many.encode())
    assert dumps({"k": many}) == plain({"k": many})
    assert dumps(["x\u2066"]) == plain(["x\u2066"]) and dumps(["x—"]) == plain(["x—"])
