"""The attacks on a private group's location, played from outside with nothing but HTTP and public
data: several groups at one venue, ZIP-code inference with the real `zipcodes` data, a move, and a
binary search on the search's radius. Each reads only what any visitor can fetch: the group page's
JSON-LD, the Meeting Guide feed, the search results and their distances.

What a visitor may learn of a private group is its grid cell (about 2.5 km across), nothing
finer. So every test comes down to: whatever the venue inside a cell, everything published is
the same."""

import gzip
import json
import math
import re

import pytest
import zipcodes
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.models import PeerGroup
from tests.conftest import PRIVATE_GROUP, make_group
from tests.groups.forms import listing_data

EARTH_KM = 6371.0088
# A cell of the default grid (2.5 km) in Harlem: rows of 180 / round(180 * 111.32 / 2.5) degrees of
# latitude, columns of 360 / floor(360 * 111.32 * cos(middle) / 2.5) degrees of longitude.
ROW_HEIGHT = 180 / round(180 * 111.32 / 2.5)


def km(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(h, 1.0)))


def cell_bounds(lat, lng):
    """The default grid's cell around a point, worked out here from the grid's definition."""
    row = math.floor((lat + 90) / ROW_HEIGHT)
    south = -90 + row * ROW_HEIGHT
    middle = math.radians(south + ROW_HEIGHT / 2)
    width = 360 / math.floor(360 * 111.32 * math.cos(middle) / 2.5)
    west = -180 + math.floor((lng + 180) / width) * width
    return south, south + ROW_HEIGHT, west, west + width


def inside(bounds, u, v):
    """A point a fraction (u, v) of the way across the cell, kept off its edges."""
    south, north, west, east = bounds
    u, v = 0.02 + 0.96 * u, 0.02 + 0.96 * v
    return south + u * (north - south), west + v * (east - west)


HARLEM = cell_bounds(40.8116, -73.955)


def private(facilitator=None, *, at, **fields):
    return make_group(facilitator, **{**PRIVATE_GROUP, "latitude": at[0], "longitude": at[1], **fields})


# --- What a visitor can fetch ---------------------------------------------------------------------


