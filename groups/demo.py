"""Demo and synthetic groups. Coordinates come from the embedded data (ZIP codes and the
gazetteer), never from the network. Deterministic: the same seed gives the same groups."""

import random
import secrets
from datetime import date, time, timedelta

import zipcodes
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lessons.models import SkillModule

from .models import Audience, GroupFacilitator, ListingEvent, MeetingTime, PeerGroup, Place, Report

# (town, region, country, postal code or "", weight). US towns use their ZIP for coordinates.
DEMO_TOWNS = [
    ("New York", "NY", "US", "10027", 14),
    ("Brooklyn", "NY", "US", "11201", 8),
    ("Los Angeles", "CA", "US", "90012", 12),
    ("Chicago", "IL", "US", "60614", 10),
    ("Houston", "TX", "US", "77002", 8),
    ("Phoenix", "AZ", "US", "85004", 6),
    ("Philadelphia", "PA", "US", "19103", 7),
    ("San Antonio", "TX", "US", "78205", 5),
    ("San Diego", "CA", "US", "92101", 6),
    ("Dallas", "TX", "US", "75201", 6),
    ("Austin", "TX", "US", "78701", 6),
    ("San Francisco", "CA", "US", "94103", 7),
    ("Seattle", "WA", "US", "98101", 8),
    ("Portland", "OR", "US", "97205", 8),
    ("Denver", "CO", "US", "80202", 7),
    ("Boston", "MA", "US", "02116", 8),
    ("Washington", "DC", "US", "20001", 7),
    ("Atlanta", "GA", "US", "30303", 6),
    ("Miami", "FL", "US", "33130", 5),
    ("Minneapolis", "MN", "US", "55401", 6),
    ("Detroit", "MI", "US", "48226", 4),
    ("Nashville", "TN", "US", "37203", 4),
    ("Salt Lake City", "UT", "US", "84101", 4),
    ("Kansas City", "MO", "US", "64105", 3),
    ("Columbus", "OH", "US", "43215", 4),
    ("Pittsburgh", "PA", "US", "15222", 4),
    ("Baltimore", "MD", "US", "21201", 4),
    ("Madison", "WI", "US", "53703", 3),
    ("Springfield", "IL", "US", "62701", 2),
    ("Springfield", "MO", "US", "65806", 2),
    ("Albuquerque", "NM", "US", "87102", 3),
    ("Raleigh", "NC", "US", "27601", 3),
    ("Sacramento", "CA", "US", "95814", 3),
    ("New Orleans", "LA", "US", "70112", 3),
    ("Burlington", "VT", "US", "05401", 2),
    ("Ann Arbor", "MI", "US", "48104", 3),
    ("Oakland", "CA", "US", "94612", 4),
    ("St. Louis", "MO", "US", "63101", 3),
    ("Tucson", "AZ", "US", "85701", 3),
    ("London", "England", "GB", "", 8),
    ("Leeds", "England", "GB", "", 4),
    ("Manchester", "England", "GB", "", 4),
    ("Bristol", "England", "GB", "", 3),
    ("Edinburgh", "Scotland", "GB", "", 3),
    ("Toronto", "Ontario", "CA", "", 6),
    ("Vancouver", "British Columbia", "CA", "", 4),
    ("Montréal", "Quebec", "CA", "", 4),
    ("Calgary", "Alberta", "CA", "", 2),
    ("Sydney", "New South Wales", "AU", "", 5),
    ("Melbourne", "Victoria", "AU", "", 5),
    ("Brisbane", "Queensland", "AU", "", 3),
]

TIME_ZONES = {
    "GB": "Europe/London",
    ("CA", "Ontario"): "America/Toronto",
    ("CA", "British Columbia"): "America/Vancouver",
    ("CA", "Quebec"): "America/Toronto",
    ("CA", "Alberta"): "America/Edmonton",
    ("AU", "New South Wales"): "Australia/Sydney",
    ("AU", "Victoria"): "Australia/Melbourne",
    ("AU", "Queensland"): "Australia/Brisbane",
}

