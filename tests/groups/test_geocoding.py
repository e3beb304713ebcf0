"""Finding where the visitor means: browser coordinates, US ZIP codes, the gazetteer, then a geocoder if one is set."""

import logging
import time

import pytest
from geopy.geocoders import Nominatim

from groups import geocoding
from groups.geocoding import GeocodeResult, geocode, locate_listing, normalise, time_zone_at
from groups.models import Place
from tests.fakes import FakeAnswer, FakeGeocoder

# name, region code, region name, country, latitude, longitude, population, time zone (GeoNames figures)
PLACES = [
    ("Springfield", "MO", "Missouri", "US", 37.21533, -93.29824, 170188, "America/Chicago"),
    ("Springfield", "MA", "Massachusetts", "US", 42.10148, -72.58981, 154341, "America/New_York"),
    ("Springfield", "IL", "Illinois", "US", 39.80172, -89.64371, 114394, "America/Chicago"),
    ("Portland", "OR", "Oregon", "US", 45.52345, -122.67621, 652503, "America/Los_Angeles"),
    ("Portland", "ME", "Maine", "US", 43.65737, -70.2589, 66881, "America/New_York"),
    ("Leeds", "ENG", "England", "GB", 53.79648, -1.54785, 536280, "Europe/London"),
    ("Leeds", "AL", "Alabama", "US", 33.54816, -86.54443, 11936, "America/Chicago"),
    ("London", "ENG", "England", "GB", 51.50853, -0.12574, 8961989, "Europe/London"),
    ("London", "ON", "Ontario", "CA", 42.98339, -81.23304, 422324, "America/Toronto"),
    ("Perth", "WA", "Western Australia", "AU", -31.95224, 115.8614, 2384371, "Australia/Perth"),
    ("Perth", "SCT", "Scotland", "GB", 56.39522, -3.43139, 47350, "Europe/London"),
    ("Montréal", "QC", "Quebec", "CA", 45.50884, -73.58781, 1762949, "America/Toronto"),
    ("St. Louis", "MO", "Missouri", "US", 38.62727, -90.19789, 279695, "America/Chicago"),
]


def make_place(name, region_code, region_name, country, latitude, longitude, population, time_zone):
    return Place.objects.create(
        geonameid=Place.objects.count() + 1,
        name=name,
        search_name=normalise(name),
        region_code=region_code,
        region_name=region_name,
        country_code=country,
        latitude=latitude,
        longitude=longitude,
        population=population,
        time_zone=time_zone,
    )


@pytest.fixture
def places(db):
    for row in PLACES:
        make_place(*row)


@pytest.fixture
def fake_geocoder(settings):
    settings.GEOCODER = "tests.fakes.FakeGeocoder"
    FakeGeocoder.reset()
    yield FakeGeocoder
    FakeGeocoder.reset()


