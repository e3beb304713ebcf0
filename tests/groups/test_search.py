"""Find a group near you: places, distance order, filters, times, privacy, query budget, fuzzing."""

import io
import re
from datetime import UTC, datetime, time
from math import asin, cos, radians, sin, sqrt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.models import Audience, Place
from tests.conftest import make_group

HARLEM = (40.8116, -73.955)  # ZIP 10027


def km(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    h = (
        sin(radians(lat2 - lat1) / 2) ** 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0088 * asin(sqrt(h))


def names(response):
    return re.findall(r'<h3 class="group-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def search(client, **params):
    return client.get(reverse("group_list"), params)


@pytest.fixture
def places(db):
    rows = [
        ("Leeds", "leeds", "ENG", "England", "GB", 53.7965, -1.5478, 455123, "Europe/London"),
        ("Leeds", "leeds", "AL", "Alabama", "US", 33.5482, -86.5444, 12000, "America/Chicago"),
        ("Springfield", "springfield", "MO", "Missouri", "US", 37.2153, -93.2982, 169176, "America/Chicago"),
        ("Springfield", "springfield", "MA", "Massachusetts", "US", 42.1015, -72.5898, 155929, "America/New_York"),
        ("Springfield", "springfield", "IL", "Illinois", "US", 39.8017, -89.6437, 116565, "America/Chicago"),
        ("New York City", "new york city", "NY", "New York", "US", 40.7143, -74.006, 8175133, "America/New_York"),
    ]
    for n, (name, search_name, code, region, country, lat, lng, pop, tz) in enumerate(rows, start=1):
        Place.objects.create(
            geonameid=n,
            name=name,
            search_name=search_name,
            region_code=code,
            region_name=region,
            country_code=country,
            latitude=lat,
            longitude=lng,
            population=pop,
            time_zone=tz,
        )


@pytest.fixture
def around_harlem(db):
    """Six groups at known offsets north of Harlem, created out of distance order."""
    groups = []
    for miles in [7, 1, 12, 3, 40, 0.2]:
        lat = HARLEM[0] + miles * 1.609344 / 111.2
        groups.append(make_group(name=f"Group at {miles} mi", latitude=lat, longitude=HARLEM[1]))
    return groups


def test_zip_search_orders_by_distance_checked_independently(client, around_harlem):
    response = search(client, near="10027")
    assert response.status_code == 200
    found = names(response)
    expected = sorted(
        (g for g in around_harlem if km(HARLEM, (g.latitude, g.longitude)) <= 25 * 1.609344),
        key=lambda g: km(HARLEM, (g.latitude, g.longitude)),
    )
    assert found == [g.name for g in expected]
    assert "Group at 40 mi" not in found
    assert "5 groups within 25 mi of New York, NY 10027" in response.content.decode()


def test_distances_are_shown_rounded_to_half_a_mile(client, around_harlem):
    body = search(client, near="10027").content.decode()
    distances = re.findall(r'<p class="distance">.*?</span>([^<]+)</p>', body, re.S)
    assert [d.strip() for d in distances] == ["0.5 mi", "1 mi", "3 mi", "7 mi", "12 mi"]


def test_widening_the_radius_includes_farther_groups(client, around_harlem):
    assert "Group at 40 mi" in names(search(client, near="10027", radius="50"))


def test_km_are_used_when_asked(client, around_harlem):
    body = search(client, near="10027", units="km", radius="10").content.decode()
    assert "within 10 km" in body
    assert names(search(client, near="10027", units="km", radius="10")) == [
        "Group at 0.2 mi",
        "Group at 1 mi",
        "Group at 3 mi",
    ]


def test_a_town_is_found_in_the_gazetteer(client, places):
    make_group(
        name="Leeds Wise Mind",
        town="Leeds",
        region="England",
        country="GB",
        postal_code="",
        latitude=53.80,
        longitude=-1.55,
        time_zone="Europe/London",
    )
    response = search(client, near="leeds")
    assert names(response) == ["Leeds Wise Mind"]
    body = response.content.decode()
    assert "within 25 mi of Leeds, England" in body
    assert "Leeds, AL" in body  # offered as "not the place you meant?"


def test_town_and_region_resolve_an_ambiguous_name(client, places):
    make_group(
        name="Capital Skills",
        town="Springfield",
        region="IL",
        postal_code="",
        latitude=39.80,
        longitude=-89.64,
        time_zone="America/Chicago",
    )
    for near in ("Springfield, IL", "springfield, illinois", "SPRINGFIELD,IL"):
        assert names(search(client, near=near)) == ["Capital Skills"], near


def test_an_ambiguous_town_offers_the_candidates_biggest_first(client, places):
    response = search(client, near="Springfield")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Which one did you mean?" in body
    links = re.findall(r'<a href="\?near=([^"&]+)[^"]*">(Springfield, [A-Z]+)</a>', body)
    assert [label for _, label in links] == ["Springfield, MO", "Springfield, MA", "Springfield, IL"]
    assert names(response) == []


def test_an_unknown_place_says_so_rather_than_showing_no_groups(client, places):
    body = search(client, near="Qwxzyville").content.decode()
    assert "We couldn&#x27;t find that place." in body
    assert "groups within" not in body


def test_a_near_miss_gets_suggestions(client, places):
    body = search(client, near="Springfeld").content.decode()
    assert "Did you mean:" in body and "Springfield, MO" in body


def test_browser_coordinates_search(client, around_harlem):
    response = search(client, lat="40.8116", lng="-73.955")
    assert names(response)[0] == "Group at 0.2 mi"
    assert "of your location" in response.content.decode()


@pytest.mark.parametrize(("lat", "lng"), [("91", "0"), ("0", "181"), ("nan", "1"), ("inf", "0"), ("x", "y"), ("1", "")])
def test_bad_coordinates_are_refused_with_a_message(client, db, lat, lng):
    response = search(client, lat=lat, lng=lng)
    assert response.status_code == 400
    assert "Some of the search details are not right." in response.content.decode()


# --- Filters -------------------------------------------------------------------------------


@pytest.fixture
def varied(db):
    lat, lng = HARLEM
    young = Audience.objects.get(slug="young-adults")
    a = make_group(
        name="Monday Morning", latitude=lat, longitude=lng, meetings=[{"weekday": 0, "start": time(9), "end": time(10)}]
    )
    b = make_group(
        name="Tuesday Evening",
        latitude=lat,
        longitude=lng,
        language="es",
        wheelchair_accessible=True,
        meetings=[{"weekday": 1, "start": time(19), "end": time(20)}],
    )
    c = make_group(
        name="Friday Afternoon",
        latitude=lat,
        longitude=lng,
        format="hybrid",
        accepting_new_members=False,
        meeting_url="https://meet.example.org/x",
        description="We love radical acceptance.",
        meetings=[{"weekday": 4, "start": time(14), "end": time(15)}],
    )
    c.audiences.add(young)
    return a, b, c


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"day": "0"}, ["Monday Morning"]),
        ({"day": ["1", "4"]}, ["Friday Afternoon", "Tuesday Evening"]),
        ({"time": "evening"}, ["Tuesday Evening"]),
        ({"time": "morning"}, ["Monday Morning"]),
        ({"time": "afternoon"}, ["Friday Afternoon"]),
        ({"format": "hybrid"}, ["Friday Afternoon"]),
        ({"language": "es"}, ["Tuesday Evening"]),
        ({"audience": "young-adults"}, ["Friday Afternoon"]),
        ({"accessible": "on"}, ["Tuesday Evening"]),
        ({"open": "on"}, ["Monday Morning", "Tuesday Evening"]),
        ({"q": "radical"}, ["Friday Afternoon"]),
        ({"day": ["0", "1"], "time": "evening", "language": "es"}, ["Tuesday Evening"]),
        ({"day": "0", "time": "evening"}, []),
    ],
)
def test_each_filter_alone_and_combined(client, varied, params, expected):
    assert sorted(names(search(client, near="10027", **params))) == sorted(expected)