def jsonld_geo(client, group):
    body = client.get(group.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    geo = data["location"][0]["geo"] if isinstance(data["location"], list) else data["location"]["geo"]
    return geo["latitude"], geo["longitude"]


def feed_points(client):
    cache.clear()  # the feed is kept for ten minutes; a visitor after that sees the new one
    response = client.get(reverse("meeting_guide_feed"), headers={"accept-encoding": "gzip"})
    records = json.loads(gzip.decompress(response.content))
    return {r["group"]: (r["latitude"], r["longitude"], r.get("approximate")) for r in records if "latitude" in r}


def search_results(client, at, radius, units="km"):
    """[(group name, distance text)] of an in-person search at a point."""
    response = client.get(reverse("group_list"), {"lat": at[0], "lng": at[1], "radius": radius, "units": units})
    body = response.content.decode()
    card = r'<h3 class="group-card__title"><a href="[^"]+">([^<]+)</a></h3>\s*(<p class="distance">.*?</p>)?'
    cards = re.findall(card, body, re.S)
    return [(name, re.sub(r"<[^>]+>", "", distance).replace("Distance:", "").strip()) for name, distance in cards]


def public_view(client, group, probes):
    """Everything published about where a group meets: JSON-LD, feed, and how far the search
    says it is from a few places around it (as a name-free list, so groups can be compared)."""
    distances = []
    for probe in probes:
        found = dict(search_results(client, probe, 25))
        distances.append(found.get(group.name))
    return {"jsonld": jsonld_geo(client, group), "feed": feed_points(client).get(group.name), "distances": distances}


PROBES = [(40.80, -73.95), (40.83, -73.98), (40.78, -73.90), (40.7527, -73.9772)]


# --- Several private groups at one venue ----------------------------------------------------------


def test_private_groups_at_one_venue_publish_the_same_point(client, facilitator):
    """The six groups of one facilitator at one pin: intersecting rings around six different
    public points found the venue within 39 m. Now all six publish one point, so there is
    nothing to intersect."""
    venue = inside(HARLEM, 0.3, 0.7)
    groups = [private(facilitator, at=venue, name=f"Harbour Group {n}") for n in range(6)]
    views = [public_view(client, g, PROBES) for g in groups]
    assert all(view == views[0] for view in views), views
    assert views[0]["feed"] is None  # private groups are not in the feed at all (see groups/feed.py)
    assert all(distance is not None and distance.startswith("about ") for distance in views[0]["distances"])


def test_every_private_group_in_a_cell_publishes_the_same_point_wherever_it_meets(client, facilitator):
    spots = [inside(HARLEM, u, v) for u, v in [(0, 0), (1, 1), (0, 1), (1, 0), (0.5, 0.5)]]
    groups = [private(facilitator, at=spot, name=f"Cell Group {n}") for n, spot in enumerate(spots)]
    views = [public_view(client, g, PROBES) for g in groups]
    assert all(view == views[0] for view in views), views
    # The point published is the cell's middle, not any of the venues.
    middle = ((HARLEM[0] + HARLEM[1]) / 2, (HARLEM[2] + HARLEM[3]) / 2)
    assert km(views[0]["jsonld"], middle) < 0.005


def test_ring_intersection_finds_nothing_finer_than_the_cell(client, facilitator):
    """The attack from outside: each public point is assumed 1-2 km from the venue; the venue is
    where the rings meet. With one point for every group in the cell the 'intersection' is one
    whole ring, and its best guess is no nearer the venue than the cell allows."""
    venue = inside(HARLEM, 0.9, 0.15)
    groups = [private(facilitator, at=venue, name=f"Ring Group {n}") for n in range(5)]
    points = {jsonld_geo(client, g) for g in groups}
    assert len(points) == 1
    (centre,) = points
    # Best guess from a single ring: its centre (any point on the ring is as likely).
    assert km(centre, venue) > 0.2


# --- ZIP-code inference with the real zipcodes data -----------------------------------------------


def _zip_rows():
    far = ("AK", "HI", "PR", "GU", "VI", "AS", "MP")  # the contiguous states, placed where their ZIPs are
    rows = [
        (row["zip_code"], float(row["lat"]), float(row["long"]))
        for row in zipcodes.filter_by(active=True)
        if row.get("lat") and row.get("long") and float(row["lat"]) > 10 and row["state"] not in far
    ]
    return sorted(rows)


ZIP_ROWS = _zip_rows()


def zip_guess(public_point, ring=(1.0, 2.0)):
    """The attack as it was played: the ZIP centres 1-2 km from the public point, nearest to the
    middle of the ring first. Returns the best guess's point, or the public point itself when no
    centre lies on the ring (then the visitor knows only the point they were given)."""
    on_ring = [
        (abs(km(public_point, (lat, lng)) - sum(ring) / 2), (lat, lng))
        for _, lat, lng in ZIP_ROWS
        if abs(lat - public_point[0]) < 0.05 and ring[0] <= km(public_point, (lat, lng)) <= ring[1]
    ]
    return min(on_ring)[1] if on_ring else public_point


def nearest_zip_centre(public_point):
    return min(
        ((km(public_point, (lat, lng)), (lat, lng)) for _, lat, lng in ZIP_ROWS if abs(lat - public_point[0]) < 0.1)
    )[1]


ZIP_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@ZIP_FUZZ
@given(index=st.integers(min_value=0, max_value=len(ZIP_ROWS) - 1), u=st.floats(0, 1), v=st.floats(0, 1))
def test_zip_inference_learns_nothing_finer_than_the_cell(client, index, u, v):
    """A listing saved without moving its pin sits at its ZIP code's centre; one placed by hand
    sits anywhere. Whichever it is, inside one cell everything published is the same, so the
    best estimate from ZIP centres (or anything else) is one guess for the whole cell, and it
    is at least half the distance between two such venues away from one of them."""
    PeerGroup.objects.all().delete()
    _, zip_lat, zip_lng = ZIP_ROWS[index]
    bounds = cell_bounds(zip_lat, zip_lng)
    at_zip = private(at=(zip_lat, zip_lng), name="At The ZIP Centre", postal_code=ZIP_ROWS[index][0])
    by_hand = private(at=inside(bounds, u, v), name="Placed By Hand")
    seen_zip, seen_hand = jsonld_geo(client, at_zip), jsonld_geo(client, by_hand)
    assert seen_zip == seen_hand
    feed = feed_points(client)
    assert feed.get(at_zip.name) == feed.get(by_hand.name)
    for estimate in (zip_guess(seen_zip), nearest_zip_centre(seen_zip), seen_zip):
        worst = max(km(estimate, (zip_lat, zip_lng)), km(estimate, (by_hand.latitude, by_hand.longitude)))
        assert worst >= km((zip_lat, zip_lng), (by_hand.latitude, by_hand.longitude)) / 2 - 1e-6


@pytest.mark.django_db
def test_listings_left_at_different_zip_centres_of_one_cell_look_the_same(client):
    """The ring attack named the ZIP of 13 private groups out of 13, whose pins had been left at
    their ZIP code's centre. In a cell holding several ZIP centres (Manhattan has many), listings
    at each of them publish one point, so any guess names at most one of them. (Where a ZIP's
    centre is the only one in its cell, a guess may name that ZIP: no more than the cell says.)"""
    by_cell = {}
    for code, lat, lng in ZIP_ROWS:
        if 40.70 < lat < 40.88 and -74.02 < lng < -73.90:
            by_cell.setdefault(cell_bounds(lat, lng), []).append((code, lat, lng))
    crowded = [rows for rows in by_cell.values() if len(rows) >= 3]
    assert crowded, "Manhattan has cells with three ZIP centres or more"
    for rows in crowded:
        groups = [private(at=(lat, lng), name=f"Group {code}", postal_code=code) for code, lat, lng in rows]
        seen = {jsonld_geo(client, group) for group in groups}
        assert len(seen) == 1, rows
        guess = zip_guess(seen.pop())
        assert sum(km(guess, (lat, lng)) < 0.01 for _, lat, lng in rows) <= 1
        for group in groups:
            group.delete()


# --- A move ---------------------------------------------------------------------------------------


def edit(client, group, at, **extra):
    fields = {
        **PRIVATE_GROUP,
        "name": group.name,
        "latitude": str(at[0]),
        "longitude": str(at[1]),
        "time_zone": "America/New_York",
    }
    data = listing_data(**fields)
    data.update(extra)
    return client.post(reverse("group_edit", args=[group.slug]), data)


def test_a_move_within_the_cell_changes_nothing_anyone_can_see(client, facilitator):
    group = private(facilitator, at=inside(HARLEM, 0.2, 0.2))
    before = public_view(client, group, PROBES)
    client.force_login(facilitator)
    response = edit(client, group, inside(HARLEM, 0.8, 0.9))
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert (group.latitude, group.longitude) == pytest.approx(inside(HARLEM, 0.8, 0.9))
    client.logout()
    assert public_view(client, group, PROBES) == before


def test_a_move_to_another_cell_does_not_reveal_the_vector_of_the_move(client, facilitator, other_facilitator):
    """Before, the public point moved by exactly the real move, so one move turned a ZIP guess
    into the exact pin. Now it jumps to the new cell's middle, the point every private group in
    that cell shows."""
    start, goal = inside(HARLEM, 0.1, 0.1), (40.7527, -73.9772)  # Harlem, then Midtown
    group = private(facilitator, at=start)
    neighbour = private(other_facilitator, at=inside(cell_bounds(*goal), 0.95, 0.05), name="Midtown Neighbour")
    before = jsonld_geo(client, group)
    client.force_login(facilitator)
    assert edit(client, group, goal).status_code == 302
    client.logout()
    after = jsonld_geo(client, group)
    assert after == jsonld_geo(client, neighbour)
    real_move = (goal[0] - start[0], goal[1] - start[1])
    public_move = (after[0] - before[0], after[1] - before[1])
    assert public_move != pytest.approx(real_move, abs=1e-4)


# --- Binary search on the radius ------------------------------------------------------------------


def threshold(client, name, at, low=1.0, high=30.0, steps=22):
    """The smallest radius (km) at which the search lists the group, to a few metres."""
    for _ in range(steps):
        middle = (low + high) / 2
        if name in dict(search_results(client, at, f"{middle:.6f}")):
            high = middle
        else:
            low = middle
    return high


def test_binary_search_on_the_radius_measures_only_the_cell(client, facilitator):
    """Some 20 searches per probe give the exact distance to the published point; that point is
    the cell's middle for every private group in the cell, so the answer is the same for
    venues at opposite corners."""
    corner_a = private(facilitator, at=inside(HARLEM, 0, 0), name="Corner A")
    corner_b = private(facilitator, at=inside(HARLEM, 1, 1), name="Corner B")
    probe = (40.86, -73.90)
    a, b = threshold(client, corner_a.name, probe), threshold(client, corner_b.name, probe)
    assert a == pytest.approx(b, abs=0.01)
    real_gap = km((corner_a.latitude, corner_a.longitude), probe) - km((corner_b.latitude, corner_b.longitude), probe)
    assert abs(real_gap) > 1  # the venues really are at different distances


def test_private_distances_are_rounded_to_the_cell(client, facilitator):
    private(facilitator, at=inside(HARLEM, 0.5, 0.5), name="Rounded")
    for units, step in (("mi", 2), ("km", 3)):
        for probe in PROBES:
            (distance,) = [d for name, d in search_results(client, probe, 25, units) if name == "Rounded"]
            number = int(re.fullmatch(rf"about (\d+) {units}", distance).group(1))
            assert number % step == 0 and number >= step, distance
