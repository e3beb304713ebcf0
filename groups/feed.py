"""The Meeting Guide JSON feed of published groups (the format read by the Meeting Guide app
and the 12 Step Meeting List): one record per meeting time. Private locations are reduced to
their town and approximate point, and no meeting link is included: links are shared with
approved members only."""

import gzip
import json
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from .models import MeetingTime, PeerGroup

LANGUAGE_TYPES = {
    "en": "EN", "es": "S", "fr": "FR", "de": "DE", "pt": "POR", "it": "ITA", "pl": "POL", "ru": "RUS",
    "uk": "UK", "hi": "HI", "ja": "JA", "ko": "KOR", "tl": "TL", "ase": "ASL",
}  # fmt: skip
AUDIENCE_TYPES = {"lgbtq": "LGBTQ", "young-adults": "Y", "women": "W", "men": "M", "older-adults": "SEN",
                  "bipoc": "POC"}  # fmt: skip
SLUG = "group-slug"  # stands in for each group's slug in the URLs reversed once
FEED_FIELDS = ("name", "slug", "time_zone", "format", "location_privacy", "wheelchair_accessible", "language",
               "updated_at", "venue", "address", "town", "region", "postal_code", "country", "latitude",
               "longitude", "public_latitude", "public_longitude")  # fmt: skip
RULES = {
    MeetingTime.Recurrence.BIWEEKLY: "Meets every other week; see the group's page for the dates.",
    MeetingTime.Recurrence.MONTHLY: "Meets once a month; see the group's page for the dates.",
}


def _types(group, audience_slugs):
    types = ["C" if group.is_location_private else "O"]
    if group.meets_online:
        types.append("ONL")
    if group.wheelchair_accessible:
        types.append("X")
    if group.language in LANGUAGE_TYPES:
        types.append(LANGUAGE_TYPES[group.language])
    types.extend(AUDIENCE_TYPES[slug] for slug in audience_slugs if slug in AUDIENCE_TYPES)
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
    """Every published group's meeting times as feed records, in three queries. At 100,000 groups
    it builds in a few seconds: meeting times and audiences come as plain rows grouped in Python
    (not prefetched managers), and the two URLs are reversed once, not once a group."""
    published = PeerGroup.objects.published()
    audiences = defaultdict(list)
    through = PeerGroup.audiences.through.objects.filter(peergroup__in=published)
    for group_id, slug in through.values_list("peergroup_id", "audience__slug").order_by("audience__slug"):
        audiences[group_id].append(slug)
    meetings = defaultdict(list)
    rows = MeetingTime.objects.filter(group__in=published).order_by("weekday", "start", "pk")
    for row in rows.values("pk", "group_id", "weekday", "start", "end", "recurrence"):
        meetings[row["group_id"]].append(row)
    page_url = settings.SITE_URL + reverse("group_detail", args=[SLUG])
    join_url = settings.SITE_URL + reverse("group_join", args=[SLUG])
    records = []
    for group in published.only(*FEED_FIELDS).order_by("pk").iterator(chunk_size=5000):
        base = {
            "name": group.name[:255],
            "group": group.name,
            "timezone": group.time_zone,
            "types": _types(group, audiences[group.pk]),
            "updated": group.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
            "url": page_url.replace(SLUG, group.slug),
            **_location_fields(group),
        }
        if group.meets_online:
            join = join_url.replace(SLUG, group.slug)
            base["conference_url_notes"] = f"The meeting link is shared with approved members: ask to join at {join}"
        for meeting in meetings[group.pk]:
            record = {
                **base,
                "slug": f"{group.slug}-{meeting['pk']}",
                "day": (meeting["weekday"] + 1) % 7,  # the spec counts from Sunday = 0
                "time": meeting["start"].strftime("%H:%M"),
                "end_time": meeting["end"].strftime("%H:%M"),
            }
            if meeting["recurrence"] in RULES:
                record["notes"] = RULES[meeting["recurrence"]]
            records.append(record)
    return records


FEED_KEY = "feed:meeting-guide"
FRESH_SECONDS = 600  # a copy this young is served as it is
BUILD_LOCK_SECONDS = 120  # longer than a build takes at 100,000 groups (about 6 s)


def meeting_guide_feed_gzip():
    """The feed as gzip-compressed JSON, or None while its first copy is being built.

    It is kept in the cache with the time it was built (gzip: 6 MB rather than 60 at 100,000
    groups). When it is older than FRESH_SECONDS one process rebuilds it, holding a lock in the
    cache, while the others go on serving the copy they have, so many requests never build it
    at once. With the cache unreachable, each request builds it: slow, but the feed stays up."""
    lock = f"{FEED_KEY}:building"
    kept = cache.get(FEED_KEY)
    if kept is not None and kept[0] > time.time() - FRESH_SECONDS:
        return kept[1]
    if not cache.add(lock, 1, BUILD_LOCK_SECONDS) and cache.get(lock) is not None:
        return kept[1] if kept is not None else None  # another process is building it
    try:
        return build_meeting_guide_feed()
    finally:
        cache.delete(lock)


def build_meeting_guide_feed():
    """Build the feed now and keep it. `manage.py build_feed` runs this from cron every five
    minutes, so no visitor's request ever has to build it."""
    body = json.dumps(meeting_guide_records(), ensure_ascii=False, separators=(",", ":")).encode()
    compressed = gzip.compress(body, compresslevel=6)
    cache.set(FEED_KEY, (time.time(), compressed), None)
    return compressed
