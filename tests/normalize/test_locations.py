"""parse_places(): free-text locations, structured places, remote flags and regions."""

from __future__ import annotations

import pytest

from tracker.domain import Place
from tracker.normalize.gazetteer import region_for
from tracker.normalize.locations import parse_places


def one(text: str) -> Place:
    places, _ = parse_places(text, [])
    assert len(places) == 1, places
    return places[0]


@pytest.mark.parametrize(
    ("text", "city", "country", "region"),
    [
        ("Tokyo, Japan", "Tokyo", "JP", "APAC"),
        ("Sydney, Australia", "Sydney", "AU", "APAC"),
        ("London, UK", "London", "GB", "EMEA"),
        ("London, United Kingdom ", "London", "GB", "EMEA"),
        ("Portland, OR", "Portland", "US", "AMER"),
        ("Portland, ME", "Portland", "US", "AMER"),
        ("London, ON", "London", "CA", "AMER"),
        ("Berlin, DE", "Berlin", "DE", "EMEA"),
        ("Dublin, IE", "Dublin", "IE", "EMEA"),
        ("Zürich, CH", "Zürich", "CH", "EMEA"),
        ("Seoul, Korea", "Seoul", "KR", "APAC"),
        ("Atlanta, Georgia", "Atlanta", "US", "AMER"),
        ("Mexico City, Mexico", "Mexico City", "MX", "AMER"),
        ("Bombay, MH", "Mumbai", "IN", "APAC"),
        ("Melbourne, VIC", "Melbourne", "AU", "APAC"),
        ("Washington, D.C.", "Washington", "US", "AMER"),
        ("Riyadh", "Riyadh", "SA", "EMEA"),
    ],
)  # fmt: skip
def test_city_and_qualifier(text: str, city: str, country: str, region: str) -> None:
    place = one(text)
    assert (place.city, place.country, place.region) == (city, country, region)
    assert place.raw == text.strip()


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Tokyo", "Tokyo", "JP"),
        ("Sydney", "Sydney", "AU"),
        ("London", "London", "GB"),
        ("San Francisco", "San Francisco", "US"),
        ("Melbourne", "Melbourne", "AU"),
        ("Bengaluru", "Bengaluru", "IN"),
        ("NYC", "New York City", "US"),
    ],
)  # fmt: skip
def test_bare_city_is_the_most_populous_match(text: str, city: str, country: str) -> None:
    place = one(text)
    assert (place.city, place.country) == (city, country)


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Sydney, New South Wales, Australia", "Sydney", "AU"),
        ("Austin, TX, United States", "Austin", "US"),
        ("US, CA, Santa Clara", "Santa Clara", "US"),
        ("AU, NSW, Sydney", "Sydney", "AU"),
        ("China, Shanghai", "Shanghai", "CN"),
        ("Portugal - Lisbon", "Lisbon", "PT"),
        ("Denver, CO - US", "Denver", "US"),
        ("Tulsa, OK - US (1)", "Tulsa", "US"),
        ("Roma, Roma, Italy", "Rome", "IT"),
    ],
)  # fmt: skip
def test_three_part_and_reversed_forms(text: str, city: str, country: str) -> None:
    place = one(text)
    assert (place.city, place.country) == (city, country)


def test_country_and_region_only() -> None:
    assert one("Singapore") == Place("Singapore", None, "SG", "APAC")
    assert one("Ontario, CAN") == Place("Ontario, CAN", None, "CA", "AMER")
    assert one("North America") == Place("North America", None, None, "AMER")


def test_separators_and_duplicates() -> None:
    places, remote = parse_places("New York City, NY; San Francisco, CA | New York City, NY", [])
    assert places == [
        Place("New York City, NY", "New York City", "US", "AMER"),
        Place("San Francisco, CA", "San Francisco", "US", "AMER"),
    ]
    assert remote is False
    places, _ = parse_places("Sydney Or Melbourne", [])
    assert [(p.city, p.country) for p in places] == [("Sydney", "AU"), ("Melbourne", "AU")]
    places, _ = parse_places("San Francisco, CA, New York City, NY, Seattle, WA", [])
    assert [p.city for p in places] == ["San Francisco", "New York City", "Seattle"]