def test_module_filter(client, varied):
    from lessons.models import SkillModule

    varied[0].module = SkillModule.objects.get(slug="mindfulness")
    varied[0].save()
    assert names(search(client, near="10027", module="mindfulness")) == ["Monday Morning"]


@pytest.mark.parametrize(
    "params",
    [
        {"day": "9"},
        {"time": "midnight"},
        {"format": "teleport"},
        {"module": "nope"},
        {"audience": "martians"},
        {"language": "xx"},
        {"radius": "-5"},
        {"radius": "1e9"},
        {"units": "parsecs"},
        {"q": "x" * 500},
    ],
)
def test_unknown_choices_give_a_message(client, varied, params):
    response = search(client, near="10027", **params)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert names(response) == []


def test_pagination_keeps_every_filter(client, db):
    lat, lng = HARLEM
    for i in range(25):
        make_group(
            name=f"Evening {i:02}",
            latitude=lat + i * 0.001,
            longitude=lng,
            meetings=[{"weekday": 2, "start": time(18), "end": time(19)}],
        )
    first = search(client, near="10027", day="2", time="evening", radius="10")
    body = first.content.decode()
    assert len(names(first)) == 20
    next_link = re.search(r'<a rel="next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(next_link).query)
    assert query == {"near": ["10027"], "day": ["2"], "time": ["evening"], "radius": ["10"], "page": ["2"]}
    second = client.get(reverse("group_list") + next_link)
    assert len(names(second)) == 5
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize("page", ["0", "-1", "99999", "abc", "1e5"])
def test_odd_page_numbers_show_a_page(client, around_harlem, page):
    response = search(client, near="10027", page=page)
    assert response.status_code == 200
    assert names(response)


# --- Times and zones -----------------------------------------------------------------------


def london_online():
    return make_group(
        name="London Online",
        format="online",
        meeting_url="https://meet.example.org/l",
        latitude=None,
        longitude=None,
        time_zone="Europe/London",
        meetings=[{"weekday": 1, "start": time(19), "end": time(20)}],
    )


def test_times_show_in_the_viewers_zone_when_it_differs(client, db, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 12, tzinfo=UTC))  # both zones on winter time
    london_online()
    body = search(client, format="online", tz="America/New_York").content.decode()
    card = body[body.index("London Online") :]
    assert "Tuesday" in card and "7:00 PM" in card and "(British Time)" in card
    assert "Your time:" in card and "2:00 PM (Eastern Time)" in card