@pytest.fixture
def advance_clock(settings, monkeypatch):
    """An in-memory cache and a clock the test moves forward, for the one-second slot and the minute's rest."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "geocoding-tests"}
    }
    from django.core.cache import cache

    cache.clear()
    offset = [0.0]
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])

    def advance(seconds):
        offset[0] += seconds

    yield advance
    cache.clear()


def labels(locations):
    return [location.label for location in locations]


# Normalising names.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montréal", "montreal"),
        ("MONTREAL", "montreal"),
        ("  St. Louis  ", "saint louis"),
        ("Saint-Louis", "saint louis"),
        ("saint louis!!", "saint louis"),
        ("Ste-Foy", "sainte foy"),
        ("Mt. Vernon", "mount vernon"),
        ("Coeur d'Alene", "coeur dalene"),
        ("Reykjavík", "reykjavik"),
        ("Þorlákshöfn", "thorlakshofn"),
        ("Straße", "strasse"),
    ],
)
def test_normalise_drops_accents_case_punctuation_and_spells_out_saint(text, expected):
    assert normalise(text) == expected


# US ZIP codes.


def test_a_zip_code_gives_its_town_and_time_zone_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = geocode("10027")
    assert result.location.label == "New York, NY 10027"
    assert (result.location.latitude, result.location.longitude) == (40.8116, -73.955)
    assert result.location.time_zone == "America/New_York"
    assert result.location.country == "US"
    assert result.location.source == "zip"
    assert result.message == ""


def test_a_zip_plus_four_is_read_as_its_zip(db):
    assert geocode(" 10027-1234 ").location.label == "New York, NY 10027"


def test_an_unknown_zip_code_is_not_found(places):
    result = geocode("00000")
    assert result.location is None
    assert result.message == "We couldn't find that place."


# Towns from the gazetteer.


def test_a_town_name_finds_the_town_in_one_query(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = geocode("Montréal")
    assert result.location.label == "Montréal, QC"
    assert result.location.time_zone == "America/Toronto"
    assert result.location.country == "CA"
    assert result.location.source == "place"
    assert not result.ambiguous


@pytest.mark.parametrize("query", ["Springfield, IL", "Springfield, Illinois", "springfield,il", "Springfield IL"])
def test_a_town_and_its_state_code_or_name_picks_that_town(places, query):
    result = geocode(query)
    assert result.location.label == "Springfield, IL"
    assert result.location.time_zone == "America/Chicago"
    assert result.candidates == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Leeds, UK", "Leeds, England"),
        ("Leeds, Britain", "Leeds, England"),
        ("Leeds, England", "Leeds, England"),
        ("London, Canada", "London, ON"),
        ("London, Ontario", "London, ON"),
        ("Perth, Australia", "Perth, WA"),
        ("Perth, AU", "Perth, WA"),
        ("Perth, Scotland", "Perth, Scotland"),
        ("Leeds, Alabama", "Leeds, AL"),
        ("Leeds, USA", "Leeds, AL"),
        ("Portland Maine", "Portland, ME"),
    ],
)
def test_a_country_or_region_after_the_town_picks_the_town_there(places, query, expected):
    assert geocode(query).location.label == expected


def test_a_name_shared_by_towns_of_similar_size_is_ambiguous(places):
    result = geocode("Springfield")
    assert result.ambiguous
    assert result.location is None
    assert labels(result.candidates) == [
        "Springfield, MO",
        "Springfield, MA",
        "Springfield, IL",
    ]
    assert result.message == ""


def test_a_town_five_times_bigger_than_the_next_wins_and_the_others_stay_candidates(places):
    portland = geocode("Portland")
    assert portland.location.label == "Portland, OR"
    assert labels(portland.candidates) == ["Portland, ME"]
    assert not portland.ambiguous

    leeds = geocode("Leeds")
    assert leeds.location.label == "Leeds, England"
    assert labels(leeds.candidates) == ["Leeds, AL"]


def test_a_town_not_five_times_bigger_is_not_chosen_for_the_visitor(places):
    make_place("Salem", "OR", "Oregon", "US", 44.9429, -123.0351, 175535, "America/Los_Angeles")
    make_place("Salem", "MA", "Massachusetts", "US", 42.51954, -70.89672, 43226, "America/New_York")
    result = geocode("Salem")
    assert result.ambiguous
    assert labels(result.candidates) == ["Salem, OR", "Salem, MA"]


@pytest.mark.parametrize("query", ["montreal", "MONTREAL", "Montreal, Quebec", "montréal, québec", "Montréal, QC"])
def test_accents_and_case_do_not_matter(places, query):
    assert geocode(query).location.label == "Montréal, QC"


@pytest.mark.parametrize("query", ["St. Louis", "St Louis", "Saint Louis", "saint-louis", "ST. LOUIS, MO"])
def test_st_and_saint_find_the_same_town(places, query):
    assert geocode(query).location.label == "St. Louis, MO"


@pytest.mark.parametrize("query", ["  Portland ,   Maine. ", "Portland, Maine!", "Portland,,Maine"])
def test_extra_spaces_and_trailing_punctuation_are_ignored(places, query):
    assert geocode(query).location.label == "Portland, ME"


# Not found.


def test_an_unknown_place_offers_close_names_biggest_first(places):
    result = geocode("Springfeild")
    assert result.location is None
    assert not result.ambiguous
    assert result.message == "We couldn't find that place."
    assert result.suggestions == [
        "Springfield, MO",
        "Springfield, MA",
        "Springfield, IL",
    ]


def test_a_misspelt_town_with_accents_is_suggested(places):
    assert geocode("Montrel").suggestions == ["Montréal, QC"]


def test_a_region_that_does_not_fit_the_town_is_not_found_but_suggests_the_town(places):
    result = geocode("Springfield, Texas")
    assert result.location is None
    assert result.message == "We couldn't find that place."
    assert result.suggestions[0] == "Springfield, MO"


def test_an_unknown_place_with_nothing_close_has_no_suggestions(places):
    result = geocode("Qwxyzzy")
    assert result.message == "We couldn't find that place."
    assert result.suggestions == []


def test_overlong_input_is_refused_without_a_lookup(places, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = geocode("Springfield " * 20)
    assert result.location is None
    assert result.message
    assert result.message != "We couldn't find that place."


def test_empty_input_gives_an_empty_result_and_no_message(places, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert geocode("") == GeocodeResult()
        assert geocode("   ") == GeocodeResult()


# Browser coordinates.


def test_browser_coordinates_are_used_with_the_nearest_towns_time_zone(places):
    result = geocode(lat="51.52", lng="-0.10")
    assert (result.location.latitude, result.location.longitude) == (51.52, -0.10)
    assert result.location.label == "your location"
    assert result.location.source == "coordinates"
    assert result.location.time_zone == "Europe/London"
    assert result.location.country == "GB"


@pytest.mark.parametrize(
    ("lat", "lng"), [("nan", "0"), (91, 0), (-90.5, 0), (0, 181), ("inf", 0), ("north", "west"), (51.5, None)]
)
def test_browser_coordinates_that_are_not_a_place_on_earth_are_refused(places, lat, lng):
    result = geocode(lat=lat, lng=lng)
    assert result.location is None
    assert result.message


def test_coordinates_far_from_any_town_have_no_time_zone(places):
    result = geocode(lat=0, lng=-30)  # the middle of the Atlantic
    assert result.location.time_zone == ""
    assert result.location.country == ""


def test_time_zone_at_uses_the_nearest_town_within_100_km(places):
    assert time_zone_at(51.6, -0.3) == "Europe/London"
    assert time_zone_at(45.6, -73.7) == "America/Toronto"
    assert time_zone_at(52.5, -0.13) == ""  # 110 km north of London, with no town of ours nearer


# The geocoder.


def test_the_geocoder_is_off_by_default(places, settings, monkeypatch):
    assert settings.GEOCODER == ""
    asked = []
    monkeypatch.setattr(Nominatim, "geocode", lambda self, *args, **kwargs: asked.append(args))
    result = geocode("Smallville, KS")
    assert result.message == "We couldn't find that place."
    assert asked == []


def test_nominatim_without_a_user_agent_stays_off_and_warns_once(places, settings, monkeypatch, caplog):
    settings.GEOCODER, settings.GEOCODER_USER_AGENT = "nominatim", ""
    monkeypatch.setattr(geocoding, "_warned", set())
    asked = []
    monkeypatch.setattr(Nominatim, "geocode", lambda self, *args, **kwargs: asked.append(args))
    with caplog.at_level(logging.WARNING, logger="groups.geocoding"):
        geocode("Smallville")
        geocode("Gotham")
    assert asked == []
    assert [r.getMessage() for r in caplog.records].count(
        "GEOCODER=nominatim needs GEOCODER_USER_AGENT; geocoding online is off."
    ) == 1


def test_nominatim_is_asked_with_our_user_agent_and_timeout(places, settings, monkeypatch):
    settings.GEOCODER, settings.GEOCODER_USER_AGENT = "nominatim", "dbtselfhelp-tests/1.0 (ops@example.org)"
    asked = []

    def spy(self, query, exactly_one=True, timeout=None):
        asked.append((query, self.headers["User-Agent"], self.domain, timeout))
        return FakeAnswer(38.4, -96.5, "Smallville, Kansas, United States")

    monkeypatch.setattr(Nominatim, "geocode", spy)
    result = geocode("Smallville, KS")
    assert asked == [("Smallville, KS", "dbtselfhelp-tests/1.0 (ops@example.org)", "nominatim.openstreetmap.org", 2)]
    assert result.location.source == "geocoder"


def test_the_geocoder_answers_when_the_offline_chain_finds_nothing(places, fake_geocoder):
    fake_geocoder.answers["Smallville, KS"] = FakeAnswer(38.4, -96.5, "Smallville, Kansas, United States")
    result = geocode("Smallville, KS")
    assert result.location.label == "Smallville, Kansas, United States"
    assert (result.location.latitude, result.location.longitude) == (38.4, -96.5)
    assert result.location.source == "geocoder"
    assert result.message == ""
    assert fake_geocoder.calls == [("Smallville, KS", 2)]


def test_the_geocoder_is_not_asked_when_the_offline_chain_answers(places, fake_geocoder):
    fake_geocoder.answers["*"] = FakeAnswer(0, 0, "Null Island")
    geocode("10027")
    geocode("Portland")
    geocode("Springfield")  # ambiguous is an answer too
    geocode(lat=51.5, lng=-0.1)
    assert fake_geocoder.calls == []


def test_a_geocoder_that_knows_nothing_leaves_the_offline_suggestions(places, fake_geocoder):
    result = geocode("Springfeild")
    assert fake_geocoder.queries() == ["Springfeild"]
    assert result.message == "We couldn't find that place."
    assert result.suggestions[0] == "Springfield, MO"


@pytest.mark.parametrize("mode", ["timeout", "error", "socket"])
def test_a_geocoder_failure_is_a_message_not_an_exception(places, fake_geocoder, mode):
    fake_geocoder.mode = mode
    result = geocode("Springfeild")
    assert result.location is None
    assert result.message == "We couldn't find that place: the address service did not answer."
    assert result.suggestions[0] == "Springfield, MO"


def test_after_a_failure_the_geocoder_rests_for_a_minute(places, fake_geocoder, advance_clock):
    fake_geocoder.mode = "timeout"
    geocode("Smallville")
    fake_geocoder.mode = "answer"
    fake_geocoder.answers["*"] = FakeAnswer(38.4, -96.5, "Somewhere, Kansas")

    advance_clock(30)
    resting = geocode("Gotham")
    assert resting.message == "We couldn't find that place: the address service did not answer."
    assert fake_geocoder.queries() == ["Smallville"]

    advance_clock(31)
    assert geocode("Gotham").location.source == "geocoder"
    assert fake_geocoder.queries() == ["Smallville", "Gotham"]


def test_only_one_geocoder_request_a_second_is_sent_and_nobody_waits(places, fake_geocoder, advance_clock):
    fake_geocoder.answers["*"] = FakeAnswer(38.4, -96.5, "Somewhere, Kansas")
    assert geocode("Smallville").location.source == "geocoder"

    busy = geocode("Gotham")
    assert busy.location is None
    assert busy.message == "We couldn't find that place: the address service did not answer."
    assert fake_geocoder.queries() == ["Smallville"]

    advance_clock(1.1)
    assert geocode("Gotham").location.source == "geocoder"  # the busy answer was not cached
    assert fake_geocoder.queries() == ["Smallville", "Gotham"]


def test_a_geocoder_answer_out_of_range_is_not_used(places, fake_geocoder):
    fake_geocoder.answers["*"] = FakeAnswer(123.0, 0.0, "Nowhere")
    assert geocode("Nowhere").message == "We couldn't find that place."


# Caching.


def test_a_second_identical_query_costs_no_database_query(places, django_assert_num_queries):
    first = geocode("Springfield, IL")
    with django_assert_num_queries(0):
        second = geocode("  springfield ,  il. ")  # the same once normalised
    assert second.location == first.location


def test_not_found_is_cached_too(places, django_assert_num_queries):
    geocode("Qwxyzzy")
    with django_assert_num_queries(0):
        assert geocode("Qwxyzzy").message == "We couldn't find that place."


def test_a_geocoder_answer_is_cached(places, fake_geocoder, advance_clock, django_assert_num_queries):
    fake_geocoder.answers["*"] = FakeAnswer(38.4, -96.5, "Smallville, Kansas")
    geocode("Smallville")
    advance_clock(2)
    with django_assert_num_queries(0):
        assert geocode("Smallville").location.label == "Smallville, Kansas"
    assert fake_geocoder.queries() == ["Smallville"]


def test_browser_coordinates_a_second_time_cost_no_database_query(places, django_assert_num_queries):
    geocode(lat=51.52, lng=-0.1)
    with django_assert_num_queries(0):
        assert geocode(lat=51.52, lng=-0.1).location.time_zone == "Europe/London"


# Placing a listing.


def test_a_listing_is_placed_by_its_zip_code_first(places):
    location = locate_listing(address="1 Main St", town="Springfield", region="IL", postal_code="62701")
    assert location.label == "Springfield, IL 62701"
    assert location.source == "zip"
    assert location.time_zone == "America/Chicago"


def test_a_listing_without_a_zip_code_is_placed_by_town_and_region(places):
    location = locate_listing(town="Springfield", region="Missouri", country="US")
    assert location.label == "Springfield, MO"
    assert location.source == "place"
    assert location.time_zone == "America/Chicago"


def test_a_listing_is_only_placed_in_its_own_country(places):
    assert locate_listing(town="Leeds", country="US").label == "Leeds, AL"
    assert locate_listing(town="Leeds", region="England", country="GB").label == "Leeds, England"


def test_a_county_we_do_not_know_is_forgiven_when_the_town_is_unique_in_its_country(places):
    assert locate_listing(town="Leeds", region="West Yorkshire", country="GB").label == "Leeds, England"


def test_a_listing_town_shared_by_towns_of_similar_size_is_not_guessed(places):
    assert locate_listing(town="Springfield", country="US") is None
    assert locate_listing(town="Springfield", region="Texas", country="US") is None


def test_a_listing_the_offline_data_cannot_place_goes_to_the_geocoder(places, fake_geocoder):
    fake_geocoder.answers["*"] = FakeAnswer(51.52, -0.11, "12 Gray's Inn Road, London, WC1X 8HN, United Kingdom")
    location = locate_listing(address="12 Gray's Inn Road", town="Holborn", postal_code="WC1X 8HN", country="GB")
    assert location.source == "geocoder"
    assert location.country == "GB"
    assert location.time_zone == "Europe/London"
    assert fake_geocoder.queries() == ["12 Gray's Inn Road, Holborn, WC1X 8HN, United Kingdom"]


def test_a_listing_nothing_can_place_is_none(places):
    assert locate_listing(address="1 Main St", town="Smallville", region="KS") is None


def test_a_listing_geocoder_failure_is_none_not_an_exception(places, fake_geocoder):
    fake_geocoder.mode = "socket"
    assert locate_listing(town="Smallville", region="KS") is None


def test_a_listing_is_cached(places, django_assert_num_queries):
    first = locate_listing(town="Portland", region="OR")
    with django_assert_num_queries(0):
        assert locate_listing(town="Portland", region="OR") == first
