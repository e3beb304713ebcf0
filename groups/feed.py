"""The Meeting Guide JSON feed of published groups (the format read by the Meeting Guide app
and the 12 Step Meeting List): one record per meeting time. Private locations are reduced to
their town and approximate point, and no meeting link is included: links are shared with
approved members only."""

from django.conf import settings
from django.urls import reverse

from .models import MeetingTime, PeerGroup

LANGUAGE_TYPES = {
    "en": "EN", "es": "S", "fr": "FR", "de": "DE", "pt": "POR", "it": "ITA", "pl": "POL", "ru": "RUS",
    "uk": "UK", "hi": "HI", "ja": "JA", "ko": "KOR", "tl": "TL", "ase": "ASL",
}  # fmt: skip
AUDIENCE_TYPES = {"lgbtq": "LGBTQ", "young-adults": "Y", "women": "W", "men": "M", "older-adults": "SEN",
                  "bipoc": "POC"}  # fmt: skip
RULES = {
    MeetingTime.Recurrence.BIWEEKLY: "Meets every other week; see the group's page for the dates.",
    MeetingTime.Recurrence.MONTHLY: "Meets once a month; see the group's page for the dates.",
}


def _types(group):
    types = ["C" if group.is_location_private else "O"]
    if group.meets_online:
        types.append("ONL")
    if group.wheelchair_accessible:
        types.append("X")
    if group.language in LANGUAGE_TYPES:
        types.append(LANGUAGE_TYPES[group.language])
    types.extend(AUDIENCE_TYPES[a.slug] for a in group.audiences.all() if a.slug in AUDIENCE_TYPES)
    return types


def _location_fields(group):
    if not group.meets_in_person:
        place = ", ".join(p for p in (group.town, group.region, group.country) if p)
        fields = {"approximate": "yes"}
        if place:
            fields["formatted_address"] = place
        return fields
    if group.is_location_private:
        return {
            "city": group.town,
            "state": group.region,
            "country": group.country,
            "formatted_address": ", ".join(p for p in (group.town, group.region, group.country) if p),
            "latitude": round(group.public_latitude, 5),
            "longitude": round(group.public_longitude, 5),
            "approximate": "yes",
        }
    return {
        "location": group.venue,
        "address": group.address,
        "city": group.town,
        "state": group.region,
        "postal_code": group.postal_code,
        "country": group.country,
        "formatted_address": ", ".join(
            p for p in (group.address, group.town, group.region, group.postal_code, group.country) if p
        ),  # fmt: skip
        "latitude": round(group.latitude, 5),
        "longitude": round(group.longitude, 5),
        "approximate": "no",
    }


def meeting_guide_records():
    groups = PeerGroup.objects.published().prefetch_related("meeting_times", "audiences").order_by("pk")
    records = []
    for group in groups.iterator(chunk_size=2000):
        url = f"{settings.SITE_URL}{group.get_absolute_url()}"
        base = {
            "name": group.name[:255],
            "group": group.name,
            "timezone": group.time_zone,
            "types": _types(group),
            "updated": group.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
            "url": url,
            **_location_fields(group),
        }
        if group.meets_online:
            join = f"{settings.SITE_URL}{reverse('group_join', args=[group.slug])}"
            base["conference_url_notes"] = f"The meeting link is shared with approved members: ask to join at {join}"
        for meeting in group.meeting_times.all():
            record = {
                **base,
                "slug": f"{group.slug}-{meeting.pk}",
                "day": (meeting.weekday + 1) % 7,  # the spec counts from Sunday = 0
                "time": meeting.start.strftime("%H:%M"),
                "end_time": meeting.end.strftime("%H:%M"),
            }
            if meeting.recurrence in RULES:
                record["notes"] = RULES[meeting.recurrence]
            records.append(record)
    return records
