"""Find published groups near a point: nearest first, paginated in the database.

The distance filter is a bounding box on the indexed public latitude/longitude, then the
great-circle (haversine) distance computed in SQL, identical on SQLite and PostgreSQL. On
PostgreSQL with the earthdistance extension, the nearest-first order uses its GiST index
(`<->`, a k-nearest-neighbour scan) and the box test uses `earth_box`, so the first page
costs the same at 1,000 groups or 100,000. Private groups are filtered, ordered and measured
by their approximate public point only: ordering by the true point would leak it.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, FloatField, Min, Q
from django.db.models.expressions import RawSQL
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dbtselfhelp.formats import when
from dbtselfhelp.zones import zone_name

from . import cells, geo
from .geo import KM_PER_MILE
from .models import PeerGroup

# What a result card, the map and the ordering read. Loading only these keeps the private
# address and meeting link out of the search's memory altogether, and halves the cost of
# turning twenty rows into objects.
CARD_FIELDS = ("name", "slug", "status", "format", "language", "accepting_new_members", "location_privacy",
               "town", "region", "country", "public_latitude", "public_longitude", "time_zone", "capacity",
               "last_confirmed_at")  # fmt: skip
PAGE_SIZE = 20
# Past this many results the page says "200+": counting every group in a dense radius
# costs more than the page itself, and nobody pages past the nearest 200.
COUNT_CAP = 200

_earthdistance = {}


def has_earthdistance():
    """Whether this PostgreSQL database has the cube and earthdistance extensions (checked once)."""
    if connection.vendor != "postgresql":
        return False
    key = connection.settings_dict["NAME"]
    if key not in _earthdistance:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_extension WHERE extname IN ('cube', 'earthdistance')")
            _earthdistance[key] = cursor.fetchone()[0] == 2
    return _earthdistance[key]


def near(queryset, lat, lng, radius_km):
    """(page queryset, count queryset) of in-person and hybrid groups within radius_km, nearest first.

    On PostgreSQL the count uses the earthdistance box (a bitmap scan of the GiST index) and
    the page orders by `<->` alone, so it is a nearest-first walk of the same index that stops
    after LIMIT rows. That is safe because the paginator never asks for more rows than the
    count found: the walk ends at the last group inside the radius. (A secondary key such as
    the id would stop PostgreSQL using the index for the order; groups at exactly the same
    point may then swap places between two page loads.)"""
    queryset = queryset.filter(public_latitude__isnull=False)
    if has_earthdistance():
        table = PeerGroup._meta.db_table
        point = f'll_to_earth("{table}"."public_latitude", "{table}"."public_longitude")'
        within = queryset.annotate(distance_km=geo.distance_km_sql(lat, lng)).filter(distance_km__lte=radius_km)
        page = within.annotate(
            knn=RawSQL(f"{point} <-> ll_to_earth(%s, %s)", (lat, lng), output_field=FloatField())
        ).order_by("knn")
        count = within.extra(
            where=[f"earth_box(ll_to_earth(%s, %s), %s) @> {point}"], params=[lat, lng, radius_km * 1010]
        )
        return page, count
    queryset = queryset.filter(geo.box_q(lat, lng, radius_km, fields=("public_latitude", "public_longitude")))
    within = queryset.annotate(distance_km=geo.distance_km_sql(lat, lng)).filter(distance_km__lte=radius_km)
    return within.order_by("distance_km", "pk"), within


NEAREST_SEARCH_KM = 1000  # how far beyond an empty radius the nearest group is looked for


def nearest_beyond(queryset, lat, lng, *, within_km=NEAREST_SEARCH_KM):
    """The nearest in-person or hybrid group of the queryset to (lat, lng) within `within_km`, with
    `distance_km`, or None: one query, for a search that found nothing inside its radius. Measured,
    like everything public, from each group's public point."""
    queryset = queryset.prefetch_related(None).only("name", "slug", "location_privacy", "town", "region",
                                                    "public_latitude", "public_longitude")  # fmt: skip
    page, _count = near(queryset, lat, lng, within_km)
    return page.first()