def test_the_viewer_zone_follows_daylight_saving(client, db):
    # 8 March 2027: New York has moved to summer time, London has not (until 28 March).
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone as tz

    london_online()
    import unittest.mock

    with unittest.mock.patch.object(tz, "now", return_value=datetime(2027, 3, 15, 12, tzinfo=ZoneInfo("UTC"))):
        body = search(client, format="online", tz="America/New_York").content.decode()
    assert "Tuesday 16 March, 7:00 PM" in body
    assert "Your time: Tuesday 16 March, 3:00 PM" in body  # four hours apart that week, not five


def test_no_your_time_line_in_the_same_zone(client, group):
    body = search(client, near="10027").content.decode()
    assert "Your time:" not in body


def test_online_groups_are_ordered_by_next_meeting(client, db, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 12, tzinfo=UTC))  # a Monday
    for name, weekday in [("Thursday group", 3), ("Tuesday group", 1), ("Wednesday group", 2)]:
        make_group(
            name=name,
            format="online",
            meeting_url="https://meet.example.org/x",
            latitude=None,
            longitude=None,
            time_zone="UTC",
            meetings=[{"weekday": weekday, "start": time(12), "end": time(13)}],
        )
    assert names(search(client, format="online")) == ["Tuesday group", "Wednesday group", "Thursday group"]


def online(name, zone="UTC", **meeting):
    meetings = [{"start": time(12), "end": time(13), **meeting}]
    return make_group(
        name=name,
        format="online",
        meeting_url="https://meet.example.org/x",
        latitude=None,
        longitude=None,
        time_zone=zone,
        meetings=meetings,
    )


def test_soonest_first_holds_across_pages(client, db, time_machine):
    """Monthly and fortnightly meetings are placed by their real next date, not their weekday."""
    from datetime import date

    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))  # Tuesday 1 December
    for i in range(12):
        online(f"Weekly Friday {i:02}", weekday=4)  # 4 December
    for i in range(12):
        online(f"Monthly last Wednesday {i:02}", weekday=2, recurrence="monthly", week_of_month=-1)  # 30 December
    for i in range(12):
        online(
            f"Fortnightly Wednesday {i:02}", weekday=2, recurrence="biweekly", starts_on=date(2026, 11, 25)
        )  # 9 December
    first, second = names(search(client, format="online")), names(search(client, format="online", page=2))
    assert len(first) == 20 and len(second) == 16
    assert first[:12] == [f"Weekly Friday {i:02}" for i in range(12)]
    assert first[12:] == [f"Fortnightly Wednesday {i:02}" for i in range(8)]
    assert second[:4] == [f"Fortnightly Wednesday {i:02}" for i in range(8, 12)]
    assert second[4:] == [f"Monthly last Wednesday {i:02}" for i in range(12)]


