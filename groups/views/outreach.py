"""Outreach in print: a list of the groups near a place for clinics to hand out, a one-page flyer
for each published group, and both as PDF downloads.

The list is the search's own: the same place fields and filters (`LocationForm`, `GroupFilter`),
the same reading of what was typed (`locate`) and the same nearest-first query (`search.near`),
so "Print this list" prints what the search showed. What each group's entry says comes from
`groups.printing.print_entry`: a visitor's view, whoever prints it.
"""

import zoneinfo
from datetime import UTC
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from accounts.models import ProfessionalProfile

from .. import cards, geo, printing, search
from ..filters import GroupFilter, LocationForm
from ..models import PeerGroup
from .search import DEFAULT_RADIUS, FILTER_PARAMS, _units, locate, where_html

# Enough for a clinic's handout (a few pages); the QR code leads to the rest.
PRINT_LIMIT = 30
# A PDF costs a few hundred milliseconds of CPU: per visitor's address, generous for a clinic.
PDF_RATE = "30/h"
ENDORSER_RADIUS = 50
PRINTED_DATE = "j F Y"

# The extra columns an entry prints for a public group (venue and address), on top of a card's.
PRINT_FIELDS = (*cards.CARD_FIELDS, "venue", "address", "postal_code", "contact_name", "wheelchair_accessible")


def _pdf_refused(request):
    """None, or the response that refuses this PDF: too many from one address, or no PDF engine."""
    if printing.pdf_engine() is None:
        # 404, not 503: nothing will change by trying again; the page says to print from the browser.
        return render(request, "groups/print_unavailable.html", status=404)
    if is_ratelimited(request, group="dbtsh:print_pdf", key="ip", rate=PDF_RATE, method=ALL, increment=True):
        return render(request, "429.html", status=429)
    return None


def _as_pdf(request, template, context, *, filename, country):
    html = render_to_string(template, context, request=request)
    pdf = printing.render_pdf(html, base_url=request.build_absolute_uri("/"), paper=printing.paper_for(country))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _printed_on(now, zone_name=""):
    """Today's date where the paper will be used (the place's or the group's zone), e.g. "1 December 2026"."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name) if zone_name else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return dateformat.format(now.astimezone(zone), PRINTED_DATE)


def _crisis_url(request):
    return request.build_absolute_uri(reverse("page_crisis"))


def _endorser_centre(value):
    """The print list for a verified endorser's region, or None if there is no such endorser."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    region = (
        get_user_model()
        .objects.filter(pk=pk, professional_profile__status=ProfessionalProfile.Status.VERIFIED)
        .values_list("professional_profile__licence_region", flat=True)
        .first()
    )
    return None if region is None else (region, printing.region_centre(region))


