"""Free-text and structured job locations -> ``Place`` values and a remote flag.

A location string is split into tokens on ``|``, ``;``, ``/`` and the words "&", "or", "and"
(not inside "Trinidad and Tobago"); remote and work-mode words ("Remote-Friendly", "Hybrid",
"Office", "HQ") are taken out of each token, and filler ("only", "Greater ... Area",
postcodes) out of each part. The text outside parentheses and each parenthesized part are
then read as one of:

- ``City, ST`` (US state), ``City, Province`` / ``City, Country`` (pycountry names and the
  aliases in ``seeds/places.toml``), the reading where the city exists winning ("Portland, ME"
  is Maine, "London, ON" is Canada, "Cambridge, MA" the US, "Cambridge, UK" England); also
  without the comma ("Sydney NSW", "Austin TX");
- ``City, Region, Country`` and ``Country, Region, City`` (Amazon, Workday "US, CA, Santa
  Clara"), ``Country, City`` ("Japan, Tokyo") and ``Country, State`` ("US, AR");
- a bare country, US state, region ("Remote - EMEA" -> a place with a region and no country)
  or city: ``known_places`` first (preferred readings such as Santa Clara, California, and
  small data-center towns such as Eemshaven or Eastern Creek), else the most populous geonames
  match weighted by ``country_weights`` ("Valencia" is Spain);
- a comma list of the above ("San Francisco, CA, Seattle, WA", "Germany, France").

A token that cannot be placed ("3 Locations" on Workday lists, until the detail is read) is kept
as ``Place(raw=...)`` with no country. A token that names a data-center site ("Dallas, TX -
Data Center", taxonomy ``dc_sites``) keeps the whole token as each place's ``raw``, so the
stored place still says where the role sits and ``tracker renormalize`` can re-read it.
Places are deduplicated by (city, country); a country- or region-only place is dropped when a
more specific place in it is listed. Results are cached per string: boards repeat the same few
location strings on every scrape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, lru_cache

from tracker.domain import Place
from tracker.normalize import gazetteer as gz
from tracker.normalize._seeds import fold

_TOKEN_SPLIT = re.compile(r"\s*[|;/]\s*|\s+(?:&|or|and)\s+", re.IGNORECASE)
_KEEP_AND = "\x00"
_PARENS = re.compile(r"\(([^()]*)\)")
_COUNTRY_PREFIX = re.compile(r"^([A-Z]{2})-(?=\S)")
_DASH_SEP = re.compile(r"\s+[-–—]\s+")
_POSTCODE = re.compile(r"\s+\d{1,6}(?:-\d{4})?$")
_LEADING = re.compile(r"^(?:(?:based|located)\s+)?(?:in|within|across)(?:\s+the)?\s+", re.I)
_DIRECTION = re.compile(r"^(?:north|south|east|west|central)(?:ern)?\s+", re.I)
_EDGE_JUNK = " \t-–—,:/()·"


@cache
def _words_pattern(section: str) -> re.Pattern[str]:
    words = sorted(gz.word_list(section), key=len, reverse=True)
    alternatives = "|".join(r"[\s-]+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


def parse_places(
    location_raw: str | None, structured: Sequence[Place] = ()
) -> tuple[list[Place], bool]:
    """Places named by a posting, and whether it says it is remote.

    >>> parse_places("Tokyo, Japan", [])
    ([Place(raw='Tokyo, Japan', city='Tokyo', country='JP', region='APAC')], False)
    """
    places, remote = _parse_places(location_raw, tuple(structured))
    return list(places), remote


@lru_cache(maxsize=8192)
def _parse_places(
    location_raw: str | None, structured: tuple[Place, ...]
) -> tuple[tuple[Place, ...], bool]:
    places: list[Place] = []
    remote = False
    for token in split_tokens(location_raw or ""):
        found, token_remote = parse_token(token)
        places.extend(found)
        remote = remote or token_remote
    for place in structured:
        found, token_remote = _from_structured(place)
        places.extend(found)
        remote = remote or token_remote
    return tuple(dedupe(places)), remote


def split_tokens(text: str) -> list[str]:
    """Split a location string into its separate locations (exact duplicates removed).

    Separators: ``|`` ``;`` ``/`` and the words "&", "or", "and" - except inside a country
    name ("Trinidad and Tobago").
    """
    text = gz.protect_and(text, _KEEP_AND)
    seen: dict[str, str] = {}
    for part in _TOKEN_SPLIT.split(text):
        part = " ".join(part.replace(_KEEP_AND, " ").split())
        if len(part.strip(_EDGE_JUNK)) > 1 and fold(part) not in seen:
            seen[fold(part)] = part
    return list(seen.values())


def parse_token(token: str) -> tuple[list[Place], bool]:
    """One location token -> its places and whether it is remote.

    The text outside parentheses and each parenthesized part are read; all the places they
    name are kept ("Remote - US (Seattle, WA only)" -> Seattle, which covers the US).
    Results are cached: boards repeat the same few location strings on every scrape.
    """
    places, remote = _parse_token(token)
    return list(places), remote


@lru_cache(maxsize=8192)
def _parse_token(token: str) -> tuple[tuple[Place, ...], bool]:
    remote = bool(_words_pattern("remote").search(token))
    text = _words_pattern("remote").sub(" ", token)
    text = _words_pattern("work_mode").sub(" ", text)
    inner = [_strip_filler(m) for m in _PARENS.findall(text)]
    main = _strip_filler(_PARENS.sub(" ", text))
    raw = " ".join(token.split())
    places: list[Place] = []
    for candidate in [main, *inner]:
        if candidate:
            places.extend(p for p in _parse_geo(raw, candidate) if p.country or p.region)
    if not places and main:
        region = gz.region_within(main)
        places = [Place(raw=raw, region=region)] if region else []
    if places and _names_site(raw):
        places = [replace(p, raw=raw) for p in places]
    if places or remote or not main:
        return tuple(places), remote
    return (Place(raw=raw),), remote


def _names_site(token: str) -> bool:
    """The token names a data-center site ("Dallas, TX - Data Center")."""
    from tracker.normalize.taxonomy import fold_title, load_taxonomy

    return load_taxonomy().dc_sites.find(fold_title(token)) is not None


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(_EDGE_JUNK)
    return _LEADING.sub("", _DASH_SEP.sub(", ", text).strip(_EDGE_JUNK))


def _strip_filler(text: str) -> str:
    """Drop filler words ("only", "Greater ... Area") and postcodes from each comma part,
    except from informal names that contain them ("Bay Area")."""
    parts = []
    for part in _clean(text).split(","):
        part = _POSTCODE.sub("", part.strip())
        if not gz.city_alias(part):
            part = _words_pattern("filler").sub(" ", part)
        parts.append(" ".join(part.split()))
    return _clean(", ".join(p for p in parts if p.strip(_EDGE_JUNK)))


def _parse_geo(raw: str, text: str) -> list[Place]:
    """Read the geography left in a token once remote/work-mode words are gone."""
    alias = gz.city_alias(text)
    if alias:
        return [make_place(raw, alias[0], alias[1])]
    parts = [p.strip(_EDGE_JUNK) for p in text.split(",")]
    parts = [p for p in parts if p]
    if any(_prefixed_country(p) for p in parts):
        return [_prefixed(raw if len(parts) == 1 else p, p) for p in parts]
    paired = _state_pairs(parts) if len(parts) >= 4 else None
    if paired:
        return paired
    if len(parts) >= 3:
        ordered = _ordered_triple(raw, parts)
        if ordered:
            return [ordered]
    if len(parts) == 1:
        parts = _split_trailing_code(parts[0])
    if len(parts) == 2:
        pair = _country_first(raw, parts) or _resolve_pair(raw, parts[0], parts[1], strict=False)
        if pair:
            return [pair]
    return _greedy(raw, parts)


def _state_pairs(parts: list[str]) -> list[Place] | None:
    """``City, ST, City, ST``: a list of US cities each with its state code, else None.

    Read before ``City, Region, Country``, so the last "CA" of "San Leandro, CA, Fremont, CA"
    is California, not Canada.
    """
    if len(parts) % 2 or not all(gz.is_state_code(code) for code in parts[1::2]):
        return None
    places = []
    for city_text, code in zip(parts[::2], parts[1::2], strict=True):
        state = gz.us_state(code)
        city = gz.find_city(city_text, "US", state) if state else None
        if city is None:
            return None
        places.append(make_place(f"{city_text}, {code}", city.name, "US"))
    return places


def _split_trailing_code(text: str) -> list[str]:
    """``Sydney NSW`` / ``Austin TX`` / ``London UK`` -> two parts; otherwise ``[text]``."""
    words = text.split()
    if len(words) < 2 or gz.find_city(text) or gz.country_code(text):
        return [text]
    last = words[-1]
    if last.isupper() and 2 <= len(last) <= 3 and gz.qualifier_candidates(last):
        return [" ".join(words[:-1]), last]
    return [text]


def _prefixed_country(part: str) -> str | None:
    """The country of a ``US-Chicago`` style part, if it has one."""
    match = _COUNTRY_PREFIX.match(part)
    return gz.country_code(match.group(1)) if match else None


def _prefixed(raw: str, part: str) -> Place:
    """``US-Chicago`` -> Chicago, US; ``US-Texas`` / ``US-West Coast`` -> US only."""
    country = _prefixed_country(part)
    if not country:
        return _single(raw, part)
    rest = part[3:].strip(_EDGE_JUNK)
    alias = gz.city_alias(rest)
    if alias and alias[1] == country:
        return make_place(raw, alias[0], country)
    city = gz.find_city(rest, country) if rest else None
    return make_place(raw, city.name if city else None, country)


def _ordered_triple(raw: str, parts: list[str]) -> Place | None:
    """``City, Region, Country`` or ``Country, Region, City``."""
    last, first = gz.country_code(parts[-1]), gz.country_code(parts[0])
    if last and first and first != last:
        return None  # a list of countries
    if last:
        return _city_in(raw, parts[0], last, parts[1], prefer_city=True)
    if first and len(parts) == 3:
        return _city_in(raw, parts[-1], first, parts[1], prefer_city=True)
    return None


def _city_in(
    raw: str, city_text: str, country: str, region_text: str | None, prefer_city: bool = False
) -> Place:
    """A place for ``city_text`` known to be in ``country`` (region text as a US-state hint).

    A name that is also the country or one of its states ("Johor, Malaysia") is read as that
    area unless ``prefer_city`` (the city slot of ``City, Region, Country``, or "Singapore,
    Singapore") or it is a city's own name ("New York").
    """
    state = gz.us_state(region_text) if (region_text and country == "US") else None
    if not prefer_city and (
        gz.country_code(city_text) == country
        or (gz.is_state_of(city_text, country) and not gz.is_city_name(city_text, country))
    ):
        return make_place(raw, None, country)
    city = gz.find_city(city_text, country, state) or gz.find_city(city_text, country)
    if city:
        return make_place(raw, city.name, country)
    if gz.is_subdivision_of(city_text, country):
        return make_place(raw, None, country)
    return make_place(raw, city_text, country)


def _resolve_pair(raw: str, city_text: str, qualifier: str, strict: bool) -> Place | None:
    """``City, Qualifier`` -> the reading where the city exists; None if the pair fails.

    ``strict`` (inside longer comma lists) accepts a pair only when a state *code* or a country
    qualifies it, or the city is found under the qualifier.
    """
    candidates = gz.qualifier_candidates(qualifier)
    if not candidates:
        return None
    scored = [(_score(city_text, cand), -i, cand) for i, cand in enumerate(candidates)]
    score, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if score == 0 and _names_a_country(city_text, best.country):
        return None
    if score == 0:
        firm = [c for c in candidates if c.kind != "subdivision"]
        if strict and not any(c.kind == "country" or gz.is_state_code(qualifier) for c in firm):
            return None
        if not firm and len({c.country for c in candidates}) != 1:
            return None
        best = firm[0] if firm else candidates[0]
    same = fold(city_text) == fold(qualifier)  # "Singapore, Singapore"
    return _city_in(raw, city_text, best.country, best.state, prefer_city=same)


def _names_a_country(text: str, country: str) -> bool:
    """True when a would-be city is a country or region name ("Germany, France")."""
    if gz.is_subdivision_of(text, country):
        return False
    return bool(gz.country_code(text) or gz.region_name(text))


def _score(city_text: str, cand: gz.Candidate) -> int:
    """2: the city exists in that US state / country; 1: in a country with such a subdivision."""
    if not gz.find_city(city_text, cand.country, cand.state):
        return 0
    return 1 if cand.kind == "subdivision" else 2


def _country_first(raw: str, parts: list[str]) -> Place | None:
    """``Country, City`` ("Japan, Tokyo", "IE, Dublin") or ``Country, State`` ("US, AR")."""
    first, second = parts
    country = gz.country_code(first)
    if not country:
        return None
    if gz.is_subdivision_of(second, country) and not gz.is_city_name(second, country):
        return make_place(raw, None, country)
    if gz.country_code(second) or gz.us_state(second) or gz.region_name(second):
        return None
    return _city_in(raw, second, country, None, prefer_city=True)


def _greedy(raw: str, parts: list[str]) -> list[Place]:
    """A comma list: take ``City, Qualifier`` pairs where they fit, else single names."""
    places: list[Place] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts):
            pair_raw = raw if len(parts) == 2 else f"{parts[i]}, {parts[i + 1]}"
            pair = _resolve_pair(pair_raw, parts[i], parts[i + 1], strict=True)
            if pair:
                places.append(pair)
                i += 2
                continue
        places.append(_single(raw if len(parts) == 1 else parts[i], parts[i]))
        i += 1
    return places


def _single(raw: str, text: str) -> Place:
    """One name: city alias, region, country, city, US state, or unknown."""
    alias = gz.city_alias(text)
    if alias:
        return make_place(raw, alias[0], alias[1])
    region = gz.region_name(text)
    if region:
        return Place(raw=raw, region=region)
    country = gz.country_code(text)
    if country:
        return make_place(raw, None, country)
    city = gz.find_city(text)
    if city:
        return make_place(raw, city.name, city.country)
    if gz.us_state(text):
        return make_place(raw, None, "US")
    undirected = _DIRECTION.sub("", text)  # "Northern Virginia", "Southern California"
    if undirected != text:
        area = gz.country_code(undirected) or ("US" if gz.us_state(undirected) else None)
        if area:
            return make_place(raw, None, area)
    return Place(raw=raw)


def make_place(raw: str, city: str | None, country: str | None) -> Place:
    """A Place with its region filled from the country."""
    return Place(raw=raw, city=city, country=country, region=gz.region_for(country))


def _from_structured(place: Place) -> tuple[list[Place], bool]:
    """Normalize a place the ATS gave as fields; one that has a country keeps it."""
    country = gz.country_code(place.country) if place.country else None
    if country:
        city = gz.find_city(place.city, country) if place.city else None
        name = city.name if city else place.city
        region = place.region or gz.region_for(country)
        return [Place(raw=place.raw, city=name, country=country, region=region)], False
    found: list[Place] = []
    remote = False
    for token in split_tokens(place.raw or place.city or ""):  # "San Leandro, CA and Fremont, CA"
        places, token_remote = parse_token(token)
        found.extend(places)
        remote = remote or token_remote
    return [Place(p.raw, p.city, p.country, place.region or p.region) for p in found], remote


def dedupe(places: Sequence[Place]) -> list[Place]:
    """Drop repeats by (city, country), and country/region-only places a city already covers."""
    cities = {p.country for p in places if p.city and p.country}
    regions = {p.region for p in places if p.country and p.region}
    seen: set[tuple[str, ...]] = set()
    result: list[Place] = []
    for place in places:
        if not place.city and place.country in cities:
            continue
        if not place.country and place.region in regions:
            continue
        key = (fold(place.city or ""), place.country or "", place.region or "")
        if not (place.city or place.country or place.region):
            key = ("raw", fold(place.raw), "")
        if key not in seen:
            seen.add(key)
            result.append(place)
    return result
