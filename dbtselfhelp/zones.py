"""Time zones as people say them, and the zones worth offering first.

Names come from CLDR through Babel ("Pacific Time", "United Kingdom Time", "hora del Pacífico"),
in the language of the request; the list of canonical zones comes from the pinned tzdata's own
zone1970.tab, so deprecated aliases ("US/Pacific", "GB") are never offered, though a stored one
still works."""

import zoneinfo
from datetime import datetime, timedelta, tzinfo
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone, get_timezone_name
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The zones of the countries the site serves, west to east, offered before all the others.
COMMON_ZONES = [
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Vancouver", "America/Phoenix",
    "America/Denver", "America/Edmonton", "America/Chicago", "America/Regina", "America/Winnipeg",
    "America/New_York", "America/Toronto", "America/Halifax", "America/St_Johns", "Europe/London",
    "Europe/Dublin", "Australia/Perth", "Australia/Darwin", "Australia/Adelaide", "Australia/Brisbane",
    "Australia/Sydney", "Australia/Melbourne", "Australia/Hobart", "Pacific/Auckland",
]  # fmt: skip


@cache
def canonical_zones() -> list[str]:
    """Every current zone in the tzdata release, by name: no backward-compatible aliases."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone1970.tab").read_text(encoding="utf-8")
    names = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return sorted(names | {"UTC"})


def is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def _locale():
    language = translation.get_language() or "en"
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@cache
def _name(zone, locale_name):
    if zone == "UTC":
        return "UTC"
    try:
        tz = get_timezone(zone)
        name = get_timezone_name(tz, width="long", locale=locale_name, zone_variant="generic")
        if "(" in name:  # no generic name, only "United States (Honolulu) Time": the standard one reads better
            name = get_timezone_name(tz, width="long", locale=locale_name, zone_variant="standard")
        return name
    except (LookupError, ValueError):
        return zone.replace("_", " ")


def zone_name(zone: str | tzinfo | None) -> str:
    """'America/Los_Angeles' as people say it in the current language: 'Pacific Time'."""
    if not zone:
        return ""
    return _name(str(zone), str(_locale()))


def city(zone: str | tzinfo) -> str:
    return str(zone).rsplit("/", 1)[-1].replace("_", " ")


def utc_offset_label(zone: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02}" if rest else "")


def zone_choices(*, now: datetime | None = None, current: str = "", empty_label: str | None = None) -> list[Any]:
    """Choices for a zone picker: the common zones first ('Pacific Time — Los Angeles (UTC−8)'),
    then every canonical zone by name. A stored zone that is neither (an old alias) is kept."""
    now = now or datetime.now(zoneinfo.ZoneInfo("UTC"))

    def label(zone):
        return f"{zone_name(zone)} — {city(zone)} ({utc_offset_label(zone, now)})"

    common = [(zone, label(zone)) for zone in COMMON_ZONES]
    others = [(zone, zone.replace("_", " ")) for zone in canonical_zones() if zone not in COMMON_ZONES]
    empty = empty_label or _("Fill in from the location")
    choices = [("", empty), (_("Common time zones"), common), (_("All time zones"), others)]
    if current and current not in COMMON_ZONES and current not in canonical_zones() and is_zone(current):
        choices.insert(1, (current, current))
    return choices


def viewer_zone_name(request: HttpRequest, *, explicit: str = "", fallback: str = "") -> str:
    """The zone to show a visitor times in: one the page was given (a search's `tz`, which the
    browser fills in), else the member's own setting, else a fallback (the searched place's)."""
    if explicit and is_zone(explicit):
        return explicit
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.time_zone and is_zone(user.time_zone):
        return user.time_zone
    return fallback if fallback and is_zone(fallback) else ""