@require_safe
def print_list(request, *, as_pdf=False):
    """The groups near a place, laid out for paper. Without a place: a form asking for one."""
    params = request.GET
    now = timezone.now()
    context = {"mode": "start", "printed_on": _printed_on(now), "crisis_url": _crisis_url(request)}
    if "endorser" in params:
        found = _endorser_centre(params["endorser"])
        if found is None:
            context.update(mode="no_endorser", where_html=where_html(LocationForm(), valid=True))
            return render(request, "groups/print_list.html", context, status=404)
        region, centre = found
        if centre:
            query = urlencode({"near": centre, "radius": ENDORSER_RADIUS})
            return redirect(f"{reverse('group_print_pdf' if as_pdf else 'group_print')}?{query}")
        context.update(mode="no_region", region=region, where_html=where_html(LocationForm(), valid=True))
        return render(request, "groups/print_list.html", context)

    location_form = LocationForm(params or None)
    if not params:
        location_form = LocationForm(initial={"radius": DEFAULT_RADIUS})
        context["where_html"] = where_html(location_form, valid=True)
        return render(request, "groups/print_list.html", context)
    queryset = PeerGroup.objects.published().for_cards(now).select_related(None).only(*PRINT_FIELDS)
    filterset = GroupFilter(params, queryset=queryset.with_member_total())
    context["kept_filters"] = [(name, value) for name in FILTER_PARAMS for value in params.getlist(name) if value]
    if not (location_form.is_valid() and filterset.is_valid()):
        hidden = [location_form.errors.get(name, []) for name in ("lat", "lng", "tz")]
        errors = [*location_form.non_field_errors(), *(e for field in hidden for e in field)]
        errors += [e for field in filterset.form.errors.values() for e in field]
        context.update(mode="invalid", where_html=where_html(location_form, valid=False), form_errors=errors)
        return render(request, "groups/print_list.html", context, status=400)

    data = location_form.cleaned_data
    result = locate(data)
    location = result.location
    context["geocoded"] = result
    if location is None:
        if not result.message and not result.ambiguous:
            result.message = _("We couldn't find that place.") if data.get("near") else ""
        context.update(mode="place_problem" if data.get("near") or result.message else "start")
        location_form.show_defaults(radius=data.get("radius") or DEFAULT_RADIUS, units=data.get("units") or "mi")
        context["where_html"] = where_html(location_form, valid=True)
        return render(request, "groups/print_list.html", context)

    units = _units(data.get("units"), location, location.time_zone)
    radius = data.get("radius") or DEFAULT_RADIUS
    radius = int(radius) if radius == int(radius) else radius
    filterset.now = now
    radius_km = radius * geo.KM_PER_MILE if units == "mi" else radius
    in_person = filterset.qs.exclude(format=PeerGroup.Format.ONLINE)
    nearest, within = search.near(in_person, location.latitude, location.longitude, radius_km)
    paginator = search.CappedPaginator(nearest, PRINT_LIMIT, count_list=within)
    page = paginator.get_page(1)
    printed = cards.cards(page, now=now, units=units, viewer_zone=None)
    entries = [
        printing.print_entry(
            card.group,
            url=request.build_absolute_uri(card.group.get_absolute_url()),
            distance=card.distance,
            units=units,
        )
        for card in printed
    ]
    shown = params.copy()
    shown.pop("page", None)
    search_url = request.build_absolute_uri(reverse("group_list")) + "?" + shown.urlencode()
    location_form.show_defaults(radius=radius, units=units)
    context.update(
        mode="near",
        location=location,
        radius=radius,
        units=units,
        entries=entries,
        total=paginator.count,
        more_than_cap=paginator.more_than_cap,
        search_url=search_url,
        qr=printing.qr_svg(search_url, label=_("QR code: the up-to-date list on the web")),
        printed_on=_printed_on(now, location.time_zone),
        pdf_available=printing.pdf_engine() is not None,
        pdf_url=reverse("group_print_pdf") + "?" + shown.urlencode(),
        where_html=where_html(location_form, valid=True),
    )
    if as_pdf:
        if refused := _pdf_refused(request):
            return refused
        filename = "dbt-groups-near-" + (slugify(location.label) or "you")
        return _as_pdf(request, "groups/print_list.html", context, filename=filename, country=location.country)
    return render(request, "groups/print_list.html", context)


@require_safe
def flyer(request, slug, *, as_pdf=False):
    """One page for one published group, with a QR code to its page. The same for everyone:
    a private group's flyer says where only as its public page does."""
    now = timezone.now()
    queryset = PeerGroup.objects.published().for_cards(now).select_related(None).with_member_total()
    group = get_object_or_404(queryset, slug=slug)
    url = request.build_absolute_uri(group.get_absolute_url())
    context = {
        "group": group,
        "entry": printing.print_entry(group, url=url, summary=True),
        "qr": printing.qr_svg(url, label=_("QR code: this group's page on the web")),
        "printed_on": _printed_on(now, group.time_zone),
        "crisis_url": _crisis_url(request),
        "pdf_available": printing.pdf_engine() is not None,
    }
    if as_pdf:
        if refused := _pdf_refused(request):
            return refused
        return _as_pdf(
            request, "groups/print_flyer.html", context, filename=f"{group.slug}-flyer", country=group.country
        )
    return render(request, "groups/print_flyer.html", context)