def test_a_meeting_that_has_ended_moves_on_when_the_schedule_is_refreshed(client, db, time_machine):
    from django.core.management import call_command

    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))  # Tuesday
    online("Tuesday noon", weekday=1)
    online("Wednesday noon", weekday=2)
    time_machine.move_to(datetime(2026, 12, 1, 14, tzinfo=UTC))  # Tuesday's meeting is over
    call_command("refresh_meeting_times", stdout=io.StringIO())
    assert names(search(client, format="online")) == ["Wednesday noon", "Tuesday noon"]


def test_without_a_place_the_page_shows_online_groups_and_towns(client, group, db):
    make_group(
        name="Anywhere Online",
        format="online",
        meeting_url="https://meet.example.org/a",
        latitude=None,
        longitude=None,
        time_zone="UTC",
    )
    response = search(client)
    body = response.content.decode()
    assert names(response) == ["Anywhere Online"]
    assert "Towns and cities with groups" in body and "New York, NY" in body
    assert group.name not in names(response)


def test_nothing_near_and_nothing_within_600_miles_offers_the_widest_search_and_online_groups(client, places):
    body = search(client, near="Leeds").content.decode()
    assert "No group meets in person within 25 mi of Leeds, England yet." in body
    assert "with these filters" not in body
    assert "Nor is there one within 600 miles (1,000 km)." in body
    assert "radius=250" in body
    assert "format=online" in body


# --- Privacy -------------------------------------------------------------------------------


def test_private_groups_are_placed_and_measured_by_their_approximate_point(client, private_group):
    g = private_group
    body = search(client, lat=str(g.public_latitude), lng=str(g.public_longitude), units="mi").content.decode()
    distance = re.search(r'<p class="distance">.*?</span>([^<]+)</p>', body, re.S).group(1).strip()
    # At its public point the distance is ~0, shown as the smallest step a cell supports (2 mi).
    assert distance == "about 2 mi"


def test_private_distances_are_rounded_to_whole_units(client, private_group):
    body = search(client, near="10027").content.decode()
    distance = re.search(r'<p class="distance">.*?</span>([^<]+)</p>', body, re.S).group(1).strip()
    assert re.fullmatch(r"about \d+ mi", distance)


def test_private_group_order_uses_the_approximate_point(client, private_group):
    """A public group between the real and the public point must not be ordered by the real one."""
    real = (private_group.latitude, private_group.longitude)
    public = (private_group.public_latitude, private_group.public_longitude)
    at_real = make_group(name="At the real spot", latitude=real[0], longitude=real[1])
    order = names(search(client, lat=str(public[0]), lng=str(public[1])))
    assert order.index(private_group.name) < order.index(at_real.name)


@pytest.mark.parametrize("params", [{"near": "10027"}, {"format": "online"}, {}, {"format": "hybrid", "near": "10027"}])
def test_no_private_detail_in_any_search_response(client, private_group, params):
    body = search(client, **params).content.decode()
    for secret in (
        "99 Secret Lane",
        "St Brigid",
        "quiet-harbour-secret",
        "meet.example.org",
        str(private_group.latitude),
        str(private_group.longitude),
    ):
        assert secret not in body, secret


# --- Query budget --------------------------------------------------------------------------


def count_queries(client, django_assert_max_num_queries, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    search(client, **params)  # warm the geocoder's cache and the choice lists
    with CaptureQueriesContext(connection) as ctx:
        assert search(client, **params).status_code == 200
    return len(ctx.captured_queries)


def test_search_query_count_does_not_grow_with_results(client, db, django_assert_max_num_queries):
    lat, lng = HARLEM
    make_group(name="Only one", latitude=lat, longitude=lng)
    one = count_queries(client, django_assert_max_num_queries, near="10027")
    for i in range(30):
        make_group(
            name=f"More {i}",
            latitude=lat + i * 0.001,
            longitude=lng,
            meetings=[{"weekday": i % 7, "start": time(9), "end": time(10)}],
        )
    many = count_queries(client, django_assert_max_num_queries, near="10027")
    online = count_queries(client, django_assert_max_num_queries, format="online")
    assert one == many <= 5
    assert online <= 5


# --- Fuzzing -------------------------------------------------------------------------------

PARAMS = [
    "near",
    "lat",
    "lng",
    "radius",
    "units",
    "day",
    "time",
    "format",
    "language",
    "module",
    "audience",
    "accessible",
    "open",
    "q",
    "page",
    "tz",
]
values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["NaN", "nan", "inf", "-inf", "1e9", "-5", "91", "0", "99999", "10027", "Leeds", "", " ", "%00"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.just("x" * 10_000),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=6))
def test_any_query_string_gets_a_page_never_a_500(client, around_harlem, query):
    from urllib.parse import urlencode

    response = client.get(reverse("group_list") + "?" + urlencode(query))
    assert response.status_code in (200, 400), (query, response.status_code)