NAME_PATTERNS = [
    "{town} DBT Skills Group",
    "{town} Wise Mind Circle",
    "{town} Skills Practice",
    "{day} {part} Skills ({town})",
    "{town} Peer DBT Group",
    "Mindful {day}s, {town}",
    "{town} Radical Acceptance Group",
    "{town} Opposite Action Club",
    "{town} Skills Refresher",
    "{area} DBT Peer Support",
    "{area} Skills Circle",
    "{town} Middle Path Group",
]
AREAS = [
    "Northside",
    "Eastside",
    "Westside",
    "Southside",
    "Riverside",
    "Downtown",
    "Midtown",
    "Harbour",
    "Park",
    "Old Town",
]
VENUES = [
    "Public Library, Meeting Room {n}",
    "Community Centre, Room {n}",
    "Friends Meeting House",
    "Unitarian Church Hall",
    "Wellness Centre, Studio {n}",
    "Neighbourhood House, Room {n}",
    "YMCA, Room {n}",
    "Recovery Café back room",
]
STREETS = [
    "Main Street",
    "Oak Avenue",
    "Church Street",
    "Park Road",
    "High Street",
    "Elm Street",
    "Market Street",
    "Maple Avenue",
    "Station Road",
    "Broadway",
]
DESCRIPTIONS = [
    "A peer-led group for people who have finished a DBT skills program. Each week we check in, review one skill, "
    "and share how practice went.\n\nWe keep it practical and kind. Please arrive a few minutes early.",
    "We work through the modules in order, one skill a week, with a short mindfulness practice to begin. "
    "Members take turns leading.\n\nThis is peer support, not therapy.",
    "A small, steady group. We open with a mindfulness exercise, go over homework, and practice a skill in pairs.\n\n"
    "New members are asked to have completed a DBT program.",
    "Friendly and informal. We focus on using skills in everyday life: work, family and friendships.\n\n"
    "Tea and coffee provided.",
    "A structured skills review group. We use a diary card check-in and role-play interpersonal skills.\n\n"
    "Please let the facilitator know before your first visit.",
]
# What only a room has: never said of a group that meets only online.
IN_ROOM_ONLY = ("Tea and coffee provided", "arrive a few minutes early")
ONLINE_DESCRIPTIONS = [
    "A peer-led group for people who have finished a DBT skills program, meeting on video. Each week we check in, "
    "review one skill, and share how practice went.\n\nCameras on if you can; join from somewhere private.",
    "We work through the modules in order, one skill a week, with a short mindfulness practice to begin. "
    "Members take turns leading.\n\nThis is peer support, not therapy.",
    "A small, steady group. We open with a mindfulness exercise, go over homework, and practise a skill in "
    "breakout rooms.\n\nNew members are asked to have completed a DBT program.",
    "A structured skills review group. We use a diary card check-in and role-play interpersonal skills.\n\n"
    "Please let the facilitator know before your first visit.",
]
# Access notes that fit how a group meets.
ACCESS_NOTES = {
    "in_person": ["", "", "Step-free entrance from the car park.", "Hearing loop in the room."],
    "online": ["", "", "Captions on in every online meeting."],
    "hybrid": [
        "",
        "Step-free entrance from the car park.",
        "Hearing loop in the room; captions on for those joining online.",
    ],
}
LANGUAGE_WEIGHTS = {
    "US": [("en", 88), ("es", 10), ("vi", 1), ("ase", 1)],
    "CA": [("en", 70), ("fr", 30)],
    "GB": [("en", 98), ("bfi", 2)],
    "AU": [("en", 97), ("zh", 3)],
}


