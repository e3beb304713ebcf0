"""iCalendar (RFC 5545) files: one per group, public details only; one per member, with the
private details they are entitled to. Built with the icalendar library."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import MeetingTime

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


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


def _events(group, *, private, now):
    url = f"{settings.SITE_URL}{group.get_absolute_url()}"
    cancelled = [n.date for n in group.notices.all() if n.cancels_meeting and n.date >= now.date()]
    for meeting in group.meeting_times.all():
        start = meeting.next_start(now)
        if start is None:
            continue
        event = Event()
        event.add("uid", f"{group.slug}-{meeting.pk}@{settings.SITE_URL.split('://')[-1]}")
        event.add("dtstamp", now)
        event.add("summary", group.name)
        event.add("dtstart", start)
        event.add("dtend", datetime.combine(start.date(), meeting.end, tzinfo=group.tz))
        event.add("rrule", _rule(meeting))
        exdates = [datetime.combine(day, meeting.start, tzinfo=group.tz) for day in cancelled if meeting.occurs_on(day)]
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


def build_calendar(groups, *, name, private=False, now=None):
    """Events for the groups' meeting times; `private` only for people entitled to the details."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Groups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for group in groups:
        for event in _events(group, private=private, now=now):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
