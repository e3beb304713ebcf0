"""The demo data does not contradict itself: what a group's name says of its day and time of day,
and what its description and access notes say of a room, fit how and when it meets."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from groups.demo import load_demo_groups
from groups.models import PeerGroup

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ROOM_WORDS = re.compile(r"hearing loop in the room|step-free|car park|tea and coffee|arrive a few minutes early", re.I)


@pytest.fixture
def demo(db):
    call_command("load_places", countries="US,GB,CA,AU", min_population=15000, stdout=StringIO(), stderr=StringIO())
    load_demo_groups()
    return list(PeerGroup.objects.prefetch_related("meeting_times"))


def test_a_time_of_day_in_a_name_is_when_the_group_meets(demo):
    named = 0
    for group in demo:
        match = re.search(r"\b(Morning|Afternoon|Evening)\b", group.name)
        if not match:
            continue
        named += 1
        for meeting in group.meeting_times.all():
            hour = meeting.start.hour
            actual = "Morning" if hour < 12 else "Afternoon" if hour < 17 else "Evening"
            assert actual == match[1], f"{group.name} meets at {meeting.start}"
    assert named > 5


def test_a_day_in_a_name_is_the_day_the_group_meets(demo):
    named = 0
    for group in demo:
        days = [day for day in DAYS if re.search(rf"\b{day}s?\b", group.name)]
        if not days:
            continue
        named += 1
        assert {DAYS[m.weekday] for m in group.meeting_times.all()} == set(days), group.name
    assert named > 5


def test_an_online_group_says_nothing_of_a_room(demo):
    online = [group for group in demo if group.format == PeerGroup.Format.ONLINE]
    assert len(online) > 20
    for group in online:
        assert not ROOM_WORDS.search(group.accessibility_notes), (group.name, group.accessibility_notes)
        assert not ROOM_WORDS.search(group.description), (group.name, group.description)
        assert not group.wheelchair_accessible, group.name
        assert not group.venue and not group.address, group.name


def test_an_in_person_group_says_nothing_of_online_meetings(demo):
    for group in demo:
        if group.format == PeerGroup.Format.IN_PERSON:
            assert "online" not in group.accessibility_notes.lower(), (group.name, group.accessibility_notes)
            assert not group.meeting_url, group.name


def test_step_free_access_in_the_notes_is_ticked_as_accessible(demo):
    for group in demo:
        if "step-free" in group.accessibility_notes.lower():
            assert group.wheelchair_accessible, group.name
