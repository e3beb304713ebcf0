"""Maps drawn on the server as SVG: no tile server, no script, no outside request.

A map is the area around a centre: distance rings, the biggest towns of the gazetteer as labels for
orientation, and numbered markers, each a link to its group. It prints, works without JavaScript and
costs at most one query (the town labels, cached by area). Assistive technology reads the map as its
title and description; the list of results beside it is its text equivalent, so the drawing and its
marker links (for pointers and touch) are hidden from it and left out of the tab order. The search
shows one above its results (`svg_map`); the listing form shows the facilitator where their pin is
(`pin_map`, 4 km across, which static/js/listing-form.js lets them move by clicking or nudging).

Points are whatever the caller passes: callers pass a group's public point only (for a private group
the approximate one), never its true point.

    from groups import maps
    m = maps.svg_map(centre=(53.8, -1.55), points=[maps.Point(53.79, -1.54, "1", "Leeds Group", "/groups/x/")],
                     radius_km=40, units="mi", title="Map of the results")
    {% include "includes/svg_map.html" with map=m %}
"""

import hashlib
import math
import re
from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import geo
from .geo import KM_PER_DEGREE, KM_PER_MILE
from .geocoding import RecentMemory
from .models import Place

LABEL_NOTE = re.compile(r"\s*\([^()]*\)\s*$")

WIDTH, HEIGHT = 480, 320  # the viewBox; the SVG scales to its container
MARGIN = 1.12  # the area drawn: this much beyond the radius
TOWN_LABELS = 8
TOWN_CACHE = 24 * 3600
RING_STEPS = (0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500)
MARKER_RADIUS = 12
# The listing form's pin map: wider than the search's, a fixed 4 km across, with a 500 m grid.
PIN_WIDTH, PIN_HEIGHT = 640, 360
PIN_SPAN_KM = 4.0
PIN_GRID_M = 500


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    number: str = ""  # the number on the marker, the same as on the result card
    name: str = ""
    url: str = ""


@dataclass
class Map:
    title: str
    description: str
    html: str = ""
    markers: list = field(default_factory=list)  # (number, name, url, x, y) as drawn, for tests and scripts
    towns: list = field(default_factory=list)  # names drawn


class _Projection:
    """Equirectangular around the centre, in km, scaled to the viewBox: good to a few per cent over 400 km."""

    def __init__(self, latitude, longitude, half_extent_km, *, width=WIDTH, height=HEIGHT):
        self.latitude, self.longitude = latitude, longitude
        self.width, self.height = width, height
        self.cos = geo.cos_latitude(latitude)
        self.scale = min(width, height) / 2 / half_extent_km  # px per km
        self.half_width_km, self.half_height_km = width / 2 / self.scale, height / 2 / self.scale

    @property
    def degrees_per_unit(self):
        """(latitude, longitude) degrees per unit of the viewBox: what a script needs to turn a
        point on the map back into coordinates."""
        per_lat = 1 / (KM_PER_DEGREE * self.scale)
        return per_lat, per_lat / self.cos

    def xy(self, latitude, longitude):
        d_lng = (longitude - self.longitude + 540) % 360 - 180
        x = self.width / 2 + d_lng * self.cos * KM_PER_DEGREE * self.scale
        y = self.height / 2 - (latitude - self.latitude) * KM_PER_DEGREE * self.scale
        return round(x, 1), round(y, 1)

    def inside(self, x, y, margin=0):
        return margin <= x <= self.width - margin and margin <= y <= self.height - margin

    def box(self):
        """(south, north), (west, east) of the drawn area, in degrees."""
        d_lat = self.half_height_km / KM_PER_DEGREE
        d_lng = min(self.half_width_km / (KM_PER_DEGREE * self.cos), 180)
        return (self.latitude - d_lat, self.latitude + d_lat), (self.longitude - d_lng, self.longitude + d_lng)