def test_country_prefixed_lists() -> None:
    places, remote = parse_places("US-Remote, US-San Francisco, US-Chicago, US-Texas", [])
    assert [(p.city, p.country) for p in places] == [("San Francisco", "US"), ("Chicago", "US")]
    assert remote is True
    places, _ = parse_places("CA-Toronto, CA-Montreal", [])
    assert [(p.city, p.country) for p in places] == [("Toronto", "CA"), ("Montréal", "CA")]


def test_remote_friendly_with_a_city() -> None:
    places, remote = parse_places("Remote-Friendly (Travel-Required) |  Washington, DC", [])
    assert places == [Place("Washington, DC", "Washington", "US", "AMER")]
    assert remote is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remote - US", [Place("Remote - US", None, "US", "AMER")]),
        ("Remote, Brazil", [Place("Remote, Brazil", None, "BR", "AMER")]),
        ("Remote India", [Place("Remote India", None, "IN", "APAC")]),
        ("Remote - Europe", [Place("Remote - Europe", None, None, "EMEA")]),
        ("Remote (Seattle, WA only)",
         [Place("Remote (Seattle, WA only)", "Seattle", "US", "AMER")]),
        ("Remote - London, United Kingdom ",
         [Place("Remote - London, United Kingdom", "London", "GB", "EMEA")]),
        ("Remote", []),
        ("Distributed; Hybrid", []),
    ],
)  # fmt: skip
def test_remote_tokens(text: str, expected: list[Place]) -> None:
    assert parse_places(text, []) == (expected, True)


def test_work_mode_words_are_not_places() -> None:
    assert parse_places("Hybrid; In-Office", []) == ([], False)
    assert one("San Francisco Office").city == "San Francisco"


def test_unknown_text_is_kept_raw() -> None:
    assert parse_places("Moonbase Alpha", []) == ([Place("Moonbase Alpha")], False)
    assert parse_places(None, []) == ([], False)
    assert parse_places("   ", []) == ([], False)


def test_country_only_place_dropped_when_a_city_covers_it() -> None:
    places, remote = parse_places("Sydney, Australia | Remote-Friendly, Australia", [])
    assert places == [Place("Sydney, Australia", "Sydney", "AU", "APAC")]
    assert remote is True


def test_structured_places_keep_their_country() -> None:
    structured = [
        Place("New York, New York, United States", "New York", "United States"),
        Place("Osaka office", "Osaka", "JP"),
        Place("Somewhere", None, "SG", "APAC"),
    ]
    places, remote = parse_places("New York City, NY", structured)
    assert places == [
        Place("New York City, NY", "New York City", "US", "AMER"),
        Place("Osaka office", "Osaka", "JP", "APAC"),
        Place("Somewhere", None, "SG", "APAC"),
    ]
    assert remote is False


def test_structured_places_without_country_are_parsed() -> None:
    places, remote = parse_places(None, [Place("Remote - Canada"), Place("Sydney, Australia")])
    assert places == [
        Place("Remote - Canada", None, "CA", "AMER"),
        Place("Sydney, Australia", "Sydney", "AU", "APAC"),
    ]
    assert remote is True


