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


def test_gazetteer_reads_the_same_from_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.normalize import gazetteer

    indexes: Any = gazetteer._city_indexes
    try:
        monkeypatch.setenv(diskcache.ENV, "")
        indexes.cache_clear()
        fresh = indexes()  # built, no cache
        monkeypatch.setenv(diskcache.ENV, str(tmp_path))
        indexes.cache_clear()
        assert indexes() == fresh  # built and written
        assert len(list(tmp_path.glob("cities-v1-*.marshal"))) == 1
        indexes.cache_clear()
        assert indexes() == fresh  # read back
        gazetteer.find_city.cache_clear()
        assert gazetteer.find_city("Munchen") == gazetteer.City("Munich", "DE", "02", 1505005)
        assert gazetteer.find_city("Ashburn", "US", "VA") is not None
    finally:
        indexes.cache_clear()
        gazetteer.find_city.cache_clear()
