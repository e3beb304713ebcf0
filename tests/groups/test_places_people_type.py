"""What people type into the search box, read against the real shipped data: the GeoNames gazetteer,
Code-Point Open's UK postcodes, the Canadian and Australian postcodes, the US ZIP codes.

The data is loaded once for the module (a few seconds) and removed after it. Expected points are
landmarks' published coordinates, never the code's own answers."""

from io import StringIO
from math import asin, cos, radians, sin, sqrt

import pytest
from django.core.management import call_command

from groups.geocoding import geocode
from groups.models import Place, PostalCode
from tests.fakes import FakeAnswer, FakeGeocoder

LEEDS_TOWN_HALL = (53.8002, -1.5491)
MANCHESTER_PICCADILLY_GARDENS = (53.4809, -2.2374)
BUCKINGHAM_PALACE = (51.5014, -0.1419)
CN_TOWER = (43.6426, -79.3871)
SYDNEY_TOWN_HALL = (-33.8732, 151.2061)
MISSION_DISTRICT_SF = (37.7599, -122.4148)


def km(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    h = (
        sin(radians(lat2 - lat1) / 2) ** 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0088 * asin(sqrt(h))


def point(location):
    return location.latitude, location.longitude


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        quiet = {"stdout": StringIO(), "stderr": StringIO()}
        call_command("load_places", countries="US,GB,CA,AU", min_population=15000, **quiet)
        call_command("load_postcodes", areas="LS,M,SW,E", **quiet)
        yield
        PostalCode.objects.all().delete()
        Place.objects.all().delete()


@pytest.fixture
def places(shipped, db):
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def fake_geocoder(settings):
    settings.GEOCODER = "tests.fakes.FakeGeocoder"
    FakeGeocoder.reset()
    yield FakeGeocoder
    FakeGeocoder.reset()


# --- Addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["3200 24th Street, San Francisco, CA 94110", "San Francisco 94110", "san francisco, ca 94110-1234"]
)
def test_an_address_or_a_town_with_a_zip_code_finds_that_zip_code(places, query):
    result = geocode(query)
    assert result.location.label == "San Francisco, CA 94110"
    assert km(point(result.location), MISSION_DISTRICT_SF) < 2


def test_an_address_without_a_zip_code_finds_its_town(places):
    result = geocode("3200 24th Street, San Francisco, CA")
    assert result.location.label == "San Francisco, CA"


def test_a_street_address_in_leeds_finds_leeds(places):
    assert geocode("1 Park Row, Leeds, UK").location.label == "Leeds, England"


def test_the_geocoder_is_asked_for_the_full_address_first(places, fake_geocoder):
    fake_geocoder.answers["3200 24th Street, San Francisco, CA 94110"] = FakeAnswer(
        37.7527, -122.4110, "3200, 24th Street, Mission District, San Francisco, California, 94110"
    )
    result = geocode("3200 24th Street, San Francisco, CA 94110")
    assert fake_geocoder.queries() == ["3200 24th Street, San Francisco, CA 94110"]
    assert point(result.location) == (37.7527, -122.4110)


def test_when_the_geocoder_knows_nothing_the_address_falls_back_to_its_zip_code(places, fake_geocoder):
    result = geocode("3200 24th Street, San Francisco, CA 94110")
    assert len(fake_geocoder.calls) == 1
    assert result.location.label == "San Francisco, CA 94110"


def test_a_postcode_alone_never_waits_for_the_geocoder(places, fake_geocoder):
    assert geocode("LS1").location.label == "LS1 (Leeds city centre)"
    assert geocode("94110").location.source == "zip"
    assert fake_geocoder.calls == []


# --- Postcodes outside the US ---------------------------------------------------------------


@pytest.mark.parametrize("query", ["SW1A 1AA", "sw1a1aa", " SW1A  1AA "])
def test_a_uk_full_postcode_is_found_within_a_kilometre(places, query):
    result = geocode(query)
    assert result.location.label == "SW1A 1AA (central London)"
    assert km(point(result.location), BUCKINGHAM_PALACE) < 1
    assert result.location.country == "GB"
    assert result.location.time_zone == "Europe/London"


@pytest.mark.parametrize(
    ("query", "label", "landmark"),
    [
        ("LS1", "LS1 (Leeds city centre)", LEEDS_TOWN_HALL),
        ("ls1", "LS1 (Leeds city centre)", LEEDS_TOWN_HALL),
        ("M1", "M1 (Manchester city centre)", MANCHESTER_PICCADILLY_GARDENS),
        ("Leeds LS1", "LS1 (Leeds city centre)", LEEDS_TOWN_HALL),
    ],
)
def test_a_uk_outward_code_is_a_district_named_as_people_say_it(places, query, label, landmark):
    result = geocode(query)
    assert result.location.label == label
    assert km(point(result.location), landmark) < 2


def test_a_full_postcode_in_a_uk_address_finds_it(places):
    result = geocode("10 Downing Street, London SW1A 2AA")
    assert result.location.label == "SW1A 2AA (central London)"
    assert km(point(result.location), (51.5034, -0.1276)) < 1.5


@pytest.mark.parametrize("query", ["M5V 2T6", "m5v2t6", "M5V"])
def test_a_canadian_postcode_finds_its_forward_sortation_area(places, query):
    result = geocode(query)
    assert result.location.label.startswith("M5V")
    assert result.location.label.endswith("(Downtown Toronto, ON)")
    assert km(point(result.location), CN_TOWER) < 3
    assert result.location.time_zone == "America/Toronto"


def test_an_australian_postcode_finds_its_town(places):
    result = geocode("2000")
    assert result.location.label == "Sydney, NSW 2000"
    assert km(point(result.location), SYDNEY_TOWN_HALL) < 3
    assert result.location.time_zone == "Australia/Sydney"


def test_an_australian_address_finds_its_postcode(places):
    assert geocode("1 Macquarie St, Sydney NSW 2000").location.label == "Sydney, NSW 2000"


def test_a_northern_irish_postcode_says_what_to_try_instead(places):
    result = geocode("BT1 1AA")
    assert result.location is None
    assert "Northern Ireland" in result.message and "Belfast" in result.message


def test_a_label_we_gave_finds_the_same_place_again(places):
    first = geocode("LS1").location
    assert geocode(first.label).location == first


# --- Words for online ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["online", "Online groups", "ZOOM", "virtual", "Virtual meetings"])
def test_words_that_mean_online_ask_for_the_online_groups(places, query):
    result = geocode(query)
    assert result.online
    assert result.location is None and not result.message


# --- Common names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("new york", "New York City, NY"),
        ("New York, NY", "New York City, NY"),
        ("NYC", "New York City, NY"),
        ("LA", "Los Angeles, CA"),
        ("St Paul", "Saint Paul, MN"),
        ("Saint Paul", "Saint Paul, MN"),
        ("St. Paul, MN", "Saint Paul, MN"),
        ("Columbus", "Columbus, OH"),
    ],
)
def test_common_names_find_the_city_people_mean(places, query, label):
    assert geocode(query).location.label == label


def test_a_city_that_wins_for_its_size_still_offers_the_others(places):
    result = geocode("Columbus")
    assert result.location.label == "Columbus, OH"
    assert "Columbus, GA" in [candidate.label for candidate in result.candidates]


def test_a_typo_keeps_did_you_mean(places):
    result = geocode("Seatle")
    assert result.location is None
    assert result.suggestions[0] == "Seattle, WA"


def test_candidates_with_the_same_label_are_told_apart(db, django_db_blocker):
    call_command("load_places", countries="FR", stdout=StringIO(), stderr=StringIO())
    result = geocode("Saint-Paul, France")
    labels = [candidate.label for candidate in result.candidates]
    assert result.ambiguous
    assert len(labels) >= 3
    assert all(label.startswith("Saint-Paul, FR (near ") for label in labels)
    assert len(set(labels)) == len(labels)
