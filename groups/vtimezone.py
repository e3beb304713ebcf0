"""VTIMEZONE components (RFC 5545 §3.6.5) in the form every major calendar client reads.

Clients disagree about the compact forms: Thunderbird's ical.js reads only the first value of a
comma-separated RDATE, so one STANDARD component listing every autumn change in one RDATE leaves
it on summer time for the rest of the series. So this writes each transition the zone's data
lists explicitly as a component of its own (one DTSTART, no RDATE), from the calendar's first
event onward, and the rule the zone follows after its last listed transition as a yearly RRULE
(what Outlook and Google write), taken from the POSIX TZ string at the end of the zone's TZif
file. The rule never runs out, so a weekly series is right in 2040 as in 2027.

A rule that fires at an hour outside the day ("M3.4.4/26": Israel's 02:00 on the Friday after the
fourth Thursday of March) cannot be one yearly BYDAY; its changes are then listed as components of
their own too, for LISTED_YEARS after the zone's last listed transition.

The rules are read from the pinned `tzdata` package, the same data `zoneinfo` uses here."""

import re
import struct
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

EPOCH = datetime(1970, 1, 1)
POSIX_RULE = re.compile(r"^M(\d{1,2})\.([1-5])\.([0-6])(?:/(-?\d{1,3})(?::(\d\d))?(?::(\d\d))?)?$")
POSIX_ZONE = re.compile(
    r"^(?P<std><[^>]+>|[A-Za-z]{3,})(?P<stdoff>[+-]?\d{1,2}(?::\d\d){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]{3,})(?P<dstoff>[+-]?\d{1,2}(?::\d\d){0,2})?,(?P<start>[^,]+),(?P<end>[^,]+))?$"
)
ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]  # POSIX counts from Sunday = 0
LISTED_YEARS = 30  # how far ahead a rule that no RRULE can say is written out, change by change


class UnsupportedZone(ValueError):
    """A zone whose future rule this module cannot write as an RRULE (none of the zones the site
    serves): the caller falls back to explicit transitions over a long range."""


@lru_cache(maxsize=64)
def read_tzif(name):
    """(transitions, footer) of a zone: transitions as (utc instant, offset before, offset after,
    abbreviation after, is_dst after), in seconds, from the 64-bit part of its TZif file."""
    data = resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    if data[:4] != b"TZif" or data[4:5] < b"2":
        raise UnsupportedZone(name)

    def counts(at):
        return struct.unpack(">6l", data[at + 20 : at + 44])

    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut  # skip the 32-bit part
    isut, isstd, leap, timecnt, typecnt, charcnt = counts(at)
    at += 44
    times = struct.unpack(f">{timecnt}q", data[at : at + timecnt * 8])
    at += timecnt * 8
    indexes = data[at : at + timecnt]
    at += timecnt
    types = [struct.unpack(">lBB", data[at + i * 6 : at + i * 6 + 6]) for i in range(typecnt)]
    at += typecnt * 6
    chars = data[at : at + charcnt]
    at += charcnt + leap * 12 + isstd + isut
    footer = data[at:].strip(b"\n").decode()

    def abbreviation(index):
        return chars[index : chars.index(b"\0", index)].decode()

    transitions = []
    before = types[0][0]
    for instant, index in zip(times, indexes, strict=True):
        offset, is_dst, abbr = types[index]
        transitions.append((instant, before, offset, abbreviation(abbr), bool(is_dst)))
        before = offset
    return tuple(transitions), footer, (types[0][0], abbreviation(types[0][2]), bool(types[0][1]))


def _posix_offset(text):
    """POSIX offsets count west as positive; returns seconds east of UTC."""
    sign = -1 if not text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _posix_rule(text):
    """(month, week 1-5, weekday Sunday=0, seconds after local midnight) of 'M3.2.0/2'."""
    match = POSIX_RULE.match(text)
    if not match:
        raise UnsupportedZone(text)
    month, week, day, hours, minutes, seconds = match.groups()
    sign = -1 if (hours or "").startswith("-") else 1
    at = sign * (abs(int(hours or 2)) * 3600 + int(minutes or 0) * 60 + int(seconds or 0))
    return int(month), int(week), int(day), at  # `at` may pass the day's ends: "26:00" is 02:00 the next day


