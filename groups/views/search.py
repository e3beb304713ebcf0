"""Find a group near you: /groups/ with a place, the browser's coordinates, and filters."""

import hashlib
import zoneinfo

from django.core.cache import cache
from django.db.models import Count
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dbtselfhelp.zones import viewer_zone_name
from dbtselfhelp.zones import zone_name as zone_label

from .. import cards, geo, maps, search
from ..filters import GroupFilter, LocationForm
from ..format_words import asks_for_online
from ..geocoding import GeocodeResult, geocode
from ..models import LANGUAGES, MILES_COUNTRIES, PeerGroup
from .waiting import waiting_form_for

DEFAULT_RADIUS = 25
MILES_ZONES = ("America/", "Europe/London", "US/", "Pacific/Honolulu")


def towns_with_groups(params=None):
    """Towns with the most published in-person groups, for the page without a place, counted with the
    filters that are set (cached for each set of filters)."""
    chosen = [(name, sorted(params.getlist(name))) for name in FILTER_PARAMS] if params else []
    key = "search:towns:" + hashlib.sha256(repr(chosen).encode()).hexdigest()[:24]
    towns = cache.get(key)
    if towns is None:
        groups = PeerGroup.objects.published()
        if params:
            filterset = GroupFilter(params, queryset=groups)
            groups = filterset.qs if filterset.is_valid() else groups
        towns = list(
            groups.exclude(format=PeerGroup.Format.ONLINE)
            .exclude(town="")
            .order_by()
            .values("town", "region", "country")
            .annotate(groups=Count("id", distinct=True))
            .order_by("-groups", "town")[:30]
        )
        for town in towns:  # what the link searches for: "Leeds, England", "Portland, OR"
            town["near"] = ", ".join(part for part in (town["town"], town["region"] or town["country"]) if part)
        cache.set(key, towns, 600)
    return towns


FILTER_PARAMS = ("q", "day", "time", "format", "language", "module", "audience", "accessible", "open")


def form_html(template, form, values, *, valid):
    """Search controls rendered by Django's widgets (accessible markup, errors tied to fields).
    With no errors the HTML depends only on the values shown and the language, so it is cached:
    the filters' forty widget templates cost as much as the results, the place fields a tenth."""
    if not valid:
        return render_to_string(template, {"form": form})
    key = "search:form:" + hashlib.sha256(repr((template, get_language(), values)).encode()).hexdigest()[:32]
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {"form": form})
        cache.set(key, html, 3600)
    return mark_safe(html)


def filters_html(request, form, *, valid):
    chosen = [(name, sorted(request.GET.getlist(name))) for name in FILTER_PARAMS]
    # Cached only for the choices' finite combinations: free text (q) would make every search an entry.
    cacheable = valid and not request.GET.get("q")
    return form_html("groups/includes/search_filters.html", form, chosen, valid=cacheable)


def where_html(form, *, valid):
    """The place fields, as shown after the search (with the radius and units it used). Cached only
    when they hold no typed place or coordinates and a listed radius, so the cache keeps a bounded
    set of entries whatever visitors type."""
    values = [(name, form[name].value()) for name in ("near", "radius", "units", "lat", "lng", "tz")]
    given = dict(values)
    bounded = not (given["near"] or given["lat"] or given["lng"]) and str(given["radius"] or "") in {
        "",
        *(str(r) for r in LocationForm.RADIUS_CHOICES),
    }
    return form_html("groups/includes/search_where.html", form, values, valid=valid and bounded)


def locate(data):
    """What was typed wins over coordinates (which may be left over from an earlier search),
    except to choose among the candidates of an ambiguous name: a candidate's link carries
    its coordinates, since two places can share a label."""
    near, lat, lng = data.get("near", ""), data.get("lat"), data.get("lng")
    if not near:
        return geocode(lat=lat, lng=lng)
    result = geocode(near)
    if result.ambiguous and lat is not None and lng is not None:
        close = [c for c in result.candidates if abs(c.latitude - lat) < 0.05 and abs(c.longitude - lng) < 0.05]
        if close:
            others = [c for c in result.candidates if c is not close[0]]
            return GeocodeResult(location=close[0], candidates=others)
    return result


def results_map(cards, location, *, radius, units):
    """The SVG map above the results: the searched point, rings, numbered markers at public points."""
    points = [
        maps.Point(
            c.group.public_latitude, c.group.public_longitude, str(c.number), c.group.name, c.group.get_absolute_url()
        )
        for c in cards
        if c.group.public_latitude is not None
    ]
    radius_km = radius * geo.KM_PER_MILE if units == "mi" else radius
    first, last = cards[0].number, cards[-1].number
    title = _("Map of groups %(first)s to %(last)s near %(place)s") % {
        "first": first,
        "last": last,
        "place": location.label,
    }
    description = ngettext(
        "%(count)s group within %(radius)s %(units)s of %(place)s, numbered as in the list below, which says the "
        "same in words.",
        "%(count)s groups within %(radius)s %(units)s of %(place)s, numbered as in the list below, which says the "
        "same in words.",
        len(points),
    ) % {"count": len(points), "radius": radius, "units": units, "place": location.label}
    return maps.svg_map(
        centre=(location.latitude, location.longitude),
        points=points,
        radius_km=radius_km,
        units=units,
        title=title,
        description=description,
        centre_label=location.label,
    )


NEAREST_STEPS = (50, 100, 250)


