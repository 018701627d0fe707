"""Derived tables kept on disk between processes: built once, read back the same, and a
missing, corrupt or unwritable cache only costs a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tracker.normalize import diskcache


def counting(name: str, calls: list[int], fmt: int = 1) -> Callable[[], dict[str, object]]:
    def build() -> dict[str, object]:
        calls.append(1)
        return {"tokyo": [("Tokyo", "JP", "40", 8_336_599)], "set": frozenset({"JP"})}

    return diskcache.disk_cached(name, fmt)(build)


def test_built_once_then_read_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    first = counting("t", calls)()
    second = counting("t", calls)()  # a new process: only the file is shared
    assert calls == [1]
    assert second == first
    assert len(list(tmp_path.glob("t-v1-*.marshal"))) == 1


def test_new_format_is_a_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    counting("t", calls, fmt=1)()
    counting("t", calls, fmt=2)()
    assert calls == [1, 1]


def test_corrupt_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    counting("t", calls)()
    (path,) = tmp_path.glob("t-v1-*.marshal")
    path.write_bytes(b"\x00garbage")
    assert counting("t", calls)()["set"] == frozenset({"JP"})
    assert calls == [1, 1]


def test_unwritable_or_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(diskcache.ENV, str(blocker / "cache"))
    calls: list[int] = []
    assert counting("t", calls)()["tokyo"]
    monkeypatch.setenv(diskcache.ENV, "")
    assert diskcache.cache_dir() is None
    assert counting("t", calls)()["tokyo"]
    assert calls == [1, 1]


def indexing(name: str, calls: list[int], fmt: int = 1) -> Callable[[], diskcache.Index]:
    def build() -> dict[str, dict[str, Any]]:
        calls.append(1)
        return {
            "names": {"tokyo": [("Tokyo", "JP", "40", 8_336_599)], "zurich": []},
            "other": {"tokyo": ("x",)},
        }

    return diskcache.disk_index(name, fmt)(build)


def test_index_built_once_then_read_key_by_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    first = indexing("ix", calls)()
    second = indexing("ix", calls)()  # a new process: only the file is shared
    assert calls == [1]
    (path,) = tmp_path.glob("ix-v1-*.sqlite")
    for index in (first, second):
        names = index.table("names")
        assert names.get("tokyo") == [("Tokyo", "JP", "40", 8_336_599)]
        assert names.get("zurich") == []
        assert names.get("osaka", ()) == ()
        assert index.table("other").get("tokyo") == ("x",)
        assert index.table("other").get("zurich") is None
    assert second.table("names").as_dict() == {
        "tokyo": [("Tokyo", "JP", "40", 8_336_599)],
        "zurich": [],
    }
    assert path.stat().st_size > 0


@pytest.mark.parametrize("damage", ["garbage", "empty", "half"])
def test_damaged_index_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    indexing("ix", calls)()
    (path,) = tmp_path.glob("ix-v1-*.sqlite")
    data = path.read_bytes()
    path.write_bytes({"garbage": b"\x00garbage" * 100, "empty": b"", "half": data[:4096]}[damage])
    index = indexing("ix", calls)()
    assert index.table("names").get("tokyo") == [("Tokyo", "JP", "40", 8_336_599)]
    assert calls == [1, 1]
    assert indexing("ix", calls)().table("other").get("tokyo") == ("x",)  # written anew
    assert calls == [1, 1]


def test_index_failing_under_a_read_is_rebuilt_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file damaged after it was opened (its pages of rows overwritten): the lookup that
    meets the damage rebuilds the tables in memory and answers; no error reaches the caller."""
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []
    index = indexing("ix", calls)()
    (path,) = tmp_path.glob("ix-v1-*.sqlite")
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[:100] + b"\xff" * (size - 100))  # header kept
    assert index.table("names").get("tokyo") == [("Tokyo", "JP", "40", 8_336_599)]
    assert index.table("other").get("tokyo") == ("x",)
    assert calls == [1, 1]


def test_index_unwritable_or_off_is_held_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(diskcache.ENV, str(blocker / "cache"))
    calls: list[int] = []
    assert indexing("ix", calls)().table("names").get("tokyo")
    monkeypatch.setenv(diskcache.ENV, "")
    assert indexing("ix", calls)().table("other").get("tokyo") == ("x",)
    assert calls == [1, 1]


def test_two_threads_load_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scrape worker's warm-up thread and its event loop may ask for a table at once: one
    of them builds (or reads) it, the other waits and gets the same object."""
    import threading
    import time

    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    calls: list[int] = []

    def slow() -> dict[str, object]:
        calls.append(1)
        time.sleep(0.2)
        return {"a": 1}

    load = diskcache.disk_cached("slow", 1)(slow)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(load())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1]
    assert got == [{"a": 1}] * 3 and got[0] is got[1] is got[2]


def test_gazetteer_reads_the_same_from_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.normalize import gazetteer

    tables: Any = gazetteer._city_tables

    def clear() -> None:
        tables.cache_clear()
        gazetteer._cities.cache_clear()
        gazetteer.find_city.cache_clear()

    try:
        monkeypatch.setenv(diskcache.ENV, "")
        clear()
        fresh = tables()  # built, no cache: held in memory
        wanted = {name: fresh.table(name).as_dict() for name in ("names", "compact", "alternates")}
        assert all(wanted.values())
        monkeypatch.setenv(diskcache.ENV, str(tmp_path))
        clear()
        tables()  # built and written
        assert len(list(tmp_path.glob("cities-v1-*.sqlite"))) == 1
        clear()
        read = tables()  # read back
        for name, rows in wanted.items():
            assert read.table(name).as_dict() == rows
        assert read.table("names").get("tokyo") == wanted["names"]["tokyo"]
        assert gazetteer.find_city("Munchen") == gazetteer.City("Munich", "DE", "02", 1505005)
        assert gazetteer.find_city("Ashburn", "US", "VA") is not None
        assert gazetteer.find_city("Taipei City", "TW") is not None  # the compact table
    finally:
        clear()
