"""schema.org JSON-LD for a group page, built from public fields only."""

from datetime import datetime

from .models import MeetingTime, PeerGroup

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FREQUENCY = {
    MeetingTime.Recurrence.WEEKLY: "P1W",
    MeetingTime.Recurrence.BIWEEKLY: "P2W",
    MeetingTime.Recurrence.MONTHLY: "P1M",
}


def _schedule(group, meeting):
    schedule = {
        "@type": "Schedule",
        "byDay": f"https://schema.org/{SCHEMA_DAYS[meeting.weekday]}",
        "startTime": meeting.start.strftime("%H:%M"),
        "endTime": meeting.end.strftime("%H:%M"),
        "repeatFrequency": FREQUENCY[meeting.recurrence],
        "scheduleTimezone": group.time_zone,
    }
    first = meeting.first_start()
    if first is not None:
        schedule["startDate"] = first.date().isoformat()  # which weeks, for every other week
    if meeting.recurrence == MeetingTime.Recurrence.MONTHLY:
        if meeting.week_of_month == MeetingTime.WeekOfMonth.LAST:
            # byMonthWeek is 1 to 5 in schema.org: "last" has no number, so it is said in words.
            schedule["description"] = str(meeting.rule_display())
        else:
            schedule["byMonthWeek"] = meeting.week_of_month
    return schedule


def group_jsonld(group, *, url, join_url, upcoming=None):
    """Only what any visitor may see: never the street address, venue or meeting link of a
    private group. `upcoming` is the next meeting, (start, meeting time), as on the page."""
    data = {
        "@context": "https://schema.org",
        "@type": "EventSeries",
        "name": group.name,
        "description": group.description[:500],
        "url": url,
        "inLanguage": group.language,
        "isAccessibleForFree": True,
        "eventAttendanceMode": {
            PeerGroup.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
            PeerGroup.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
            PeerGroup.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
        }[group.format],
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": {"@type": "Organization", "name": group.name, "url": url},
        "eventSchedule": [_schedule(group, m) for m in group.meeting_times.all()],
    }
    if upcoming is not None:
        start, meeting = upcoming
        data["startDate"] = start.isoformat()
        data["endDate"] = datetime.combine(start.date(), meeting.end, tzinfo=start.tzinfo).isoformat()
    locations = []
    if group.meets_in_person:
        address = {
            "@type": "PostalAddress",
            "addressLocality": group.town,
            "addressRegion": group.region,
            "addressCountry": group.country,
        }
        place = {"@type": "Place", "address": address}
        if not group.is_location_private:
            address["streetAddress"] = group.address
            address["postalCode"] = group.postal_code
            if group.venue:
                place["name"] = group.venue
        if group.public_latitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": group.public_latitude,
                "longitude": group.public_longitude,
            }
        locations.append(place)
    if group.meets_online:
        # The page where a person asks to join: the video link itself is shared with members.
        locations.append({"@type": "VirtualLocation", "name": "Online (link shared with members)", "url": join_url})
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
    return data