def _onset(rule, year):
    """The local wall-clock time at which a POSIX rule fires in a year."""
    month, week, day, at = rule
    first = date(year, month, 1)
    offset = (day - (first.weekday() + 1) % 7) % 7
    day_of_month = 1 + offset + (week - 1) * 7
    if week == 5:
        while True:
            try:
                date(year, month, day_of_month)
                break
            except ValueError:
                day_of_month -= 7
    return datetime(year, month, day_of_month) + timedelta(seconds=at)


def _component(kind, *, start, offset_from, offset_to, name, rrule=None):
    component = TimezoneDaylight() if kind == "daylight" else TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", timedelta(seconds=offset_from))
    component.add("tzoffsetto", timedelta(seconds=offset_to))
    component.add("tzname", name)
    if rrule:
        component.add("rrule", rrule)
    return component


def vtimezone(name, *, since: datetime):
    """The VTIMEZONE for zone `name`, right for every instant from `since` (aware) onward."""
    transitions, footer, _ = read_tzif(name)
    opening_at = (since - timedelta(days=366)).astimezone(ZoneInfo(name)).replace(microsecond=0)
    since_utc = int((opening_at.astimezone(UTC).replace(tzinfo=None) - EPOCH).total_seconds())
    tz = Timezone()
    tz.add("tzid", name)
    # The offset in force when the calendar begins, a year before its first event.
    offset = int(opening_at.utcoffset().total_seconds())
    tz.add_component(
        _component(
            "daylight" if opening_at.dst() else "standard",
            start=opening_at.replace(tzinfo=None),
            offset_from=offset,
            offset_to=offset,
            name=opening_at.tzname(),
        )
    )
    for instant, before, after, abbr, is_dst in transitions:
        if instant <= since_utc:
            continue
        local = EPOCH + timedelta(seconds=instant + before)  # wall clock just before the change
        tz.add_component(
            _component(
                "daylight" if is_dst else "standard", start=local, offset_from=before, offset_to=after, name=abbr
            )
        )
    _add_future_rule(tz, footer, after_utc=max(transitions[-1][0] if transitions else since_utc, since_utc))
    return tz


def _add_future_rule(tz, footer, *, after_utc):
    """The yearly rule from the TZ string, starting with its first firing after the last listed
    transition. A zone without daylight saving needs nothing: its last offset holds."""
    match = POSIX_ZONE.match(footer)
    if not match:
        raise UnsupportedZone(footer)
    if not match["dst"]:
        return
    std_offset = _posix_offset(match["stdoff"])
    dst_offset = _posix_offset(match["dstoff"]) if match["dstoff"] else std_offset + 3600
    start_rule, end_rule = _posix_rule(match["start"]), _posix_rule(match["end"])
    as_rrule = all(0 <= rule[3] < 86400 for rule in (start_rule, end_rule))  # else both listed, alike
    year = (EPOCH + timedelta(seconds=after_utc)).year
    for kind, rule, before, after, label in (
        ("daylight", start_rule, std_offset, dst_offset, match["dst"]),
        ("standard", end_rule, dst_offset, std_offset, match["std"]),
    ):
        first = _onset(rule, year)
        while (first - EPOCH).total_seconds() - before <= after_utc:
            first = _onset(rule, first.year + 1)
        month, week, day, _at = rule
        name = label.strip("<>")
        if as_rrule:
            rrule = {"freq": "yearly", "bymonth": month, "byday": f"{-1 if week == 5 else week}{ICAL_DAYS[day]}"}
            tz.add_component(_component(kind, start=first, offset_from=before, offset_to=after, name=name, rrule=rrule))
            continue
        for year_ahead in range(first.year, first.year + LISTED_YEARS):
            tz.add_component(
                _component(kind, start=_onset(rule, year_ahead), offset_from=before, offset_to=after, name=name)
            )
