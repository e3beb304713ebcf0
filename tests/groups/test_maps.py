"""Tiled maps appear only with a configured tile server, and show only public points. (The map the site
draws itself, with no outside host, is tested in test_search_results.py.)"""

import json
import re

import pytest
from django.urls import reverse

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def points(body):
    match = re.search(r'<script id="map-points" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1)) if match else None


def test_no_tiled_map_and_no_outside_request_by_default(client, group):
    for url in (group.get_absolute_url(), reverse("group_list") + "?near=10027"):
        body = client.get(url).content.decode()
        assert "js-map" not in body and "leaflet" not in body
        assert "tiles.example.org" not in body
    assert '<svg class="svg-map"' in client.get(reverse("group_list") + "?near=10027").content.decode()


def test_with_tiles_the_drawn_map_stays_beside_the_tiled_one_for_print(client, settings, group):
    settings.MAP_TILE_URL = TILES
    body = client.get(reverse("group_list") + "?near=10027").content.decode()
    assert body.index('<svg class="svg-map"') < body.index('class="map js-map"')


@pytest.fixture
def tiles(settings):
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "Map data from example"


def test_search_results_get_a_map_of_public_points(client, tiles, private_group):
    body = client.get(reverse("group_list") + "?near=10027").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in body
    assert "vendor/leaflet-1.9.4/leaflet.js" in body
    shown = {(p["lat"], p["lng"]) for p in points(body)}
    assert (private_group.public_latitude, private_group.public_longitude) in shown
    assert (private_group.latitude, private_group.longitude) not in shown


def test_private_group_page_map_uses_the_approximate_point(client, tiles, private_group):
    shown = points(client.get(private_group.get_absolute_url()).content.decode())
    assert shown == [
        {"lat": private_group.public_latitude, "lng": private_group.public_longitude, "name": private_group.name}
    ]


def test_the_facilitator_gets_a_draggable_pin_on_the_form(client, tiles, facilitator, group):
    client.force_login(facilitator)
    body = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert 'data-pin-for="group"' in body
    assert points(body) == [{"lat": group.latitude, "lng": group.longitude}]
