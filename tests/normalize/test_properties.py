"""Property tests (hypothesis): the parsers never crash, bands are ordered, codes are valid.

``TRACKER_HYPOTHESIS_EXAMPLES=5000`` runs a longer search than the default.
"""

from __future__ import annotations

import math
import os
from datetime import date

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain import PERIODS, REGIONS, RawPosting, SalaryBand
from tracker.normalize.locations import parse_places
from tracker.normalize.paytext import iso_currencies, parse_bands
from tracker.normalize.salary import band_from_mapping, pick_salaries

EXAMPLES = int(os.environ.get("TRACKER_HYPOTHESIS_EXAMPLES", "150"))
COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)
SOME_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=120
)
MONEYISH = st.text(
    alphabet="$€£¥₹₩CAUSDGBPEKM0123456789.,' -–—~/toandperhouryear+()•‖:", max_size=60
)
SYMBOLS = ["$", "US$", "CA$", "A$", "NZ$", "HK$", "S$", "£", "€", "¥", "₹", "₩", "₱", "CHF ",
           "SGD ", "USD ", "EUR ", "INR ", ""]  # fmt: skip
SUFFIXES = ["", " USD", " EUR", " GBP", " CAD", "K", "k", " million", " LPA", "€", "万円"]
DASHES = [" - ", "–", " — ", " to ", " and ", " ~ ", "-", " bis "]
PERIOD_WORDS = ["", " per year", "/hour", " an hour", " monthly", "/day", " per week", " annually"]


def check_band(band: SalaryBand) -> None:
    assert band.currency is None or band.currency in iso_currencies()
    assert band.period in PERIODS
    for value in (band.min, band.max, band.min_usd, band.max_usd):
        assert value is None or (math.isfinite(value) and value >= 0)
    if band.min is not None and band.max is not None:
        assert band.min <= band.max
    if band.min_usd is not None and band.max_usd is not None:
        assert band.min_usd <= band.max_usd


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(SOME_TEXT, MONEYISH))
def test_salary_text_never_crashes(text: str) -> None:
    for band in parse_bands(text):
        check_band(band)


@st.composite
def amounts(draw: st.DrawFn) -> str:
    value = draw(st.integers(min_value=0, max_value=99_999_999))
    style = draw(st.sampled_from(["plain", "comma", "dot", "space", "apostrophe", "cents"]))
    if style == "comma":
        return f"{value:,}"
    if style == "dot":
        return f"{value:,}".replace(",", ".")
    if style == "space":
        return f"{value:,}".replace(",", " ")
    if style == "apostrophe":
        return f"{value:,}".replace(",", "'")
    if style == "cents":
        return f"{value:,}.{draw(st.integers(0, 99)):02d}"
    return str(value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sampled_from(SYMBOLS), amounts(), st.sampled_from(SUFFIXES), st.sampled_from(DASHES),
    amounts(), st.sampled_from(PERIOD_WORDS), st.sampled_from(["", "Annual Salary: ", "OTE "]),
)  # fmt: skip
def test_composed_ranges_parse_to_valid_bands(
    symbol: str, low: str, suffix: str, dash: str, high: str, period: str, heading: str
) -> None:
    text = f"{heading}{symbol}{low}{suffix}{dash}{symbol}{high}{suffix}{period}"
    bands = parse_bands(text)
    for band in bands:
        check_band(band)
    if symbol.strip():
        assert bands, text
        assert bands[0].currency is not None


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(
        st.builds(
            SalaryBand,
            min=st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False)),
            max=st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False)),
            currency=st.one_of(
                st.none(), st.sampled_from(["USD", "eur", " gbp ", "XXX", "", "ZZZ"])
            ),
            period=st.sampled_from([*PERIODS, "fortnight", ""]),
        ),
        max_size=3,
    ),
    st.lists(st.one_of(SOME_TEXT, MONEYISH), max_size=3),
)
def test_pick_salaries_always_tidy(bands: list[SalaryBand], texts: list[str]) -> None:
    raw = RawPosting("1", "T", salaries=tuple(bands), salary_texts=tuple(texts))
    for band in pick_salaries(raw, date(2026, 4, 20)):
        check_band(band)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["min", "max", "min_cents", "max_cents", "minValue", "maxValue",
                         "currency", "currency_type", "currencyCode", "interval", "period",
                         "title", "compensationType"]),
        st.one_of(st.none(), st.booleans(), st.integers(-10, 10**9), st.floats(allow_nan=True),
                  st.text(max_size=12), st.sampled_from(["USD", "Salary", "1 HOUR", "HOURLY"])),
    )
)  # fmt: skip
def test_band_from_any_mapping(data: dict[str, object]) -> None:
    band = band_from_mapping(data)
    if band is not None:
        assert band.currency in iso_currencies()
        assert band.period in PERIODS
        if band.min is not None and band.max is not None and not math.isnan(band.min):
            assert band.min <= band.max or math.isnan(band.max)


LOCATION_PIECES = ["San Francisco, CA", "Remote - US", "London, UK", "Tokyo", "Portland, ME",
                   "London, ON", "3 Locations", "Remote - EMEA", "US, CA, Santa Clara", "Hybrid",
                   "Sydney NSW", "Eemshaven", "Moonbase", "Zürich, CH", "(Remote)", ""]  # fmt: skip
LOCATION_SEPARATORS = [" | ", "; ", " / ", " or ", " & ", ", ", " and "]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(SOME_TEXT, st.text(alphabet=",;|/&()-– ABCUSNYLondonRemote", max_size=60)))
def test_locations_never_crash(text: str) -> None:
    places, remote = parse_places(text, ())
    assert isinstance(remote, bool)
    for place in places:
        assert isinstance(place.raw, str)
        assert place.country is None or place.country in COUNTRIES
        assert place.region is None or place.region in REGIONS
        assert place.city is None or place.city.strip()


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(LOCATION_PIECES), min_size=1, max_size=4),
       st.lists(st.sampled_from(LOCATION_SEPARATORS), min_size=3, max_size=3))  # fmt: skip
def test_composed_locations(pieces: list[str], separators: list[str]) -> None:
    text = pieces[0] + "".join(
        sep + piece for sep, piece in zip(separators, pieces[1:], strict=False)
    )
    places, _ = parse_places(text, ())
    keys = [
        (p.city, p.country, p.region, p.raw if not (p.city or p.country) else "") for p in places
    ]
    assert len(keys) == len(set(keys))
    for place in places:
        assert place.country is None or place.country in COUNTRIES
        if place.country:
            assert place.region in REGIONS
