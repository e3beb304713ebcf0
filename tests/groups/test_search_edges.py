"""The search at its edges: a search box that crosses the antimeridian (Fiji, the Chatham Islands),
and the "more than 200" cap on how many results a page counts.

Distances are worked out by hand: along a parallel at latitude φ one degree of longitude is
111.195 km × cos φ (the mean earth radius, 6371.0 km, × π / 180); cos 17° = 0.95630, cos 44° = 0.71934.
Shown distances are rounded to half a unit."""

import re

import pytest
from django.urls import reverse

from tests.conftest import make_group


def names(response):
    return re.findall(r'<h3 class="group-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def search(client, **params):
    response = client.get(reverse("group_list"), params)
    assert response.status_code == 200
    return response


def at(name, lat, lng):
    return make_group(
        name=name,
        latitude=lat,
        longitude=lng,
        town="Somewhere",
        region="",
        postal_code="",
        country="FJ",
        time_zone="Pacific/Fiji",
    )


@pytest.fixture
def around_fiji(db):
    """Groups along 17° S, either side of the 180th meridian."""
    at("Across the line", -17.0, -179.85)  # 0.25° east of the search, over the line: 26.6 km
    at("Same side", -17.0, 179.5)  # 0.4° west: 42.5 km
    at("Too far east", -17.0, -179.0)  # 1.1°: 117 km
    at("Too far west", -17.0, 178.9)  # 1.0°: 106 km
    at("Other side of the world", -17.0, 0.1)


def test_a_search_near_the_antimeridian_finds_groups_on_both_sides(client, around_fiji):
    response = search(client, lat="-17.0", lng="179.9", radius="50", units="km")
    assert names(response) == ["Across the line", "Same side"]
    body = response.content.decode()
    assert "</span>26.5 km</p>" in body
    assert "</span>42.5 km</p>" in body


def test_the_same_search_from_just_east_of_the_line(client, around_fiji):
    # From 179.95° W: "Across the line" is 0.1° away (10.6 km), "Same side" 0.55° over the line (58.5 km),
    # "Too far east" 0.95° (101 km).
    response = search(client, lat="-17.0", lng="-179.95", radius="100", units="km")
    assert names(response) == ["Across the line", "Same side"]
    assert "</span>10.5 km</p>" in response.content.decode()


def test_a_wide_search_from_the_chatham_islands_side_reaches_over_the_line(client, db):
    at("Over the line", -44.0, 179.8)  # from 179.5° W that is 0.7°: 56.0 km
    at("Beyond the radius", -44.0, 178.5)  # 2.0°: 160 km
    at("Close by", -44.0, -179.3)  # 0.2°: 16.0 km
    response = search(client, lat="-44.0", lng="-179.5", radius="100", units="km")
    assert names(response) == ["Close by", "Over the line"]
    body = response.content.decode()
    assert "</span>16 km</p>" in body and "</span>56 km</p>" in body


def test_a_search_that_does_not_reach_the_line_keeps_to_its_side(client, around_fiji):
    # From 179.0° E with a 10 km radius nothing is near: the group 0.1° west of the search is not there.
    at("Ten km west", -17.0, 178.9)
    response = search(client, lat="-17.0", lng="179.05", radius="10", units="km")
    assert names(response) == []


# --- The cap on counting -----------------------------------------------------------------------


def hybrid_groups(n):
    for i in range(n):
        # Spread north of Harlem by 0.0005° (56 m) each, so all are within 25 miles.
        make_group(
            name=f"Hybrid {i:03d}",
            format="hybrid",
            meeting_url="https://meet.example.org/h",
            latitude=40.8116 + i * 0.0005,
            longitude=-73.955,
        )


def test_two_hundred_online_groups_are_counted_exactly(client, db):
    hybrid_groups(200)
    body = search(client, format="online").content.decode()
    assert "200 groups meet online" in body
    assert "More than" not in body


def test_past_two_hundred_the_page_says_more_than_200(client, db):
    hybrid_groups(201)
    body = search(client, format="online").content.decode()
    assert "More than 200 groups meet online" in body
    near = search(client, lat="40.8116", lng="-73.955", radius="25", units="mi").content.decode()
    assert "More than 200 groups within 25 mi of your location" in near
    assert "Add a filter or narrow the distance" not in near  # only on the last page
    last = search(client, lat="40.8116", lng="-73.955", radius="25", units="mi", page="10").content.decode()
    assert "These are the nearest results. Add a filter or narrow the distance to see others." in last
    # 200 results at 20 a page: page 10 is the last, and holds the 181st to the 200th nearest.
    assert names(search(client, lat="40.8116", lng="-73.955", radius="25", units="mi", page="10"))[-1] == "Hybrid 199"