def test_a_candidate_link_picks_that_place_even_when_labels_repeat(client, places):
    Place.objects.create(
        geonameid=99,
        name="Springfield",
        search_name="springfield",
        region_code="MO",
        region_name="Missouri",
        country_code="US",
        latitude=36.0,
        longitude=-91.0,
        population=150000,
    )
    make_group(name="Southern Springfield", latitude=36.0, longitude=-91.0, town="Springfield", region="MO")
    body = search(client, near="Springfield").content.decode()
    links = re.findall(r'href="(\?near=Springfield%2C\+MO[^"]+)"', body)
    assert len(links) == 2  # two places labelled "Springfield, MO", told apart by coordinates
    chosen = [link for link in links if "lat=36.0" in link][0].replace("&amp;", "&")
    response = client.get(reverse("group_list") + chosen)
    assert names(response) == ["Southern Springfield"]


def test_typed_text_wins_over_leftover_coordinates(client, around_harlem, places):
    # Coordinates from an earlier search in Harlem, a new town typed in the box.
    response = search(client, near="Leeds", lat="40.8116", lng="-73.955")
    assert "within 25 mi of Leeds, England" in response.content.decode()
    assert names(response) == []


# --- Times as the viewer lives them ------------------------------------------------------------


def edinburgh_evening():
    return online("Edinburgh Evening", zone="Europe/London", weekday=2, start=time(20), end=time(21))


def test_the_time_filter_for_online_groups_uses_the_viewers_zone(client, db, time_machine):
    """8 PM in Edinburgh is noon in San Francisco: an afternoon meeting there, not an evening one."""
    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))
    edinburgh_evening()
    assert names(search(client, near="94110", format="online", time="evening")) == []
    assert names(search(client, near="94110", format="online", time="afternoon")) == ["Edinburgh Evening"]
    assert names(search(client, format="online", time="evening", tz="Europe/Paris")) == ["Edinburgh Evening"]
    assert names(search(client, format="online", time="evening")) == ["Edinburgh Evening"]  # no zone: the group's


def test_the_members_own_zone_is_the_viewers_zone(client, member, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))
    edinburgh_evening()
    member.time_zone = "America/Los_Angeles"
    member.save()
    client.force_login(member)
    assert names(search(client, format="online", time="evening")) == []
    body = search(client, format="online").content.decode()
    assert "Your time: Wednesday 2 December, 12:00 PM (Pacific Time)" in body


def test_hybrid_groups_answer_a_search_for_online_groups(client, db, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))
    make_group(name="Both Ways", format="hybrid", meeting_url="https://meet.example.org/h")
    online("Only Online", weekday=2)
    assert sorted(names(search(client, format="online"))) == ["Both Ways", "Only Online"]
    assert names(search(client, near="10027", format="in_person")) == ["Both Ways"]


def test_a_full_group_says_full_and_is_not_open(client, db):
    from groups.models import JoinRequest
    from tests.conftest import make_user

    full = make_group(name="Full Circle", capacity=2)
    make_group(name="Room Left", capacity=2, town="Harlem")
    for n in range(2):
        JoinRequest.objects.create(group=full, user=make_user(f"m{n}@example.org", f"M{n}"), status="approved")
    body = search(client, near="10027").content.decode()
    at = body.index("Full Circle", body.index('<ol class="results"'))  # its card, not its marker on the map
    card = body[at : body.index("</article>", at)]
    assert ">Full<" in card and "Taking new members" not in card
    assert names(search(client, near="10027", open="on")) == ["Room Left"]
