"""A small offline map of one pin, drawn on the server as SVG, for the facilitator checking
where their listing's pin is: the pin at the centre of a frame a few kilometres wide, the
gazetteer's places inside the frame for bearings, a 500 m grid and a scale bar. No tiles and
no request leaves the site. static/js/listing-form.js lets the facilitator move the pin on it.

A stand-in until the search's offline map (issue 16) lands: `pin_map(...)` takes a latitude and
longitude and returns what templates/groups/includes/pin_map.html draws, so either side can be
swapped for the other."""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 360  # the SVG's own units (the page scales it to fit)
SPAN_KM = 4.0  # the frame's width on the ground
GRID_M = 500
KM_PER_DEGREE = 111.32
MAX_PLACES = 12


@dataclass
class Label:
    x: float
    y: float
    name: str
    anchor: str = "start"


@dataclass
class PinMap:
    latitude: float
    longitude: float
    # What the script needs to turn a point on the map back into a latitude and longitude.
    degrees_per_unit_lat: float
    degrees_per_unit_lng: float
    width: int = WIDTH
    height: int = HEIGHT
    grid_x: list = field(default_factory=list)
    grid_y: list = field(default_factory=list)
    places: list = field(default_factory=list)
    public_point: Label | None = None
    scale_units: float = 0
    scale_label: str = ""

    @property
    def center(self):
        return self.width / 2, self.height / 2

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


def _projection(latitude, longitude):
    """Units per degree of latitude and of longitude around the pin (equirectangular: true
    enough over a few kilometres)."""
    units_per_km = WIDTH / SPAN_KM
    per_lat = units_per_km * KM_PER_DEGREE
    per_lng = per_lat * max(math.cos(math.radians(latitude)), 0.01)
    return per_lat, per_lng


def pin_map(latitude, longitude, *, public_latitude=None, public_longitude=None, places=None):
    """The map around (latitude, longitude), or None without a pin. `public_*`: the point the
    public sees, when it is not the pin itself (a private group's). `places`: [(name, lat, lng)];
    by default the gazetteer's biggest places inside the frame."""
    if latitude is None or longitude is None:
        return None
    per_lat, per_lng = _projection(latitude, longitude)
    cx, cy = WIDTH / 2, HEIGHT / 2

    def project(lat, lng):
        return cx + (lng - longitude) * per_lng, cy - (lat - latitude) * per_lat

    half_lat, half_lng = cy / per_lat, cx / per_lng
    if places is None:
        from .models import Place

        places = (
            Place.objects.filter(
                latitude__range=(latitude - half_lat, latitude + half_lat),
                longitude__range=(longitude - half_lng, longitude + half_lng),
            )
            .order_by("-population")
            .values_list("name", "latitude", "longitude")[:MAX_PLACES]
        )
    labels = []
    for name, lat, lng in places:
        x, y = project(lat, lng)
        if 0 <= x <= WIDTH and 0 <= y <= HEIGHT and math.dist((x, y), (cx, cy)) > 24:
            labels.append(Label(round(x, 1), round(y, 1), name, "end" if x > WIDTH - 120 else "start"))

    units_per_m = WIDTH / (SPAN_KM * 1000)
    step = GRID_M * units_per_m
    grid_x = [round(cx + n * step, 1) for n in range(-8, 9) if 0 < cx + n * step < WIDTH]
    grid_y = [round(cy + n * step, 1) for n in range(-8, 9) if 0 < cy + n * step < HEIGHT]

    public = None
    if None not in (public_latitude, public_longitude) and (public_latitude, public_longitude) != (latitude, longitude):
        x, y = project(public_latitude, public_longitude)
        x, y = min(max(x, 8), WIDTH - 8), min(max(y, 8), HEIGHT - 8)
        public = Label(round(x, 1), round(y, 1), _("What the public sees"), "end" if x > WIDTH / 2 else "start")

    return PinMap(
        latitude=latitude,
        longitude=longitude,
        degrees_per_unit_lat=1 / per_lat,
        degrees_per_unit_lng=1 / per_lng,
        grid_x=grid_x,
        grid_y=grid_y,
        places=labels,
        public_point=public,
        scale_units=round(1000 * units_per_m, 1),
        scale_label=_("1 km"),
    )