def svg_map(
    *, centre, points, radius_km=None, units="km", title, description="", centre_label="", towns=True, show_centre=True
):
    """A Map of `points` around `centre` (latitude, longitude). With radius_km the area is the search's
    circle (closer in when every point is near the centre), with rings; without, it is fitted to the
    points (at least 3 km across)."""
    latitude, longitude = centre
    farthest = max((geo.distance_km(latitude, longitude, p.latitude, p.longitude) for p in points), default=0)
    if radius_km:
        # The search's circle, or closer in when every result is near the middle (a town's groups
        # a few miles apart would otherwise sit on top of each other), never less than a fifth of it.
        half_extent = min(radius_km, max(farthest * 1.25, radius_km / 5)) * MARGIN
    else:
        half_extent = max(farthest * 1.3, 1.5)
    projection = _Projection(latitude, longitude, half_extent)
    parts = [format_html('<rect class="svg-map__land" x="0" y="0" width="{}" height="{}"/>', WIDTH, HEIGHT)]
    ring_labels = []
    if radius_km:
        rings, ring_labels = _rings(projection, radius_km, units)
        parts.extend(rings)
    drawn: list[tuple[str, str, str, float, float]] = []
    placed: list[tuple[float, float]] = []
    for point in points:
        x, y = _clamp(*projection.xy(point.latitude, point.longitude))
        x, y = _unstack(x, y, placed)
        x, y = _clamp(x, y)
        placed.append((x, y))
        drawn.append((point.number, point.name, point.url, x, y))
    cx, cy = projection.xy(latitude, longitude)
    searched = centre_label or _("The place searched")
    short = LABEL_NOTE.sub("", searched)  # "LS1 (Leeds city centre)" is "LS1" beside its cross
    keep_clear = [(x - MARKER_RADIUS, y - MARKER_RADIUS, x + MARKER_RADIUS, y + MARKER_RADIUS) for x, y in placed]
    keep_clear += [*ring_labels, (cx - 9, cy - 9, cx + 9, cy + 9)]
    if show_centre:
        keep_clear.append((cx + 6, cy + 2, cx + 12 + 7 * len(short), cy + 20))
    labels = _towns(projection, keep_clear=keep_clear) if towns else []
    for name, x, y in labels:
        parts.append(
            format_html(
                '<g class="svg-map__town"><circle cx="{}" cy="{}" r="2.5"/><text x="{}" y="{}">{}</text></g>',
                x,
                y,
                x + 5,
                y - 4,
                name,
            )
        )
    if show_centre:
        parts.append(
            format_html(
                '<g class="svg-map__centre"><title>{}</title><path d="M{} {}h16M{} {}v16"/>'
                '<circle cx="{}" cy="{}" r="4"/><text x="{}" y="{}">{}</text></g>',
                searched,
                cx - 8,
                cy,
                cx,
                cy - 8,
                cx,
                cy,
                cx + 8,
                cy + 17,
                short,
            )
        )
    for number, name, url, x, y in reversed(drawn):  # the first result on top
        marker = format_html(
            '<circle cx="{}" cy="{}" r="{}"/><text x="{}" y="{}">{}</text>',
            x,
            y,
            MARKER_RADIUS,
            x,
            y + 4,
            number,
        )
        name_text = f"{number}. {name}" if number else name
        if url:
            parts.append(
                format_html(
                    '<a class="svg-map__marker" href="{}" tabindex="-1"><title>{}</title>{}</a>', url, name_text, marker
                )
            )
        else:
            parts.append(format_html('<g class="svg-map__marker"><title>{}</title>{}</g>', name_text, marker))
    digest = hashlib.sha256(repr((centre, title, [p.number for p in points])).encode()).hexdigest()[:8]
    title_id, desc_id = f"map-title-{digest}", f"map-desc-{digest}"
    html = format_html(
        '<svg class="svg-map" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet" '
        'aria-labelledby="{} {}" xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title>'
        '<desc id="{}">{}</desc><g aria-hidden="true">{}</g></svg>',
        WIDTH,
        HEIGHT,
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        description or title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
    return Map(
        title=title,
        description=description,
        html=mark_safe(html),
        markers=drawn,
        towns=[name for name, _x, _y in labels],
    )


def _clamp(x, y):
    return min(max(x, MARKER_RADIUS + 1), WIDTH - MARKER_RADIUS - 1), min(
        max(y, MARKER_RADIUS + 1), HEIGHT - MARKER_RADIUS - 1
    )


@dataclass
class PinMap(Map):
    """A Map of one pin the facilitator may move: the pin, where it is, and the projection's scale."""

    latitude: float = 0.0
    longitude: float = 0.0
    width: int = PIN_WIDTH
    height: int = PIN_HEIGHT
    degrees_per_unit_lat: float = 0.0
    degrees_per_unit_lng: float = 0.0


def pin_map(
    latitude: float | None,
    longitude: float | None,
    *,
    public_latitude: float | None = None,
    public_longitude: float | None = None,
    title: str = "",
) -> PinMap | None:
    """The listing form's map of its pin, 4 km across, or None without a pin: the pin at the centre
    (`data-marker`, which the form's script moves), the biggest towns around it, a 500 m grid and a
    scale bar. `public_*`: the point the public sees, when it is not the pin (a private group's)."""
    if latitude is None or longitude is None:
        return None
    title = title or _("Map of the pin and the places around it, 4 km across")
    scale = PIN_WIDTH / PIN_SPAN_KM  # px per km
    projection = _Projection(
        latitude, longitude, min(PIN_WIDTH, PIN_HEIGHT) / 2 / scale, width=PIN_WIDTH, height=PIN_HEIGHT
    )
    cx, cy = PIN_WIDTH / 2, PIN_HEIGHT / 2
    step = PIN_GRID_M / 1000 * scale
    parts = [format_html('<rect class="svg-map__land" x="0" y="0" width="{}" height="{}"/>', PIN_WIDTH, PIN_HEIGHT)]
    for n in range(-8, 9):
        x, y = round(cx + n * step, 1), round(cy + n * step, 1)
        if 0 < x < PIN_WIDTH:
            parts.append(format_html('<line class="pin-map__grid" x1="{}" y1="0" x2="{}" y2="{}"/>', x, x, PIN_HEIGHT))
        if 0 < y < PIN_HEIGHT:
            parts.append(format_html('<line class="pin-map__grid" x1="0" y1="{}" x2="{}" y2="{}"/>', y, PIN_WIDTH, y))
    keep_clear = [(cx - 14, cy - 40, cx + 14, cy + 4)]  # the pin's own shape
    public = None
    if None not in (public_latitude, public_longitude) and (public_latitude, public_longitude) != (latitude, longitude):
        x, y = projection.xy(public_latitude, public_longitude)
        public = min(max(x, 8), PIN_WIDTH - 8), min(max(y, 8), PIN_HEIGHT - 8)
        keep_clear.append((public[0] - 80, public[1] - 30, public[0] + 80, public[1] + 10))
    labels = _towns(projection, keep_clear=keep_clear)
    for name, x, y in labels:
        parts.append(
            format_html(
                '<g class="svg-map__town"><circle cx="{}" cy="{}" r="2.5"/><text x="{}" y="{}">{}</text></g>',
                x,
                y,
                x + 5,
                y - 4,
                name,
            )
        )
    if public:
        parts.append(
            format_html(
                '<g class="pin-map__public"><circle cx="{}" cy="{}" r="9"/>'
                '<text x="{}" y="{}" dy="-14" text-anchor="middle">{}</text></g>',
                *public,
                *public,
                _("What the public sees"),
            )
        )
    parts.append(
        format_html(
            '<g class="pin-map__marker" data-marker transform="translate({} {})"><g class="pin-map__marker-shape">'
            '<path d="M0 0 C-4 -10 -13 -15 -13 -25 A13 13 0 1 1 13 -25 C13 -15 4 -10 0 0 Z"/>'
            '<circle cx="0" cy="-25" r="5"/></g></g>',
            cx,
            cy,
        )
    )
    bar = round(scale, 1)  # one km
    parts.append(
        format_html(
            '<g class="pin-map__scale" transform="translate(16 {})"><line x1="0" y1="0" x2="{}" y2="0"/>'
            '<line x1="0" y1="-5" x2="0" y2="5"/><line x1="{}" y1="-5" x2="{}" y2="5"/>'
            '<text x="0" y="-8">{}</text></g>',
            PIN_HEIGHT - 18,
            bar,
            bar,
            bar,
            _("1 km"),
        )
    )
    digest = hashlib.sha256(repr((latitude, longitude, title)).encode()).hexdigest()[:8]
    title_id = f"pin-map-title-{digest}"
    html = format_html(
        '<svg class="svg-map pin-map__svg" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet" '
        'role="img" aria-labelledby="{}" xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title>'
        '<g aria-hidden="true">{}</g></svg>',
        PIN_WIDTH,
        PIN_HEIGHT,
        title_id,
        title_id,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
    per_lat, per_lng = projection.degrees_per_unit
    return PinMap(
        title=title,
        description="",
        html=mark_safe(html),
        markers=[("", title, "", cx, cy)],
        towns=[name for name, _x, _y in labels],
        latitude=latitude,
        longitude=longitude,
        degrees_per_unit_lat=per_lat,
        degrees_per_unit_lng=per_lng,
    )


def _rings(projection, radius_km, units):
    """Up to three rings: the search's radius when it is on the map, and round distances inside it."""
    per_unit = KM_PER_MILE if units == "mi" else 1.0
    radius = radius_km / per_unit
    visible = max(WIDTH, HEIGHT) / 2 / projection.scale / per_unit  # in units, from the centre to the edge
    steps = [step for step in RING_STEPS if step < radius * 0.95 and step <= visible and step >= visible / 8]
    rings = [*steps[-3:], radius] if radius <= visible else steps[-3:]
    rings = rings[-3:]
    cx, cy = WIDTH / 2, HEIGHT / 2
    out, boxes = [], []
    for ring in rings:
        r = round(ring * per_unit * projection.scale, 1)
        out.append(format_html('<circle class="svg-map__ring" cx="{}" cy="{}" r="{}"/>', cx, cy, r))
        label_x = round(cx + r * 0.7071 + 3, 1)  # at the ring's south-east, just outside it
        label_y = round(cy + r * 0.7071 + 12, 1)
        if label_x < WIDTH - 30 and label_y < HEIGHT - 4:
            boxes.append((label_x, label_y - 12, label_x + 45, label_y + 2))
            out.append(
                format_html(
                    '<text class="svg-map__ring-label" x="{}" y="{}">{} {}</text>',
                    label_x,
                    label_y,
                    floatformat(ring, -1),
                    units,
                )
            )
    return out, boxes


# Kept in this process's memory, bounded, not in the shared cache: every searched place has its own
# area, so a flood of unique searches would otherwise add an entry each (see groups/geocoding.py).
_town_rows = RecentMemory(5_000, ttl=TOWN_CACHE)


def _towns(projection, *, keep_clear):
    """The biggest gazetteer towns in the area, as (name, x, y), none over another's label. One query, cached."""
    (south, north), (west, east) = projection.box()
    key = (
        "map:towns:"
        + hashlib.sha256(repr((round(south, 2), round(north, 2), round(west, 2), round(east, 2))).encode()).hexdigest()[
            :24
        ]
    )
    rows = _town_rows.get(key)
    if rows is None:
        places = Place.objects.filter(geo.longitude_q("longitude", west, east), latitude__range=(south, north))
        rows = list(places.order_by("-population", "geonameid").values_list("name", "latitude", "longitude")[:60])
        _town_rows.put(key, rows)
    chosen, boxes = [], list(keep_clear)
    for name, latitude, longitude in rows:
        x, y = projection.xy(latitude, longitude)
        if not projection.inside(x, y, margin=6):
            continue
        box = (x - 3, y - 16, x + 8 + 7 * len(name), y + 4)  # the dot and its label, roughly
        if box[2] > projection.width or any(_overlap(box, other) for other in boxes):
            continue
        boxes.append(box)
        chosen.append((name, x, y))
        if len(chosen) == TOWN_LABELS:
            break
    return chosen


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _unstack(x, y, placed):
    """Markers at the same spot (a building with two groups) are set side by side, in a small spiral."""
    origin_x, origin_y, turn = x, y, 0
    while any(abs(x - px) < MARKER_RADIUS * 1.6 and abs(y - py) < MARKER_RADIUS * 1.6 for px, py in placed):
        turn += 1
        if turn > 40:
            break
        angle, distance = turn * 2.4, MARKER_RADIUS * 1.7 * math.sqrt(turn)
        x, y = round(origin_x + distance * math.cos(angle), 1), round(origin_y + distance * math.sin(angle), 1)
    return x, y