def by_next_meeting(queryset, now):
    """Groups ordered by their next meeting that has not ended, exactly, whatever the recurrence
    or the zone: the meeting times' stored next meeting (kept by refresh_meeting_times). A group
    whose every stored meeting has ended since the last refresh goes last, in a stable order."""
    soonest = Min("meeting_times__next_start_at", filter=Q(meeting_times__next_end_at__gt=now))
    return queryset.annotate(next_at=soonest).order_by(F("next_at").asc(nulls_last=True), "pk")


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows (a LIMITed count), so a dense area costs no more than a sparse one.
    The count may come from its own queryset (see `near`)."""

    def __init__(self, object_list, per_page, cap=COUNT_CAP, count_list=None):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.count_list = object_list if count_list is None else count_list

    @property
    def count(self):
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.count_list.order_by()[: self.cap + 1].count()
        return min(self._capped_count, self.cap)

    @property
    def more_than_cap(self):
        self.count  # noqa: B018 - fills _capped_count
        return self._capped_count > self.cap


@dataclass
class Card:
    """One result, formatted once in Python. The search page shows twenty: as a template they
    cost 4 ms a page in the template engine (a fifth of the whole request), as format_html
    a tenth of that; the markup is the same."""

    group: PeerGroup
    distance: float | None
    next_start: datetime | None
    next_start_viewer: datetime | None
    units: str = "km"
    viewer_zone: str = ""
    number: int = 0  # its place in the results (1, 2, … across pages), the same as its marker on the map

    @property
    def html(self):
        group = self.group
        distance = ""
        if self.distance is not None:
            distance = format_html(
                '<p class="distance"><span class="visually-hidden">{} </span>{}{} {}</p>',
                _("Distance:"),
                _("about") + " " if group.is_location_private else "",
                floatformat(self.distance, -1),
                self.units,
            )
        meta = [format_html('<span class="badge">{}</span>', group.get_format_display())]
        if group.public_place:
            meta.append(format_html("<span>{}</span>", group.public_place))
        if group.language == get_language() and group.language != settings.LANGUAGE_CODE:
            # A visitor reading in Spanish sees at a glance the groups that meet in Spanish.
            label = _("Meets in %(language)s") % {"language": group.get_language_display()}
            meta.append(format_html('<span class="badge badge--language">{}</span>', label))
        elif group.language != "en":
            meta.append(format_html("<span>{}</span>", group.get_language_display()))
        if group.accepting_new_members and group.capacity is not None and group.member_total >= group.capacity:
            meta.append(format_html('<span class="badge badge--warn">{}</span>', _("Full")))
        elif group.accepting_new_members:
            meta.append(format_html('<span class="badge badge--ok">{}</span>', _("Taking new members")))
        else:
            meta.append(format_html('<span class="badge badge--warn">{}</span>', _("Not taking new members")))
        if group.is_stale:
            meta.append(format_html('<span class="badge badge--warn">{}</span>', _("Not confirmed recently")))
        upcoming = ""
        if self.next_start:
            yours = ""
            if self.viewer_label:
                yours = format_html('<br><span class="your-time">{} {} ({})</span>', _("Your time:"),
                                    self.viewer_label, zone_name(self.viewer_zone))  # fmt: skip
            upcoming = format_html(
                '<p class="group-card__next">{} <time datetime="{}">{}</time> <span class="muted">({})</span>{}</p>',
                _("Next meeting:"), self.next_iso, self.next_label, zone_name(group.time_zone), yours,
            )  # fmt: skip
        return format_html(
            '<article class="group-card result-card">\n  <div class="result-card__head">\n'
            '    {}<h3 class="group-card__title"><a href="{}">{}</a></h3>\n    {}\n  </div>\n'
            '  <p class="group-card__meta">\n    {}\n  </p>\n  {}\n</article>',
            format_html('<span class="result-card__number" aria-hidden="true">{}</span>\n    ', self.number)
            if self.number else "",
            group.get_absolute_url(), group.name, distance, format_html_join("\n    ", "{}", ((m,) for m in meta)),
            upcoming,
        )  # fmt: skip

    @property
    def next_label(self):
        return when(self.next_start, CARD_DATE) if self.next_start else ""

    @property
    def next_iso(self):
        return self.next_start.isoformat() if self.next_start else ""

    @property
    def viewer_label(self):
        return when(self.next_start_viewer, CARD_DATE) if self.next_start_viewer else ""


CARD_DATE = "weekday_day_month_time"  # Tuesday 1 December, 7:30 PM (dbtselfhelp.formats)


def round_distance(value, *, private, per_unit=1.0):
    """A distance in the unit shown: half units for public groups; for private ones whole steps
    as wide as a grid cell (3 km, 2 mi at the default 2.5 km), since their public point is only
    "somewhere in this cell"."""
    step = math.ceil(cells.cell_size_km() / per_unit) if private else 0.5
    rounded = round(value / step) * step
    return max(rounded, step)


def cards(page: Page, *, now, units, viewer_zone):
    per_unit = KM_PER_MILE if units == "mi" else 1.0
    result = []
    first = page.start_index() if page.paginator.count else 1
    for index, group in enumerate(page.object_list):
        distance = getattr(group, "distance_km", None)
        if distance is not None:
            distance = round_distance(distance / per_unit, private=group.is_location_private, per_unit=per_unit)
        upcoming = group.next_meeting(now)
        start = upcoming[0] if upcoming else None
        viewer_start = None
        if start is not None and viewer_zone is not None:
            local = start.astimezone(viewer_zone)
            if local.replace(tzinfo=None) != start.replace(tzinfo=None):  # a different wall-clock time
                viewer_start = local
        result.append(
            Card(group=group, distance=distance, next_start=start, next_start_viewer=viewer_start, units=units,
                 viewer_zone=str(viewer_zone or ""), number=first + index)
        )  # fmt: skip
    return result


def page_of(queryset, number, *, count_queryset=None):
    paginator = CappedPaginator(queryset, PAGE_SIZE, count_list=count_queryset)
    return paginator, paginator.get_page(number)
