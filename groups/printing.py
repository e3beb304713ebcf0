"""Outreach in print: what a printed list or flyer may say about a group, its QR code, and its PDF.

Paper leaves the site and cannot be taken back, so what is printed is built here from a group's
public fields alone, the same for everyone who prints it (a facilitator's flyer of their own
private group says no more than a visitor's): a private group's address, venue and meeting link
are never read into a `PrintEntry`. The QR code is drawn from the qrcode package's matrix as an
inline SVG (no image file, no network). PDFs are WeasyPrint's, which may read only the site's own
static files.
"""

import logging
import mimetypes
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import qrcode
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache as shared_cache
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Q
from django.utils import dateformat
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from dbtselfhelp.markdown import render_markdown
from dbtselfhelp.zones import zone_name

from .geocoding import _country_codes, normalise
from .models import Place

logger = logging.getLogger(__name__)

FLYER_WORDS = 70  # of the description: enough to say what a meeting is like, short enough for one page
TIME_FORMAT = "g:i A"


@dataclass
class PrintEntry:
    """One group as paper shows it: only what its public page shows to a visitor."""

    name: str
    url: str
    format_label: str
    language_label: str = ""
    schedule: list[str] = field(default_factory=list)
    zone_label: str = ""
    where: list[str] = field(default_factory=list)  # lines of the place: the address, or only the town
    where_note: str = ""  # "Address shared with members who ask to join."
    online_note: str = ""
    status_note: str = ""
    open_to_new: bool = True
    step_free: bool = False
    distance: str = ""
    contact_name: str = ""
    summary: str = ""


def print_entry(group, *, url, distance=None, units="", summary=False):
    """What may be printed about `group` (published, its meeting times loaded), with `url` its page.
    `distance` is the search's rounded distance, already "about" for private groups."""
    entry = PrintEntry(
        name=group.name,
        url=url,
        format_label=group.get_format_display(),
        language_label=group.get_language_display() if group.language != "en" else "",
        zone_label=zone_name(group.time_zone),
        contact_name=group.contact_name,
        step_free=group.wheelchair_accessible,
    )
    for meeting in group.meeting_times.all():
        entry.schedule.append(
            _("%(rule)s, %(start)s to %(end)s")
            % {
                "rule": meeting.rule_display(),
                "start": dateformat.time_format(meeting.start, TIME_FORMAT),
                "end": dateformat.time_format(meeting.end, TIME_FORMAT),
            }
        )
    if group.meets_in_person:
        if group.is_location_private:
            entry.where = [group.public_place] if group.public_place else []
            entry.where_note = _("Address shared with members who ask to join.")
        else:
            town = " ".join(part for part in (group.public_place, group.postal_code) if part)
            entry.where = [line for line in (group.venue, group.address, town) if line]
    if group.meets_online:
        entry.online_note = _("Online: the meeting link is shared with members who ask to join.")
    member_total = getattr(group, "member_total", None)
    full = group.capacity is not None and (member_total if member_total is not None else group.member_count()) >= (
        group.capacity
    )
    if not group.accepting_new_members:
        entry.status_note, entry.open_to_new = _("Not taking new members at the moment."), False
    elif full:
        entry.status_note, entry.open_to_new = _("Full at the moment."), False
    else:
        entry.status_note = _("Taking new members.")
    if distance is not None:
        about = _("about") + " " if group.is_location_private else ""
        entry.distance = f"{about}{distance:g} {units}"
    if summary:
        text = " ".join(strip_tags(render_markdown(group.description)).split())
        entry.summary = Truncator(text).words(FLYER_WORDS, truncate="…")
    return entry


def qr_svg(data, *, label):
    """`data` as a QR code, an inline SVG labelled for screen readers. Drawn from the matrix so the
    markup is ours: no style attributes (the CSP), one path, dark modules on a white square."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    path = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    return format_html(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        'aria-label="{label}" shape-rendering="crispEdges"><title>{label}</title>'
        '<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>',
        size=size,
        label=label,
        path=path,
    )


# Where an endorser practises: the profile names a region ("NY", "Illinois", "England"), not a town.

REGION_TTL = 24 * 3600


def region_centre(region):
    """A town to centre a printed list on for a region or country as people write it: its biggest
    place in the gazetteer, as a label the geocoder reads back ("New York, NY", "London, England").
    "" when the region is unknown. The geocoder itself would read "IL" as a town in Kenya."""
    wanted = normalise(region)
    if not wanted:
        return ""
    key = "print:region:" + wanted.replace(" ", "_")
    label = shared_cache.get(key)
    if label is None:
        label = _biggest_place_label(wanted, region.strip())
        shared_cache.set(key, label, REGION_TTL)
    return label


def _biggest_place_label(wanted, typed):
    places = Place.objects.only("name", "region_code", "region_name", "country_code").order_by("-population")
    country = _country_codes().get(wanted) or (typed.upper() if len(typed) == 2 and typed.isalpha() else "")
    in_region = places.filter(Q(region_code__iexact=typed) | Q(region_name__iexact=typed)).first()
    in_country = places.filter(country_code=country).first() if country else None
    place = in_region or in_country
    return place.label if place else ""


# PDF: WeasyPrint, if it and its system libraries (Pango) are there.


@cache
def pdf_engine():
    """WeasyPrint's HTML class, or None when it cannot be loaded (the print stylesheet still works)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango or its friends are missing
        logger.warning("PDF downloads are off: WeasyPrint cannot be loaded (%s)", type(error).__name__)
        return None
    return HTML


def _static_fetcher():
    """WeasyPrint's resource loader, limited to the site's own static files (the page's
    stylesheets) and data: URLs. Anything else is refused, so a PDF never opens a connection."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = urlsplit(url).path
            static = "/" + settings.STATIC_URL.lstrip("/")
            if not path.startswith(static):
                raise URLFetchingError("not one of the site's static files")
            name = path[len(static) :]
            try:
                found = staticfiles_storage.path(name) if staticfiles_storage.exists(name) else finders.find(name)
            except SuspiciousFileOperation:  # "../" out of the static files
                found = None
            if not found:
                raise URLFetchingError("no such static file")
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnly(allowed_protocols={"http", "https", "data"})


def render_pdf(html, *, base_url, paper):
    """The page as a PDF, on `paper` ("letter" or "A4"), with the print stylesheet."""
    engine = pdf_engine()
    from weasyprint import CSS

    page_size = CSS(string=f"@page {{ size: {paper}; }}")
    document = engine(string=html, base_url=base_url, url_fetcher=_static_fetcher())
    return document.write_pdf(stylesheets=[page_size])


LETTER_COUNTRIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"}


def paper_for(country):
    return "letter" if country in LETTER_COUNTRIES else "A4"
