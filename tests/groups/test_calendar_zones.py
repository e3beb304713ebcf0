"""A group calendar in a zone whose yearly rule is not a plain RRULE: Israel changes its clocks at
"26:00" on the Thursday before the last Sunday of March (02:00 on the Friday) and at 02:00 on the
last Sunday of October. No yearly RRULE can say the first, so the calendar lists each change as
a component of its own, at the wall-clock time before the change as RFC 5545 wants (02:00)."""

from datetime import UTC, date, datetime, timedelta

from django.urls import reverse
from icalendar import Calendar

from tests.conftest import make_group

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def zone_changes(client, group):
    response = client.get(reverse("group_calendar", args=[group.slug]))
    assert response.status_code == 200
    (zone,) = Calendar.from_ical(response.content).walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Jerusalem"
    changes = []
    for part in zone.subcomponents:
        assert "RRULE" not in part and "RDATE" not in part, part.to_ical()
        changes.append((part.name, part.decoded("DTSTART").replace(tzinfo=None), part.decoded("TZOFFSETTO")))
    return changes


def jerusalem_group():
    return make_group(
        name="Jerusalem Skills",
        town="Jerusalem",
        region="",
        postal_code="",
        country="IL",
        latitude=31.778,
        longitude=35.235,
        time_zone="Asia/Jerusalem",
    )


def test_a_zone_without_a_yearly_rule_lists_every_change(client, db, time_machine):
    time_machine.move_to(NOW, tick=False)
    changes = zone_changes(client, jerusalem_group())
    days = {(name, start.date(), offset) for name, start, offset in changes}
    assert ("DAYLIGHT", date(2027, 3, 26), timedelta(hours=3)) in days
    assert ("STANDARD", datetime(2027, 10, 31, 2, 0), timedelta(hours=2)) in changes
    assert ("DAYLIGHT", date(2040, 3, 23), timedelta(hours=3)) in days  # decades ahead too
    assert ("STANDARD", datetime(2040, 10, 28, 2, 0), timedelta(hours=2)) in changes


def test_the_spring_change_is_at_two_in_the_morning(client, db, time_machine):
    time_machine.move_to(NOW, tick=False)
    assert ("DAYLIGHT", datetime(2027, 3, 26, 2, 0), timedelta(hours=3)) in zone_changes(client, jerusalem_group())


def test_a_change_before_midnight_is_written_on_the_day_before(client, db, time_machine):
    """Greenland's rule fires at "-1:00" on the last Sunday of March: 23:00 on the Saturday."""
    time_machine.move_to(NOW, tick=False)
    group = make_group(
        name="Nuuk Skills",
        town="Nuuk",
        region="",
        postal_code="",
        country="GL",
        latitude=64.18,
        longitude=-51.72,
        time_zone="America/Nuuk",
    )
    response = client.get(reverse("group_calendar", args=[group.slug]))
    (zone,) = Calendar.from_ical(response.content).walk("VTIMEZONE")
    changes = {
        (part.name, part.decoded("DTSTART").replace(tzinfo=None), part.decoded("TZOFFSETTO"))
        for part in zone.subcomponents
    }
    assert ("DAYLIGHT", datetime(2040, 3, 24, 23, 0), timedelta(hours=-1)) in changes
    assert ("STANDARD", datetime(2040, 10, 28, 0, 0), timedelta(hours=-2)) in changes
