"""The Earth as the site measures it: one radius, one great-circle distance, one bounding box.

Every distance the site shows or filters on (the search, the waiting lists, the nearest town, a
pin moved in a listing's history, the maps) comes from here, so two features can never disagree
about whether a place is "within 25 km". The Earth is a sphere of the mean radius (IUGG,
6371.0088 km): over the distances a search covers the sphere is within 0.5% of the ellipsoid,
far below what a person can tell on a map.

Not a distance, so not here: the private-location grid (`groups/cells.py`) is defined with its
own 111.32 km a degree, because the grid is a fixed convention every stored cell and public point
depends on; changing it would move every private group's public point.

    from groups import geo
    geo.distance_km(51.5074, -0.1278, 53.8008, -1.5491)   # London to Leeds, about 272 km
    PeerGroup.objects.filter(geo.box_q(51.5, -0.12, 25, fields=("public_latitude", "public_longitude")))
"""

import math

from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # a degree of latitude, about 111.195 km
KM_PER_MILE = 1.609344
# Near a pole a degree of longitude shrinks towards nothing: boxes and projections stop shrinking it here.
MIN_COS_LATITUDE = 0.01

Box = tuple[tuple[float, float], tuple[float, float]]


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle (haversine) distance between two points, in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))


def distance_km_sql(
    lat: float, lng: float, *, fields: tuple[str, str] = ("public_latitude", "public_longitude")
) -> ExpressionWrapper:
    """The same distance from (lat, lng) to each row's point, as SQL (the same on SQLite and
    PostgreSQL). By default a group's public point; the waiting lists pass their cell centres."""
    lat0, lng0 = Radians(Value(lat)), Radians(Value(lng))
    lat1, lng1 = Radians(F(fields[0])), Radians(F(fields[1]))
    a = Power(Sin((lat1 - lat0) / 2), 2) + Cos(lat0) * Cos(lat1) * Power(Sin((lng1 - lng0) / 2), 2)
    return ExpressionWrapper(2 * EARTH_RADIUS_KM * ASin(Sqrt(a)), output_field=FloatField())


def cos_latitude(lat: float) -> float:
    """How much a degree of longitude shrinks at this latitude (never below MIN_COS_LATITUDE)."""
    return max(math.cos(math.radians(lat)), MIN_COS_LATITUDE)


def bounding_box(lat: float, lng: float, radius_km: float) -> Box:
    """((south, north), (west, east)) in degrees of the box around every point within radius_km.
    West and east may pass ±180 when the box crosses the antimeridian: `longitude_q` handles it."""
    d_lat = radius_km / KM_PER_DEGREE
    d_lng = min(d_lat / max(math.cos(math.radians(lat)), 1e-6), 180.0)  # never narrower than the circle
    return (max(lat - d_lat, -90.0), min(lat + d_lat, 90.0)), (lng - d_lng, lng + d_lng)


def longitude_q(field: str, west: float, east: float) -> Q:
    """Rows whose longitude lies between west and east, also when the span crosses the antimeridian."""
    if east - west >= 360:
        return Q(**{f"{field}__isnull": False})
    if west < -180 or east > 180:
        west, east = ((west + 540) % 360) - 180, ((east + 540) % 360) - 180
        return Q(**{f"{field}__gte": west}) | Q(**{f"{field}__lte": east})
    return Q(**{f"{field}__range": (west, east)})


def box_q(lat: float, lng: float, radius_km: float, *, fields: tuple[str, str] = ("latitude", "longitude")) -> Q:
    """The bounding box as a filter on indexed latitude and longitude fields: the cheap first cut
    before the great-circle distance."""
    (south, north), (west, east) = bounding_box(lat, lng, radius_km)
    return Q(**{f"{fields[0]}__range": (south, north)}) & longitude_q(fields[1], west, east)