@pytest.mark.parametrize(
    ("country", "region"),
    [("JP", "APAC"), ("AU", "APAC"), ("NZ", "APAC"), ("GB", "EMEA"), ("ZA", "EMEA"),
     ("AE", "EMEA"), ("IL", "EMEA"), ("TR", "EMEA"), ("US", "AMER"), ("BR", "AMER"),
     ("XX", None), (None, None)],
)  # fmt: skip
def test_regions(country: str | None, region: str | None) -> None:
    assert region_for(country) == region


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Santa Clara", "Santa Clara", "US"),  # not the bigger Santa Clara in Cuba
        ("Santa Clara, Cuba", "Santa Clara", "CU"),
        ("Quincy", "Quincy", "US"),
        ("Eastern Creek", "Eastern Creek", "AU"),
        ("Eemshaven", "Eemshaven", "NL"),
        ("Clonee, Co. Meath", "Clonee", "IE"),
        ("Valencia", "Valencia", "ES"),  # country weights: Spain over Venezuela
        ("Milano, Italy", "Milan", "IT"),  # a province of that name, but the city is meant
        ("Taipei City, TWN", "Taipei", "TW"),
        ("BangPa-in, PHRA NAKHON SI AYUTTHAYA, Thailand", "Bang Pa-in", "TH"),
        ("Dallas-Fort Worth, TX", "Dallas", "US"),
        ("Sydney NSW", "Sydney", "AU"),
        ("San Francisco, CA 94105", "San Francisco", "US"),
        ("Japan, Tokyo", "Tokyo", "JP"),
    ],
)
def test_ambiguous_and_small_places(text: str, city: str, country: str) -> None:
    place = one(text)
    assert (place.city, place.country) == (city, country)


def test_states_and_counts_are_not_cities() -> None:
    assert one("Johor, Malaysia") == Place("Johor, Malaysia", None, "MY", "APAC")
    assert one("US, AR, Remote") == Place("US, AR, Remote", None, "US", "AMER")
    assert one("Northern Virginia") == Place("Northern Virginia", None, "US", "AMER")
    assert parse_places("3 Locations", []) == ([Place("3 Locations")], False)


def test_regions_without_a_country() -> None:
    assert parse_places("Remote - EMEA", []) == ([Place("Remote - EMEA", region="EMEA")], True)
    assert parse_places("Remote - North to South America", []) == (
        [Place("Remote - North to South America", region="AMER")],
        True,
    )
    assert one("DACH").region == "EMEA"


def test_more_separators() -> None:
    places, _ = parse_places("Chicago and NYC", [])
    assert [p.city for p in places] == ["Chicago", "New York City"]
    places, _ = parse_places("SF/NYC", [])
    assert [p.city for p in places] == ["San Francisco", "New York City"]
    places, remote = parse_places("Remote (US/Canada)", [])
    assert [p.country for p in places] == ["US", "CA"] and remote
    assert one("Trinidad and Tobago").country == "TT"
    places, _ = parse_places("Remote - Germany, France, Netherlands", [])
    assert [p.country for p in places] == ["DE", "FR", "NL"]


@pytest.mark.parametrize(
    "text",
    [
        "San Leandro, CA and Fremont, CA", "San Leandro, CA, Fremont, CA",
        "San Leandro, CA / Fremont, CA", "San Leandro, CA | Fremont, CA",
        "San Leandro, CA; Fremont, CA",
    ],
)  # fmt: skip
def test_a_us_state_code_after_a_us_city_is_the_state_in_lists(text: str) -> None:
    """ "Fremont, CA" is California, not Canada - in free text and as an ATS place name."""
    expected = [("San Leandro", "US"), ("Fremont", "US")]
    for places in (parse_places(text, [])[0], parse_places(None, [Place(text)])[0]):
        assert [(p.city, p.country) for p in places] == expected
    assert [(p.city, p.country) for p in parse_places("Toronto, ON, CA", [])[0]] == [
        ("Toronto", "CA")
    ]


def test_a_data_center_site_label_is_kept_as_the_raw() -> None:
    places, remote = parse_places("Dallas, TX - Data Center")
    assert places == [Place("Dallas, TX - Data Center", "Dallas", "US", "AMER")] and not remote
    # read back from the stored raw (tracker renormalize): the same place
    again, _ = parse_places(None, [Place(raw="Dallas, TX - Data Center")])
    assert again == places
    # other labels keep the cleaned token, as before
    assert parse_places("Dallas, TX - Warehouse")[0] == [
        Place("Dallas, TX", "Dallas", "US", "AMER")
    ]