def nothing_near(in_person, location, *, units, radius, viewer_zone):
    """What is true when no group is inside the radius: the nearest one beyond it (with these filters),
    a radius that reaches it, and the online groups in the viewer's language. One query, and one more
    every ten minutes for the count of online groups."""
    per_unit = geo.KM_PER_MILE if units == "mi" else 1.0
    nearest = search.nearest_beyond(in_person, location.latitude, location.longitude)
    context = {"nearest": None}
    if nearest is not None:
        distance = max(round(nearest.distance_km / per_unit), 1)  # beyond the radius: whole miles or km
        reach = next((step for step in NEAREST_STEPS if step >= distance and step > radius), None)
        context.update(
            nearest=nearest,
            nearest_distance=distance,
            nearest_radius=reach,
            nearest_place=nearest.public_place or nearest.name,
        )
    language = (get_language() or "en").split("-")[0]
    context.update(
        online_language=language,
        online_language_name=dict(LANGUAGES).get(language, language),
        online_in_language=online_count(language),
        online_zone=viewer_zone,
    )
    return context


def online_count(language):
    """How many published groups meet online (or hybrid) in a language; cached for ten minutes."""
    key = f"search:online-count:{language}"
    count = cache.get(key)
    if count is None:
        online = PeerGroup.objects.published().filter(format__in=[PeerGroup.Format.ONLINE, PeerGroup.Format.HYBRID])
        count = online.filter(language=language).count()
        cache.set(key, count, 600)
    return count


def _units(form_units, location, zone_name):
    if form_units:
        return form_units
    if location and location.country:
        return "mi" if location.country in MILES_COUNTRIES else "km"
    return "mi" if zone_name and zone_name.startswith(MILES_ZONES) else "km"


def group_search(request):
    params = request.GET
    location_form = LocationForm(params or None)
    if not params:
        location_form = LocationForm(initial={"radius": DEFAULT_RADIUS})
    now = timezone.now()
    cards_queryset = (
        PeerGroup.objects.published().for_cards(now).select_related(None).only(*cards.CARD_FIELDS).with_member_total()
    )
    filterset = GroupFilter(params or None, queryset=cards_queryset)
    context = {"location_form": location_form, "filter_form": filterset.form, "mode": "start"}
    forms_valid = (not params) or (location_form.is_valid() and filterset.is_valid())
    context["filters_html"] = filters_html(request, filterset.form, valid=forms_valid)
    if not forms_valid:
        context["mode"] = "invalid"
        context["where_html"] = where_html(location_form, valid=False)
        return render(request, "groups/search.html", context, status=400)

    data = location_form.cleaned_data if params else {}
    online_asked = bool(params) and asks_for_online(data.get("near", ""))  # "online", "en línea"
    if online_asked:
        context["online_words"] = data["near"]
        data = {**data, "near": ""}
    result = locate(data)
    location = result.location
    if location and location.country:
        request.visitor_country = location.country  # the footer's crisis line follows the place searched
    zone_name = viewer_zone_name(request, explicit=data.get("tz", ""), fallback=location.time_zone if location else "")
    viewer_zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
    units = _units(data.get("units"), location, zone_name)
    radius = data.get("radius") or DEFAULT_RADIUS
    filters_active = any(
        params.get(f) for f in ("q", "day", "time", "language", "module", "audience", "accessible", "open")
    )
    context.update(
        geocoded=result,
        location=location,
        units=units,
        radius=int(radius) if radius == int(radius) else radius,
        viewer_zone=zone_name,
        viewer_zone_name=zone_label(zone_name),
        filters_active=filters_active,
    )
    filterset.viewer_zone = viewer_zone
    filterset.now = now
    groups = filterset.qs
    if online_asked:
        groups = filterset.filter_format(groups, "format", PeerGroup.Format.ONLINE)
    group_format = filterset.form.cleaned_data.get("format") if params else ""
    if group_format == PeerGroup.Format.ONLINE or online_asked:
        paginator, page = search.page_of(search.by_next_meeting(groups, now), params.get("page"))
        context.update(mode="online", page=page, paginator=paginator)
    elif location:
        radius_km = radius * geo.KM_PER_MILE if units == "mi" else radius
        in_person = groups.exclude(format=PeerGroup.Format.ONLINE)
        nearest, within = search.near(in_person, location.latitude, location.longitude, radius_km)
        paginator, page = search.page_of(nearest, params.get("page"), count_queryset=within)
        context.update(
            mode="near",
            page=page,
            paginator=paginator,
            waiting_form=waiting_form_for(request, location, radius=radius, units=units),
        )
        if not paginator.count:
            context.update(nothing_near(in_person, location, units=units, radius=radius, viewer_zone=zone_name))
    elif result.ambiguous or result.message or data.get("near"):
        context.update(mode="place_problem")
    else:
        online = groups.filter(format=PeerGroup.Format.ONLINE)
        paginator, page = search.page_of(search.by_next_meeting(online, now), params.get("page"))
        context.update(mode="browse", page=page, paginator=paginator, towns=towns_with_groups(params))
    if "page" in context:
        context["cards"] = shown = cards.cards(context["page"], now=now, units=units, viewer_zone=viewer_zone)
        context["map_points"] = [
            {
                "lat": c.group.public_latitude,
                "lng": c.group.public_longitude,
                "name": c.group.name,
                "url": c.group.get_absolute_url(),
            }
            for c in shown
            if c.group.public_latitude is not None
        ]
        if context["mode"] == "near" and shown:
            context["results_map"] = results_map(shown, location, radius=radius, units=units)
    location_form.show_defaults(radius=context["radius"], units=units)
    context["where_html"] = where_html(location_form, valid=True)
    if context["mode"] == "place_problem" and not result.message and not result.ambiguous:
        result.message = _("We couldn't find that place.")
    return render(request, "groups/search.html", context)
