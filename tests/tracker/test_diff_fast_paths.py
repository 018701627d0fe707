"""The fast paths of ``tracker diff`` give what the plain ones gave: JSON text byte for byte,
counts per place dimension, and the garbage collector's state afterwards."""

from __future__ import annotations

import gc
import json
import random
import threading

import pytest

from tests.factories import SF, SYDNEY, TOKYO, make_role
from tracker.counts import count_values
from tracker.diff import _count_values, gc_paused
from tracker.domain import Counted, Place, RoleKey
from tracker.report import serialize
from tracker.report.inert import json_inert
from tracker.report.serialize import dumps, role_dict


def plain(value: object) -> str:
    """What ``dumps`` wrote before it used orjson."""
    return json_inert(json.dumps(value, indent=2, ensure_ascii=False))


ODD = [
    1e-5, -4.2e-8, 1e16, 1e300, 5e-324, float("nan"), float("inf"), -float("inf"),  # floats
    2**64, -(2**63) - 1, 10**30,  # ints orjson cannot write
    {1: "int key"}, {None: 1}, {True: 1}, {1.5: "x"},  # keys json.dumps converts
    "lone \ud800 surrogate",
    "DEL \x7f C1 \x85\x9b bidi \u202e\u2066 sep \u2028\u2029 é 東京 😀 \x00\x1f \"\\ /",
    [[[[]]]], {"a": {}, "b": [], "c": [{}], "d": ()}, (1, (2, 3)),
]  # fmt: skip


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_dumps_is_the_standard_library_text(value: object) -> None:
    for wrapped in (value, [value], {"k": value}, [{"a": [value, 1, None]}]):
        assert dumps(wrapped) == plain(wrapped)


def test_dumps_random_values_match() -> None:
    rng = random.Random(5)
    atoms = [None, True, False, 0, -1, 2**63 - 1, 0.0, -0.0, "", "x\x7fy", "\x9b", "é"]

    def make(depth: int) -> object:
        pick = rng.random()
        if depth > 4 or pick < 0.5:
            if rng.random() < 0.3:
                return rng.choice(atoms)
            return round(rng.uniform(-1e7, 1e7), rng.randrange(0, 4)) * 10 ** rng.randrange(-9, 12)
        if pick < 0.75:
            return [make(depth + 1) for _ in range(rng.randrange(0, 4))]
        return {f"k{i}": make(depth + 1) for i in range(rng.randrange(0, 4))}

    for _ in range(3000):
        value = make(0)
        assert dumps(value) == plain(value)


def test_dumps_takes_the_fast_path_for_roles() -> None:
    """A role's JSON is written by orjson (the fast path is not dead code), the same text."""
    role = make_role(7, "DC Ops \u202e", SYDNEY, TOKYO)
    value = {"opened": [role_dict(role)], "by": {"country": [{"key": None, "from": 0}]}}
    assert serialize._orjson_alike(value)
    assert dumps(value) == plain(value)
    assert not serialize._orjson_alike([1e-5]) and not serialize._orjson_alike({1: 2})
    deep: list[object] = []
    for _ in range(300):
        deep = [deep]
    assert not serialize._orjson_alike(deep)
    assert dumps(deep) == plain(deep)


def test_json_inert_ascii_fast_path_still_escapes_del() -> None:
    assert json_inert('"a\x7fb"') == '"a\\u007fb"'
    assert json_inert('"plain"') == '"plain"'


def test_place_counts_match_count_values() -> None:
    shared = (SYDNEY, TOKYO)
    nowhere = Place("Remote", None, None, None)
    keys = [
        RoleKey(i, i, "s", "c", "C", "dc_operations", True, loc)
        for i, loc in enumerate([shared, shared, (SF,), (), (nowhere,), (SYDNEY, SYDNEY), shared])
    ]
    roles: list[Counted] = [make_role(20, "A", TOKYO), make_role(21, "B", SF, TOKYO), *keys]
    for dim in ("country", "region", "city", "company", "category", "source"):
        assert _count_values(roles, dim) == count_values(roles, dim)
    assert _count_values(roles, "country")["JP"] == 5  # 3 sharing one tuple


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # disabled by someone else: left so
    finally:
        gc.enable()


def test_gc_paused_across_threads() -> None:
    inside, leave = threading.Barrier(3), threading.Event()

    def work() -> None:
        with gc_paused():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    leave.set()
    for t in threads:
        t.join()
    assert gc.isenabled()
