"""The search's result cards, built in Python: one card per group found, with its distance rounded
as the public may see it, its next meeting in the group's zone and, when it differs, the viewer's.

Twenty cards as templates cost 4 ms a page in the template engine (a fifth of the whole request);
as `format_html` a tenth of that, with the same markup. The search page, the printed list and the
map's numbered markers all read these cards. `groups/search.py` keeps the query."""

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.conf import settings
from django.core.paginator import Page
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dbtselfhelp.formats import when
from dbtselfhelp.zones import zone_name

from . import cells
from .geo import KM_PER_MILE
from .models import PeerGroup

# What a result card, the map and the ordering read. Loading only these keeps the private
# address and meeting link out of the search's memory altogether, and halves the cost of
# turning twenty rows into objects.
CARD_FIELDS = (
    "name",
    "slug",
    "status",
    "format",
    "language",
    "accepting_new_members",
    "location_privacy",
    "town",
    "region",
    "country",
    "public_latitude",
    "public_longitude",
    "time_zone",
    "capacity",
    "last_confirmed_at",
)


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
    def html(self) -> SafeString:
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
        member_total = group.member_total  # type: ignore[attr-defined]  # annotated by with_member_total()
        if group.accepting_new_members and group.capacity is not None and member_total >= group.capacity:
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
                yours = format_html(
                    '<br><span class="your-time">{} {} ({})</span>',
                    _("Your time:"),
                    self.viewer_label,
                    zone_name(self.viewer_zone),
                )
            upcoming = format_html(
                '<p class="group-card__next">{} <time datetime="{}">{}</time> <span class="muted">({})</span>{}</p>',
                _("Next meeting:"),
                self.next_iso,
                self.next_label,
                zone_name(group.time_zone),
                yours,
            )
        return format_html(
            '<article class="group-card result-card">\n  <div class="result-card__head">\n'
            '    {}<h3 class="group-card__title"><a href="{}">{}</a></h3>\n    {}\n  </div>\n'
            '  <p class="group-card__meta">\n    {}\n  </p>\n  {}\n</article>',
            format_html('<span class="result-card__number" aria-hidden="true">{}</span>\n    ', self.number)
            if self.number
            else "",
            group.get_absolute_url(),
            group.name,
            distance,
            format_html_join("\n    ", "{}", ((m,) for m in meta)),
            upcoming,
        )

    @property
    def next_label(self) -> str:
        return when(self.next_start, CARD_DATE) if self.next_start else ""

    @property
    def next_iso(self) -> str:
        return self.next_start.isoformat() if self.next_start else ""

    @property
    def viewer_label(self) -> str:
        return when(self.next_start_viewer, CARD_DATE) if self.next_start_viewer else ""


CARD_DATE = "weekday_day_month_time"  # Tuesday 1 December, 7:30 PM (dbtselfhelp.formats)


def round_distance(value: float, *, private: bool, per_unit: float = 1.0) -> float:
    """A distance in the unit shown: half units for public groups; for private ones whole steps
    as wide as a grid cell (3 km, 2 mi at the default 2.5 km), since their public point is only
    "somewhere in this cell"."""
    step = math.ceil(cells.cell_size_km() / per_unit) if private else 0.5
    rounded = round(value / step) * step
    return max(rounded, step)


def cards(page: Page, *, now: datetime, units: str, viewer_zone: tzinfo | None) -> list[Card]:
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
            Card(
                group=group,
                distance=distance,
                next_start=start,
                next_start_viewer=viewer_start,
                units=units,
                viewer_zone=str(viewer_zone or ""),
                number=first + index,
            )
        )
    return result
