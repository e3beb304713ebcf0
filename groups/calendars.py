"""iCalendar (RFC 5545) files: one per group, public details only; one per member, with the
private details they are entitled to. Built with the icalendar library.

A subscribed calendar must not churn: each meeting time is one series whose DTSTART is its
first meeting (not the next one at download time), and DTSTAMP, LAST-MODIFIED and SEQUENCE
are the group's calendar revision, which changes only when what the calendar says changes.
Cancellations are EXDATEs. Zones are written by `vtimezone` in the form every client reads."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from .models import MeetingTime, PeerGroup
from .vtimezone import UnsupportedZone, vtimezone

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
REFRESH = timedelta(hours=6)  # how often subscribed calendars are asked to look again


def _rule(meeting):
    day = DAYS[meeting.weekday]
    if meeting.recurrence == MeetingTime.Recurrence.BIWEEKLY:
        return {"freq": "weekly", "interval": 2, "byday": day}
    if meeting.recurrence == MeetingTime.Recurrence.MONTHLY:
        return {"freq": "monthly", "byday": f"{meeting.week_of_month}{day}"}
    return {"freq": "weekly", "byday": day}


def _location(group, *, private):
    if not group.meets_in_person:
        return "Online"
    if group.is_location_private and not private:
        return f"{group.public_place} (the address is shared with approved members)"
    parts = [group.venue, group.full_address]
    return ", ".join(p for p in parts if p)


def _events(group, *, private):
    url = f"{settings.SITE_URL}{group.get_absolute_url()}"
    cancelled = sorted(n.date for n in group.notices.all() if n.cancels_meeting)
    for meeting in group.meeting_times.all():
        start = meeting.first_start()
        if start is None:
            continue
        event = Event()
        event.add("uid", f"{group.slug}-{meeting.pk}@{settings.SITE_URL.split('://')[-1]}")
        event.add("dtstamp", group.calendar_changed_at)
        event.add("last-modified", group.calendar_changed_at)
        event.add("sequence", group.calendar_sequence)
        event.add("summary", group.name)
        event.add("dtstart", start)
        event.add("dtend", datetime.combine(start.date(), meeting.end, tzinfo=group.tz))
        event.add("rrule", _rule(meeting))
        exdates = [
            datetime.combine(day, meeting.start, tzinfo=group.tz)
            for day in cancelled
            if day >= start.date() and meeting.occurs_on(day)
        ]
        if exdates:
            event.add("exdate", exdates)
        event.add("location", _location(group, private=private))
        event.add("url", url)
        description = [group.get_format_display() + ".", url]
        if group.meets_online:
            if private:
                description.append(f"Meeting link: {group.meeting_url}")
            else:
                description.append("The meeting link is shared with approved members.")
        event.add("description", "\n".join(description))
        yield event


def _timezone(name, since):
    try:
        return vtimezone(name, since=since)
    except (UnsupportedZone, FileNotFoundError, ValueError):
        # A zone whose rule is not a plain yearly one: every change listed, each in a component
        # of its own (never a comma-separated RDATE), for thirty years.
        from icalendar import Timezone

        from .models import PeerGroup

        tz = PeerGroup(time_zone=name).tz
        listed = Timezone.from_tzinfo(
            tz, tzid=name, first_date=since.date(), last_date=since.date().replace(year=since.year + 30)
        )
        result = Timezone()
        result.add("tzid", name)
        for component in listed.subcomponents:
            rdates = component.get("rdate", [])
            rdates = rdates if isinstance(rdates, list) else [rdates]  # one RDATE property, or several
            for at in [component.DTSTART] + [d.dt for r in rdates for d in (r.dts if hasattr(r, "dts") else [r])]:
                single = type(component)()
                for key in ("tzoffsetfrom", "tzoffsetto", "tzname"):
                    single.add(key, component.decoded(key) if key != "tzname" else str(component[key]))
                single.add("dtstart", at)
                result.add_component(single)
        return result


def build_calendar(groups: Iterable[PeerGroup], *, name: str, private: bool = False) -> Calendar:
    """Events for the groups' meeting times; `private` only for people entitled to the details."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Groups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    earliest: dict[str, datetime] = {}
    events = []
    for group in groups:
        for event in _events(group, private=private):
            start = event.decoded("dtstart")
            zone = group.time_zone or "UTC"
            earliest[zone] = min(earliest.get(zone, start), start)
            events.append(event)
    for zone, since in sorted(earliest.items()):
        if zone != "UTC":
            calendar.add_component(_timezone(zone, since))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
