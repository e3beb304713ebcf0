"""The search tells the truth when nothing is near, keeps every filter in its links, reads words for
online, and shows its results on a map drawn on the server."""

import re
from html import unescape
from math import asin, cos, radians, sin, sqrt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from groups.models import Place
from lessons.models import SkillModule
from tests.conftest import make_group

PORTLAND_ME = (43.65737, -70.2589)
PORTSMOUTH_NH = (43.07176, -70.76255)


def km(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    h = (
        sin(radians(lat2 - lat1) / 2) ** 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0088 * asin(sqrt(h))


def search(client, **params):
    return client.get(reverse("group_list"), params)


def text_of(response):
    """The page's words, as a person reads them: tags dropped, whitespace squeezed."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    return re.sub(r" ([.,:;)])", r"\1", re.sub(r"\( ", "(", text))


def card_names(body):
    return re.findall(r'<h3 class="group-card__title"><a href="[^"]+">([^<]+)</a>', body)


@pytest.fixture
def maine(db):
    for n, (name, code, region, lat, lng, pop) in enumerate(
        [
            ("Portland", "ME", "Maine", *PORTLAND_ME, 66881),
            ("Portsmouth", "NH", "New Hampshire", *PORTSMOUTH_NH, 21530),
        ],
        start=1,
    ):
        Place.objects.create(
            geonameid=n,
            name=name,
            search_name=name.lower(),
            region_code=code,
            region_name=region,
            country_code="US",
            latitude=lat,
            longitude=lng,
            population=pop,
            time_zone="America/New_York",
        )


@pytest.fixture
def portsmouth_group(maine):
    return make_group(
        name="Seacoast Skills Circle",
        town="Portsmouth",
        region="NH",
        postal_code="03801",
        latitude=PORTSMOUTH_NH[0],
        longitude=PORTSMOUTH_NH[1],
    )


# --- Nothing near --------------------------------------------------------------------------


def test_nothing_near_says_what_was_searched_and_where_the_nearest_group_is(client, portsmouth_group):
    miles = round(km(PORTLAND_ME, PORTSMOUTH_NH) / 1.609344)
    text = text_of(search(client, near="Portland, ME"))
    assert "No group meets in person within 25 mi of Portland, ME yet." in text
    assert "with these filters" not in text and "matches these filters" not in text
    assert f"The nearest is {miles} mi away, in Portsmouth, NH: Seacoast Skills Circle." in text
    assert miles == 48  # the figure people see, checked against the map


def test_the_widening_link_reaches_the_nearest_group_and_finds_it(client, portsmouth_group):
    body = search(client, near="Portland, ME").content.decode()
    link = unescape(re.search(r'<a href="([^"]+)">Search within 50 mi</a>', body)[1])
    assert parse_qs(urlsplit(link).query)["radius"] == ["50"]
    assert card_names(client.get(reverse("group_list") + link).content.decode()) == ["Seacoast Skills Circle"]


def test_with_filters_the_message_says_so_and_the_nearest_matches_them(client, portsmouth_group):
    mindfulness = SkillModule.objects.get(slug="mindfulness")
    make_group(
        name="Dover Mindfulness", town="Dover", region="NH", latitude=43.1979, longitude=-70.8737, module=mindfulness
    )
    text = text_of(search(client, near="Portland, ME", module="mindfulness"))
    assert "No group that matches these filters meets in person within 25 mi of Portland, ME." in text
    assert "The nearest that matches them is" in text and "in Dover, NH: Dover Mindfulness." in text
    assert "Seacoast Skills Circle" not in text
    assert "Search again without the filters" in text


def test_nothing_near_offers_online_groups_in_the_viewers_language_and_time(client, maine):
    for n in range(2):
        make_group(
            name=f"Online English {n}",
            format="online",
            meeting_url="https://meet.example.org/x",
            latitude=None,
            longitude=None,
            time_zone="UTC",
        )
    make_group(
        name="En línea",
        format="online",
        language="es",
        meeting_url="https://meet.example.org/y",
        latitude=None,
        longitude=None,
        time_zone="UTC",
    )
    response = search(client, near="Portland, ME", tz="America/New_York")
    body = response.content.decode()
    link = unescape(re.search(r'<a href="([^"]+)">2 groups meet online in English</a>', body)[1])
    query = parse_qs(urlsplit(link).query)
    assert query["format"] == ["online"] and query["language"] == ["en"] and query["tz"] == ["America/New_York"]
    assert "times shown in your time, Eastern Time" in text_of(response)
    assert sorted(card_names(client.get(reverse("group_list") + link).content.decode())) == [
        "Online English 0",
        "Online English 1",
    ]


def test_nothing_within_600_miles_says_so(client, maine):
    make_group(name="Far Away", town="Seattle", region="WA", latitude=47.6062, longitude=-122.3321)
    text = text_of(search(client, near="Portland, ME"))
    assert "Nor is there one within 600 miles (1,000 km)." in text
    assert "Far Away" not in text


def test_the_nearest_private_group_is_measured_from_its_public_point(client, maine, facilitator):
    from tests.conftest import PRIVATE_GROUP

    group = make_group(
        facilitator,
        **{
            **PRIVATE_GROUP,
            "town": "Portsmouth",
            "region": "NH",
            "latitude": PORTSMOUTH_NH[0],
            "longitude": PORTSMOUTH_NH[1],
        },
    )
    expected = round(km(PORTLAND_ME, (group.public_latitude, group.public_longitude)) / 1.609344)
    text = text_of(search(client, near="Portland, ME"))
    assert f"The nearest is {expected} mi away, in Portsmouth, NH" in text
    assert group.address not in text and group.venue not in text


# --- Links to towns keep the filters --------------------------------------------------------


def test_town_links_keep_every_filter_and_count_with_them(client, db):
    mindfulness = SkillModule.objects.get(slug="mindfulness")
    make_group(name="Harlem Mindful", module=mindfulness)
    make_group(name="Harlem Other")
    make_group(
        name="Leeds Other",
        town="Leeds",
        region="England",
        country="GB",
        latitude=53.8,
        longitude=-1.55,
        time_zone="Europe/London",
    )
    body = search(client, module="mindfulness", day="1").content.decode()
    towns = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="muted">\((\d+)\)</span></li>', body)
    assert [(unescape(name), count) for _link, name, count in towns] == [("New York, NY", "1")]
    query = parse_qs(urlsplit(unescape(towns[0][0])).query)
    assert query == {"module": ["mindfulness"], "day": ["1"], "near": ["New York, NY"]}


def test_without_filters_town_counts_are_every_group(client, db):
    make_group(name="One")
    make_group(name="Two")
    body = search(client).content.decode()
    assert re.search(r">New York, NY</a> <span class=\"muted\">\(2\)</span>", body)


# --- Words for online ------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["online", "zoom", "Virtual"])
def test_words_for_online_show_the_online_groups(client, group, words):
    make_group(
        name="Zoom Wise Mind",
        format="online",
        meeting_url="https://meet.example.org/z",
        latitude=None,
        longitude=None,
        time_zone="UTC",
    )
    response = search(client, near=words)
    assert response.status_code == 200
    assert card_names(response.content.decode()) == ["Zoom Wise Mind"]
    assert f"You searched for “{words}”: these are the groups that meet online." in text_of(response)
    assert "couldn't find" not in text_of(response)


# --- The map -------------------------------------------------------------------------------


def svg(body):
    match = re.search(r'<svg class="svg-map".*?</svg>', body, re.S)
    return match[0] if match else None


MARKER_AT = re.compile(
    r'class="svg-map__marker" href="[^"]+" tabindex="-1"><title>[^<]*</title><circle cx="([\d.]+)" cy="([\d.]+)"'
)
MARKER = re.compile(
    r'<a class="svg-map__marker" href="([^"]+)" tabindex="-1"><title>[^<]*</title><circle[^>]*/><text[^>]*>(\d+)</text>'
)


def markers(body):
    return [(number, unescape(href)) for href, number in MARKER.findall(svg(body))]


def cards(body):
    return re.findall(
        r'<span class="result-card__number" aria-hidden="true">(\d+)</span>\s*'
        r'<h3 class="group-card__title"><a href="([^"]+)">',
        body,
    )


def test_the_map_is_shown_by_default_with_a_title_and_a_description(client, group):
    map_svg = svg(search(client, near="10027").content.decode())
    assert map_svg is not None
    title = re.search(r"<title id=\"(map-title-\w+)\">([^<]+)</title>", map_svg)
    assert title[2] == "Map of groups 1 to 1 near New York, NY 10027"
    assert f'aria-labelledby="{title[1]} ' in map_svg
    assert "1 group within 25 mi of New York, NY 10027, numbered as in the list below" in map_svg


def test_markers_match_the_numbered_cards_and_link_to_their_groups(client, db):
    for n in range(4):
        make_group(name=f"Group {n}", latitude=40.8116 + n * 0.02, longitude=-73.955)
    body = search(client, near="10027").content.decode()
    shown = cards(body)
    assert [number for number, _url in shown] == ["1", "2", "3", "4"]
    assert sorted(markers(body)) == sorted(shown)


def test_the_second_page_numbers_on_from_the_first(client, db):
    for n in range(22):
        make_group(name=f"Group {n:02}", latitude=40.8116 + n * 0.005, longitude=-73.955)
    body = search(client, near="10027", page="2").content.decode()
    assert [number for number, _url in cards(body)] == ["21", "22"]
    assert sorted(number for number, _url in markers(body)) == ["21", "22"]
    assert '<ol class="results" start="21">' in body


def test_following_a_marker_opens_its_group(client, group):
    ((_number, url),) = markers(search(client, near="10027").content.decode())
    assert client.get(url).status_code == 200
    assert url == group.get_absolute_url()


def test_assistive_technology_reads_the_map_by_its_title_and_the_list_not_its_drawing(client, group):
    map_svg = svg(search(client, near="10027").content.decode())
    drawing = map_svg.split("</desc>", 1)[1]
    assert drawing.startswith('<g aria-hidden="true">')
    links = re.findall(r"<a [^>]*>", drawing)
    assert links and all('tabindex="-1"' in link for link in links)  # the list's links are the ones to tab to


def test_the_map_makes_no_outside_request(client, group):
    body = search(client, near="10027").content.decode()
    urls = re.findall(r'(?:href|src|xlink:href)="([^"]+)"', svg(body))
    assert urls and all(url.startswith("/") for url in urls)
    assert "http://" not in svg(body).replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg(body)
    assert "leaflet" not in body and "js-map" not in body


def test_a_private_group_is_drawn_from_its_public_point_only(client, private_group):
    from groups import maps
    from groups.geocoding import geocode
    from groups.models import PeerGroup

    body = search(client, near="10027").content.decode()
    searched = geocode("10027").location
    public = maps.svg_map(
        centre=(searched.latitude, searched.longitude),
        radius_km=25 * 1.609344,
        units="mi",
        title="t",
        points=[maps.Point(private_group.public_latitude, private_group.public_longitude, "1")],
        towns=False,
    )
    drawn = MARKER_AT.search(svg(body))
    assert (float(drawn[1]), float(drawn[2])) == tuple(public.markers[0][3:5])
    # Moving the true point (and only it) changes nothing anyone sees on the map.
    PeerGroup.objects.filter(pk=private_group.pk).update(
        latitude=private_group.latitude + 0.004, longitude=private_group.longitude - 0.004
    )
    assert svg(search(client, near="10027").content.decode()) == svg(body)
    for value in (private_group.latitude, private_group.longitude):
        assert str(value) not in body


def test_the_map_labels_the_biggest_towns_around(client, group):
    make_group(name="Flatbush Group", latitude=40.65, longitude=-73.95)  # the map reaches out to ~18 km
    for n, (name, lat, lng, pop) in enumerate(
        [
            ("Yonkers", 40.93121, -73.89875, 200370),
            ("Newark", 40.73566, -74.17237, 281944),
            ("Tiny Hamlet", 40.82, -73.96, 10),
        ],
        start=1,
    ):
        Place.objects.create(
            geonameid=n,
            name=name,
            search_name=name.lower(),
            region_code="NY",
            country_code="US",
            latitude=lat,
            longitude=lng,
            population=pop,
            time_zone="America/New_York",
        )
    map_svg = svg(search(client, near="10027").content.decode())
    labels = re.findall(r'<g class="svg-map__town"><circle[^>]*/><text[^>]*>([^<]+)</text></g>', map_svg)
    assert "Yonkers" in labels and "Newark" in labels


def queries_of(client, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert search(client, **params).status_code == 200
    return len(ctx.captured_queries)


def test_the_map_costs_one_query_for_its_towns_and_none_once_cached(client, group, monkeypatch):
    from groups import maps

    search(client, near="10027")  # the place and the choice lists are cached, and the map's towns
    cached = queries_of(client, near="10027")
    monkeypatch.setattr(maps._town_rows, "get", lambda key: None)  # as if the towns were not kept
    uncached = queries_of(client, near="10027")
    monkeypatch.setattr(maps, "_towns", lambda projection, keep_clear: [])
    without_towns = queries_of(client, near="10027")
    assert uncached == without_towns + 1
    assert cached == without_towns


def test_an_empty_search_costs_no_more_queries_than_one_with_results(client, portsmouth_group):
    make_group(
        name="Portland Group", town="Portland", region="ME", latitude=PORTLAND_ME[0] + 0.01, longitude=PORTLAND_ME[1]
    )
    search(client, near="Portland, ME", radius="5")
    search(client, near="Portsmouth, NH", radius="5")
    with_results = queries_of(client, near="Portland, ME", radius="5")
    search(client, near="Portsmouth, NH", radius="5", module="mindfulness")  # warm the online count
    empty = queries_of(client, near="Portsmouth, NH", radius="5", module="mindfulness")
    assert empty <= with_results


def test_a_pin_map_shows_one_pin_where_the_listing_says_and_the_towns_around(db):
    from groups import maps

    Place.objects.create(
        geonameid=1,
        name="Leeds",
        search_name="leeds",
        country_code="GB",
        latitude=53.79648,
        longitude=-1.54785,
        population=455123,
        time_zone="Europe/London",
    )
    Place.objects.create(
        geonameid=2,
        name="Far Away",
        search_name="far away",
        country_code="GB",
        latitude=51.5,
        longitude=-0.12,
        population=8000000,
        time_zone="Europe/London",
    )
    pin = maps.pin_map(latitude=53.8, longitude=-1.55, title="Where your group's pin is")
    assert len(pin.markers) == 1
    _number, _name, _url, x, y = pin.markers[0]
    assert (x, y) == (320, 180)  # the pin is the middle of its map, 640 by 360
    assert pin.towns == ["Leeds"]
    assert "<title id=" in pin.html and "Where your group" in pin.html
    assert "href=" not in pin.html  # nothing to follow: it is the facilitator's own pin
