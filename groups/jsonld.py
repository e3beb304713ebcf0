"""schema.org JSON-LD for a group page, built from public fields only."""

from lessons.jsonld import as_script  # noqa: F401 - used by the views through this module

from .models import MeetingTime, PeerGroup

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FREQUENCY = {
    MeetingTime.Recurrence.WEEKLY: "P1W",
    MeetingTime.Recurrence.BIWEEKLY: "P2W",
    MeetingTime.Recurrence.MONTHLY: "P1M",
}


def group_jsonld(group, *, url):
    """Only what any visitor may see: never the street address, venue or meeting link of a private group."""
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
        "eventSchedule": [
            {
                "@type": "Schedule",
                "byDay": f"https://schema.org/{SCHEMA_DAYS[m.weekday]}",
                "startTime": m.start.strftime("%H:%M"),
                "endTime": m.end.strftime("%H:%M"),
                "repeatFrequency": FREQUENCY[m.recurrence],
                "scheduleTimezone": group.time_zone,
            }
            for m in group.meeting_times.all()
        ],
    }
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
        locations.append({"@type": "VirtualLocation", "name": "Online (link shared with members)"})
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
    return data
