"""The site's calendars as real clients read them: Thunderbird's ical.js and node-ical (run with
Node from tests/js, installed by `make test`) and Python's icalendar with recurring-ical-events.
Every occurrence over 400 days must be the instant the site itself computes, in zones with
northern and southern daylight saving, none, and rules that changed in 2026."""

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import recurring_ical_events
from django.urls import reverse
from icalendar import Calendar

from groups.models import MeetingTime, Notice, PeerGroup
from tests.conftest import make_group

JS = Path(__file__).resolve().parent.parent / "js"
FROM = datetime(2026, 12, 1, tzinfo=UTC)
TO = FROM + timedelta(days=400)
CREATED = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the series begin before the window, in summer

ZONES = [
    ("London", "Europe/London", [{"weekday": 1, "start": time(19), "end": time(20, 30)}]),
    (
        "Sydney",
        "Australia/Sydney",
        [
            {"weekday": 3, "start": time(18, 30), "end": time(20)},
            {"weekday": 5, "start": time(10), "end": time(11), "recurrence": "monthly", "week_of_month": -1},
        ],
    ),
    (
        "New York",
        "America/New_York",
        [{"weekday": 0, "start": time(12), "end": time(13), "recurrence": "biweekly", "starts_on": date(2026, 6, 8)}],
    ),
    (
        "Phoenix",
        "America/Phoenix",
        [{"weekday": 2, "start": time(7), "end": time(8), "recurrence": "monthly", "week_of_month": 2}],
    ),
    ("Vancouver", "America/Vancouver", [{"weekday": 6, "start": time(16), "end": time(17, 30)}]),
    # Israel's spring change is at 02:00 on a Friday ("26:00" on the Thursday), which no yearly
    # RRULE can say: the zone's changes are listed one by one (groups/vtimezone.py).
    ("Jerusalem", "Asia/Jerusalem", [{"weekday": 4, "start": time(10), "end": time(11, 30)}]),
]


def node_available():
    return shutil.which("node") and (JS / "node_modules" / "ical.js").exists()


@pytest.fixture
def calendars(client, db, tmp_path):
    """Each town's group's public calendar, written to a file as a calendar app would save it."""
    files = {}
    for town, zone, meetings in ZONES:
        group = make_group(name=f"{town} Skills", town=town, time_zone=zone, meetings=meetings)
        MeetingTime.objects.filter(group=group).update(created_at=CREATED)
        first = group.meeting_times.order_by("pk").first()
        cancelled = first.next_start(datetime(2027, 3, 1, tzinfo=UTC))  # one meeting in the window is off
        Notice.objects.create(group=group, date=cancelled.date(), text="No meeting", cancels_meeting=True)
        response = client.get(reverse("group_calendar", args=[group.slug]))
        assert response.status_code == 200
        path = tmp_path / f"{group.slug}.ics"
        path.write_bytes(response.content)
        files[str(path)] = PeerGroup.objects.get(pk=group.pk)
    return files


def site_occurrences(group):
    """What the site itself says: each meeting's starts in the window, cancellations skipped."""
    skip = {n.date for n in group.notices.filter(cancels_meeting=True)}
    found = {}
    for meeting in group.meeting_times.all():
        starts, at = [], FROM
        while (start := meeting.next_start(at, skip=skip)) is not None and start <= TO:
            starts.append(start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
            at = datetime.combine(start.date(), meeting.end, tzinfo=group.tz) + timedelta(minutes=1)
        found[f"{group.slug}-{meeting.pk}"] = starts
    return found


def by_uid(found):
    return {uid.split("@")[0]: starts for uid, starts in found.items()}


@pytest.mark.skipif(not node_available() and not os.environ.get("CI"), reason="run `make js-clients` (needs npm)")
def test_ical_js_and_node_ical_see_every_meeting_where_the_site_does(calendars):
    out = subprocess.run(
        ["node", str(JS / "expand.mjs"), FROM.isoformat(), TO.isoformat(), *calendars],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result = json.loads(out.stdout)
    for path, group in calendars.items():
        expected = site_occurrences(group)
        assert sum(len(v) for v in expected.values()) > 10, group.name
        assert by_uid(result[path]["ical.js"]) == expected, f"ical.js, {group.time_zone}"
        if group.time_zone == "America/Vancouver":
            # node-ical takes IANA zones from Node's own ICU data (2025c on Node 20), which still
            # has British Columbia falling back to UTC-8 in November 2026: it reads our file
            # right only until then. ical.js reads the file's VTIMEZONE and is right throughout.
            until = "2026-11-01"
            cut = {k: [s for s in v if s < until] for k, v in expected.items()}
            got = {k: [s for s in v if s < until] for k, v in by_uid(result[path]["node-ical"]).items()}
            assert got == cut
            continue
        assert by_uid(result[path]["node-ical"]) == expected, f"node-ical, {group.time_zone}"


def test_pythons_icalendar_sees_every_meeting_where_the_site_does(calendars):
    for path, group in calendars.items():
        calendar = Calendar.from_ical(Path(path).read_bytes())
        found = {}
        for event in recurring_ical_events.of(calendar).between(FROM, TO):
            start = event.decoded("dtstart").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            found.setdefault(str(event["uid"]).split("@")[0], []).append(start)
        assert {k: sorted(v) for k, v in found.items()} == site_occurrences(group), group.time_zone


def test_the_site_computes_the_2026_rules_for_vancouver(calendars):
    """Spot check by hand: Sunday 6 December 2026, 16:00 in Vancouver is 23:00 UTC (UTC-7 all year)."""
    group = next(g for g in calendars.values() if g.time_zone == "America/Vancouver")
    starts = next(iter(site_occurrences(group).values()))
    assert "2026-12-06T23:00:00.000Z" in starts


def test_zones_are_written_without_comma_separated_rdates(calendars):
    for path in calendars:
        text = Path(path).read_text()
        assert "BEGIN:VTIMEZONE" in text
        for line in text.splitlines():
            assert not (line.startswith("RDATE") and "," in line), line
