"""Find published groups near a point: nearest first, paginated in the database.

The distance filter is a bounding box on the indexed public latitude/longitude, then the
great-circle (haversine) distance computed in SQL, identical on SQLite and PostgreSQL. On
PostgreSQL with the earthdistance extension, the nearest-first order uses its GiST index
(`<->`, a k-nearest-neighbour scan) and the box test uses `earth_box`, so the first page
costs the same at 1,000 groups or 100,000. Private groups are filtered, ordered and measured
by their approximate public point only: ordering by the true point would leak it.
"""

from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, FloatField, Min, Q, QuerySet
from django.db.models.expressions import RawSQL

from . import geo
from .models import PeerGroup

PAGE_SIZE = 20
# Past this many results the page says "200+": counting every group in a dense radius
# costs more than the page itself, and nobody pages past the nearest 200.
COUNT_CAP = 200

_earthdistance: dict[str, bool] = {}  # database name -> whether it has the extensions


def has_earthdistance() -> bool:
    """Whether this PostgreSQL database has the cube and earthdistance extensions (checked once)."""
    if connection.vendor != "postgresql":
        return False
    key = connection.settings_dict["NAME"]
    if key not in _earthdistance:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_extension WHERE extname IN ('cube', 'earthdistance')")
            _earthdistance[key] = cursor.fetchone()[0] == 2
    return _earthdistance[key]


def near(
    queryset: QuerySet[PeerGroup], lat: float, lng: float, radius_km: float
) -> tuple[QuerySet[PeerGroup], QuerySet[PeerGroup]]:
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


def nearest_beyond(
    queryset: QuerySet[PeerGroup], lat: float, lng: float, *, within_km: float = NEAREST_SEARCH_KM
) -> PeerGroup | None:
    """The nearest in-person or hybrid group of the queryset to (lat, lng) within `within_km`, with
    `distance_km`, or None: one query, for a search that found nothing inside its radius. Measured,
    like everything public, from each group's public point."""
    queryset = queryset.prefetch_related(None).only(
        "name", "slug", "location_privacy", "town", "region", "public_latitude", "public_longitude"
    )
    page, _count = near(queryset, lat, lng, within_km)
    return page.first()


def by_next_meeting(queryset: QuerySet[PeerGroup], now: datetime) -> QuerySet[PeerGroup]:
    """Groups ordered by their next meeting that has not ended, exactly, whatever the recurrence
    or the zone: the meeting times' stored next meeting (kept by refresh_meeting_times). A group
    whose every stored meeting has ended since the last refresh goes last, in a stable order."""
    soonest = Min("meeting_times__next_start_at", filter=Q(meeting_times__next_end_at__gt=now))
    return queryset.annotate(next_at=soonest).order_by(F("next_at").asc(nulls_last=True), "pk")


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows (a LIMITed count), so a dense area costs no more than a sparse one.
    The count may come from its own queryset (see `near`)."""

    def __init__(
        self,
        object_list: QuerySet[PeerGroup],
        per_page: int,
        cap: int = COUNT_CAP,
        count_list: QuerySet[PeerGroup] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.count_list = object_list if count_list is None else count_list

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.count_list.order_by()[: self.cap + 1].count()
        return min(self._capped_count, self.cap)

    @property
    def more_than_cap(self) -> bool:
        self.count  # noqa: B018 - fills _capped_count
        return self._capped_count > self.cap


def page_of(
    queryset: QuerySet[PeerGroup], number: int | str | None, *, count_queryset: QuerySet[PeerGroup] | None = None
) -> tuple[CappedPaginator, Page]:
    paginator = CappedPaginator(queryset, PAGE_SIZE, count_list=count_queryset)
    return paginator, paginator.get_page(number)
