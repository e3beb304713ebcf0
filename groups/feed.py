"""The Meeting Guide JSON feed of published groups (the format read by the Meeting Guide app,
the 12 Step Meeting List and its meeting finder, tsml-ui): one record per meeting time.

Which groups are in it: those a client can show truthfully. tsml-ui (and the Meeting Guide app)
count a meeting as active only with a street address it may show or a conference link from a
known provider; anything else is listed as "Inactive", which would tell people a group that
meets every week has stopped. A group whose address and meeting link are shared with approved
members only has neither to publish, so such groups (private-location groups, and online-only
groups, whose links are always private) are left out, and the feed's documentation page
(`/groups/feed/`) says so and sends people to the site's own search, where they can ask to join.
Hybrid groups at a public address are in, as in-person meetings whose notes say they are online
too. Type codes come from the specification's own list (`data/meeting_guide_types.json`),
looked up by their names, so no code the spec does not define can appear."""

import gzip
import json
import re
import time
from collections import defaultdict
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from .models import LANGUAGES, MeetingTime, PeerGroup

SPEC_TYPES = json.loads((Path(__file__).parent / "data" / "meeting_guide_types.json").read_text())["types"]
# Our audiences by the spec's name for them (the spec's list has no code for the others).
AUDIENCE_NAMES = {
    "young-adults": "Young People",
    "women": "Women",
    "men": "Men",
    "older-adults": "Seniors",
    "lgbtq": "LGBTQ",
    "bipoc": "People of Color",
}
SLUG = "group-slug"  # stands in for each group's slug in the URLs reversed once
FEED_FIELDS = (
    "name",
    "slug",
    "time_zone",
    "format",
    "location_privacy",
    "wheelchair_accessible",
    "language",
    "updated_at",
    "venue",
    "address",
    "town",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
)
RULES = {
    MeetingTime.Recurrence.BIWEEKLY: "Meets every other week; see the group's page for the dates.",
    MeetingTime.Recurrence.MONTHLY: "Meets once a month; see the group's page for the dates.",
}
WEEKDAY_WORDS = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?\b\.?", re.IGNORECASE)


@memoize
def type_code(english_name):
    """The spec's code for a type, found by its English name; None where the spec has none."""
    return next((code for code, name in SPEC_TYPES.items() if name == english_name), None)


@memoize
def language_codes():
    """Our language codes to the spec's, matched by name ("Spanish" is S, "Korean" is KOR)."""
    from django.utils import translation

    with translation.override("en"):
        return {code: found for code, label in LANGUAGES if (found := type_code(str(label)))}


def feedable(queryset):
    """The published groups a client can show truthfully: at an address anyone may see."""
    return (
        queryset.published()
        .filter(location_privacy=PeerGroup.LocationPrivacy.PUBLIC)
        .exclude(format=PeerGroup.Format.ONLINE)
    )


def feed_name(name):
    """The spec asks for names without the day (clients show the day beside it): "Monday Evening
    Skills" is "Evening Skills". A name that is nothing but days stays as it is."""
    stripped = " ".join(WEEKDAY_WORDS.sub(" ", name).split()).strip(" -–,:")
    return stripped if re.search(r"\w", stripped) else name


def _types(group, audience_slugs):
    types = []
    if group.wheelchair_accessible:
        types.append(type_code("Wheelchair Access"))
    if group.language in language_codes():
        types.append(language_codes()[group.language])
    types.extend(type_code(AUDIENCE_NAMES[slug]) for slug in audience_slugs if slug in AUDIENCE_NAMES)
    return [t for t in types if t]


def _location_fields(group):
    region_and_code = " ".join(p for p in (group.region, group.postal_code) if p)
    fields = {
        "location": group.venue,
        "address": group.address,
        "city": group.town,
        "state": group.region,
        "postal_code": group.postal_code,
        "country": group.country,
        "formatted_address": ", ".join(p for p in (group.address, group.town, region_and_code, group.country) if p),
        "latitude": round(group.latitude, 5) if group.latitude is not None else None,
        "longitude": round(group.longitude, 5) if group.longitude is not None else None,
        "approximate": "no",
    }
    return fields


def _without_empty(record):
    return {key: value for key, value in record.items() if value not in ("", None, [])}


def meeting_guide_records():
    """Every published group's meeting times as feed records, in three queries. At 100,000 groups
    it builds in a few seconds: meeting times and audiences come as plain rows grouped in Python
    (not prefetched managers), and the two URLs are reversed once, not once a group."""
    published = feedable(PeerGroup.objects)
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
            "name": feed_name(group.name)[:255],
            "group": group.name,
            "timezone": group.time_zone,
            "types": _types(group, audiences[group.pk]),
            "updated": group.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
            "url": page_url.replace(SLUG, group.slug),
            **_location_fields(group),
        }
        notes = []
        if group.meets_online:
            join = join_url.replace(SLUG, group.slug)
            notes.append(f"Also online: the video link is shared with members who ask to join at {join}")
        for meeting in meetings[group.pk]:
            record = {
                **base,
                "slug": f"{group.slug}-{meeting['pk']}",
                "day": (meeting["weekday"] + 1) % 7,  # the spec counts from Sunday = 0
                "time": meeting["start"].strftime("%H:%M"),
                "end_time": meeting["end"].strftime("%H:%M"),
            }
            rule = [RULES[meeting["recurrence"]]] if meeting["recurrence"] in RULES else []
            record["notes"] = "\n".join(notes + rule)
            records.append(_without_empty(record))
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
    minutes, so no visitor's request ever has to build it. Always in English, whatever language the
    process or request that builds it is in: the Meeting Guide clients read it as English."""
    with translation.override("en"):
        records = meeting_guide_records()
    body = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()
    compressed = gzip.compress(body, compresslevel=6)
    cache.set(FEED_KEY, (time.time(), compressed), None)
    return compressed
