"""The built converter is kept on disk and reused by the next process while the rates match."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import currency_converter
import pytest

from tracker.normalize import fx

DAY = date(2024, 3, 1)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    fx.reset_rates()
    yield
    fx.reset_rates()


def no_build(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("the converter was built instead of loaded")


def test_second_process_loads_the_cached_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    first = fx.to_usd(100, "EUR", DAY)
    assert list(fx.rates_file().parent.glob("converter-*.pickle"))
    fx.reset_rates()  # as a new process would start
    monkeypatch.setattr(fx, "build_converter", no_build)
    assert fx.to_usd(100, "EUR", DAY) == first


def test_a_changed_rates_file_is_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = fx.rates_file()
    rates.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(currency_converter.CURRENCY_FILE, rates)
    fx.converter()
    old = set(rates.parent.glob("converter-*.pickle"))
    fx.reset_rates()
    rates.write_bytes(rates.read_bytes() + b"")  # same bytes, new time: a refreshed file
    built: list[Path | None] = []
    real = fx.build_converter

    def counting(path: Path | None = None) -> Any:
        built.append(path)
        return real(path)

    monkeypatch.setattr(fx, "build_converter", counting)
    fx.converter()
    assert built == [rates]
    new = set(rates.parent.glob("converter-*.pickle"))
    assert len(new) == 1 and new != old  # the stale copy was replaced


def test_a_broken_cache_file_is_rebuilt() -> None:
    fx.converter()
    (cache,) = fx.rates_file().parent.glob("converter-*.pickle")
    cache.write_bytes(b"not a pickle")
    fx.reset_rates()
    assert fx.to_usd(100, "USD", DAY) == 100.0
    assert fx.to_usd(100, "EUR", DAY) is not None
    assert cache.read_bytes() != b"not a pickle"