def _pick(rng, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _time_zone(town, region, country, postal_code):
    if postal_code:
        return zipcodes.matching(postal_code)[0]["timezone"]
    return TIME_ZONES.get((country, region)) or TIME_ZONES.get(country, "UTC")


def _point(town, region, country, postal_code):
    if postal_code:
        match = zipcodes.matching(postal_code)[0]
        return float(match["lat"]), float(match["long"])
    from .geocoding import locate_listing

    location = locate_listing(town=town, region=region, country=country)
    if location is None:
        raise RuntimeError(f"{town}, {region}, {country} is not in the gazetteer: run load_places first.")
    return location.latitude, location.longitude


def _meetings(rng):
    weekday = rng.randrange(7)
    slot = rng.choices(["morning", "afternoon", "evening"], weights=[2, 2, 6])[0]
    hour = {
        "morning": rng.choice([9, 10, 11]),
        "afternoon": rng.choice([12, 13, 14, 15]),
        "evening": rng.choice([17, 18, 19, 19, 20]),
    }[slot]
    minute = rng.choice([0, 0, 0, 30])
    start = time(hour, minute)
    end = time(min(hour + rng.choice([1, 1, 2]), 23), minute)
    kind = rng.choices(["weekly", "biweekly", "monthly"], weights=[8, 1, 1])[0]
    meeting = {"weekday": weekday, "start": start, "end": end, "recurrence": kind}
    if kind == "biweekly":
        first = date(2026, 1, 5) + timedelta(days=weekday)
        meeting["starts_on"] = first
    if kind == "monthly":
        meeting["week_of_month"] = rng.choice([1, 2, 3, -1])
    meetings = [meeting]
    if rng.random() < 0.12:
        meetings.append(
            {**meeting, "weekday": (weekday + 3) % 7, "recurrence": "weekly", "starts_on": None, "week_of_month": None}
        )
    return meetings


def _facilitator_pool(count):
    User = get_user_model()
    users = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(
            email=f"facilitator{n}@demo.invalid", defaults={"display_name": f"Facilitator {n}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


@transaction.atomic
def load_demo_groups(*, seed=2026, published=320, lead_user=None):
    """The demo data set for `make run`: published groups across real towns, plus pending,
    rejected, archived and draft listings and some open reports. Returns the number made."""
    rng = random.Random(seed)
    modules = list(SkillModule.objects.all())
    audiences = list(Audience.objects.all())
    facilitators = _facilitator_pool(40)
    points = {}
    statuses = (
        [PeerGroup.Status.PUBLISHED] * published
        + [PeerGroup.Status.PENDING] * 6
        + [PeerGroup.Status.REJECTED] * 3
        + [PeerGroup.Status.ARCHIVED] * 4
        + [PeerGroup.Status.DRAFT] * 3
    )
    used_slugs = set(PeerGroup.objects.values_list("slug", flat=True))
    now = timezone.now()
    made = []
    for index, status in enumerate(statuses):
        town, region, country, postal_code, _weight = rng.choices(DEMO_TOWNS, weights=[t[4] for t in DEMO_TOWNS])[0]
        key = (town, region, country)
        if key not in points:
            points[key] = (_point(town, region, country, postal_code), _time_zone(town, region, country, postal_code))
        (lat, lng), zone = points[key]
        group_format = rng.choices(list(PeerGroup.Format), weights=[3, 1, 1])[0]
        private = rng.random() < 0.26 and group_format != PeerGroup.Format.ONLINE
        day_name = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        meetings = _meetings(rng)
        pattern = rng.choice(NAME_PATTERNS)
        if "{day}" in pattern:
            meetings = meetings[:1]  # "Mindful Mondays" meets on Mondays only
        start = meetings[0]["start"]
        part = "Morning" if start.hour < 12 else "Afternoon" if start.hour < 17 else "Evening"
        name = pattern.format(town=town, area=rng.choice(AREAS), day=day_name[meetings[0]["weekday"]], part=part)
        if group_format == PeerGroup.Format.ONLINE:
            name = name.replace(town, f"{town} Online") if town in name else f"{name} (online)"
        slug = base = slugify(name)[:120]
        n = 2
        while slug in used_slugs:
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(slug)
        # Spread groups around the town centre (up to ~8 km), so distances differ.
        glat = lat + rng.uniform(-0.07, 0.07)
        glng = lng + rng.uniform(-0.09, 0.09)
        confirmed_days = rng.choices(
            [rng.randrange(0, 50), rng.randrange(60, 89), rng.randrange(90, 170)], weights=[85, 10, 5]
        )[0]
        notes = rng.choice(ACCESS_NOTES[group_format])
        group = PeerGroup(
            name=name,
            slug=slug,
            description=rng.choice(ONLINE_DESCRIPTIONS if group_format == PeerGroup.Format.ONLINE else DESCRIPTIONS),
            status=status,
            format=group_format,
            language=_pick(rng, LANGUAGE_WEIGHTS[country]),
            module=rng.choice(modules + [None]) if modules else None,
            accessibility_notes=notes,
            wheelchair_accessible=group_format != PeerGroup.Format.ONLINE
            and ("Step-free" in notes or rng.random() < 0.6),
            capacity=rng.choice([None, 8, 10, 12, 15, 20]),
            accepting_new_members=rng.random() < 0.85,
            contact_name=rng.choice(
                ["Sam", "Alex", "Jordan", "Priya", "Maria", "Chen", "Fatima", "Olu", "Rosa", "Kai"]
            ),
            location_privacy=PeerGroup.LocationPrivacy.MEMBERS if private else PeerGroup.LocationPrivacy.PUBLIC,
            venue=rng.choice(VENUES).format(n=rng.randint(1, 9)) if group_format != "online" else "",
            address=f"{rng.randint(10, 2400)} {rng.choice(STREETS)}" if group_format != "online" else "",
            town=town,
            region=region,
            postal_code=postal_code,
            country=country,
            latitude=glat if group_format != "online" else None,
            longitude=glng if group_format != "online" else None,
            location_source="demo",
            meeting_url=f"https://meet.example.org/{secrets.token_hex(6)}" if group_format != "in_person" else "",
            time_zone=zone,
            last_confirmed_at=now - timedelta(days=confirmed_days),
            submitted_at=now - timedelta(days=rng.randrange(1, 30)),
        )
        if status == PeerGroup.Status.REJECTED:
            group.rejection_reason = "Please add the day and room of the meetings to the description."
        group.save()
        for meeting in meetings:
            MeetingTime.objects.create(group=group, **meeting)
        if audiences and rng.random() < 0.45:
            group.audiences.set(rng.sample(audiences, rng.randint(1, 2)))
        lead = lead_user if (lead_user and index < 4) else facilitators[index % len(facilitators)]
        GroupFacilitator.objects.create(group=group, user=lead, role=GroupFacilitator.Role.LEAD)
        if rng.random() < 0.2:
            co = facilitators[(index + 7) % len(facilitators)]
            if co != lead:
                GroupFacilitator.objects.create(group=group, user=co, role=GroupFacilitator.Role.CO)
        if status in (PeerGroup.Status.PUBLISHED, PeerGroup.Status.REJECTED, PeerGroup.Status.ARCHIVED):
            group.review_snapshot = group.snapshot()
            group.reviewed_at = group.submitted_at
            group.save(update_fields=["review_snapshot", "reviewed_at"])
        ListingEvent.objects.create(group=group, action=ListingEvent.Action.CREATED, actor=lead)
        made.append(group)

    published_groups = [g for g in made if g.status == PeerGroup.Status.PUBLISHED]
    reporters = facilitators[-5:]
    for group, reason, text in zip(
        rng.sample(published_groups, 4),
        [Report.Reason.CLOSED, Report.Reason.WRONG, Report.Reason.WRONG, Report.Reason.OTHER],
        [
            "I went twice and nobody was there.",
            "The time says 7pm but it starts at 6:30.",
            "The room has changed.",
            "The description mentions a fee.",
        ],
        strict=True,
    ):
        Report.objects.create(group=group, reporter=rng.choice(reporters), reason=reason, text=text)
    return len(made)


def generate_groups(*, count, seed=1, batch_size=2000, countries=("US", "GB")):
    """Synthetic published groups for benchmarks, spread like the population: towns are drawn
    from the gazetteer weighted by population. Uses bulk inserts; returns the number made."""
    rng = random.Random(seed)
    places = list(
        Place.objects.filter(country_code__in=countries, population__gte=5000).values_list(
            "name", "region_code", "country_code", "latitude", "longitude", "population", "time_zone"
        )
    )
    if not places:
        raise RuntimeError("The gazetteer is empty: run `python manage.py load_places` first.")
    weights = [p[5] for p in places]
    modules = list(SkillModule.objects.values_list("pk", flat=True)) or [None]
    lead, _ = get_user_model().objects.get_or_create(
        email="bench-facilitator@demo.invalid", defaults={"display_name": "Bench Facilitator"}
    )
    made = 0
    now = timezone.now()
    start_index = PeerGroup.objects.count()
    while made < count:
        size = min(batch_size, count - made)
        chosen = rng.choices(places, weights=weights, k=size)
        groups = []
        for offset, (name, region, country, lat, lng, _pop, zone) in enumerate(chosen):
            n = start_index + made + offset
            group_format = rng.choices(["in_person", "online", "hybrid"], weights=[3, 1, 1])[0]
            private = group_format != "online" and rng.random() < 0.2
            group = PeerGroup(
                name=f"{name} Skills Group {n}",
                slug=f"bench-{n}",
                description="A synthetic group for benchmarks.",
                status=PeerGroup.Status.PUBLISHED,
                format=group_format,
                language="en",
                module_id=rng.choice(modules),
                contact_name="Bench",
                location_privacy="members" if private else "public",
                venue="Library" if group_format != "online" else "",
                address=f"{rng.randint(1, 999)} Main Street" if group_format != "online" else "",
                town=name,
                region=region,
                country=country,
                latitude=lat + rng.uniform(-0.05, 0.05) if group_format != "online" else None,
                longitude=lng + rng.uniform(-0.05, 0.05) if group_format != "online" else None,
                meeting_url="https://meet.example.org/bench" if group_format != "in_person" else "",
                time_zone=zone or "UTC",
                accepting_new_members=rng.random() < 0.85,
                last_confirmed_at=now - timedelta(days=rng.randrange(0, 80)),
            )
            group.update_public_point()
            groups.append(group)
        with transaction.atomic():
            created = PeerGroup.objects.bulk_create(groups)
            meetings = []
            for group in created:
                for meeting in _meetings(rng):
                    row = MeetingTime(group=group, **meeting)
                    row.refresh_schedule(now)
                    meetings.append(row)
            MeetingTime.objects.bulk_create(meetings)
            GroupFacilitator.objects.bulk_create(
                [GroupFacilitator(group=group, user=lead, role=GroupFacilitator.Role.LEAD) for group in created]
            )
        made += size
    return made


def sample_places(rng, count):
    """`count` different US and UK towns, as a visitor would type them ("Leeds, England"), drawn
    at random weighted by population, for benchmarks and the load test."""
    candidates = list(
        Place.objects.filter(country_code__in=["US", "GB"], population__gte=20000).values_list(
            "name", "region_code", "region_name", "country_code", "population"
        )
    )
    weights = [c[4] for c in candidates]
    chosen, seen = [], set()
    for name, code, region_name, country, _pop in rng.choices(candidates, weights=weights, k=count * 50):
        if len(chosen) == count:
            break
        label = f"{name}, {code}" if country == "US" else f"{name}, {region_name or 'UK'}"
        if label not in seen:
            seen.add(label)
            chosen.append(label)
    return chosen
