"""The next meeting follows each recurrence rule, in the group's own time zone."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from groups.models import MeetingTime, Notice
from tests.conftest import make_group

NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def next_start(group, now):
    return group.meeting_times.get().next_start(now)


@pytest.fixture
def weekly(db):
    return make_group(meetings=[{"weekday": 1, "start": time(19), "end": time(20, 30)}])


def test_weekly_meeting_is_next_tuesday(weekly):
    # Monday 23 Nov 2026, noon in New York.
    now = datetime(2026, 11, 23, 12, tzinfo=NY)
    assert next_start(weekly, now) == datetime(2026, 11, 24, 19, tzinfo=NY)


def test_a_meeting_in_progress_is_still_the_next_one(weekly):
    now = datetime(2026, 11, 24, 19, 30, tzinfo=NY)
    assert next_start(weekly, now) == datetime(2026, 11, 24, 19, tzinfo=NY)


def test_after_the_meeting_ends_it_is_next_week(weekly):
    now = datetime(2026, 11, 24, 20, 31, tzinfo=NY)
    assert next_start(weekly, now) == datetime(2026, 12, 1, 19, tzinfo=NY)


def test_the_group_zone_decides_the_day_not_utc(weekly):
    # 01:00 UTC on Wednesday is still Tuesday 20:00 in New York: the meeting is on.
    now = datetime(2026, 11, 25, 1, tzinfo=UTC)
    assert next_start(weekly, now) == datetime(2026, 11, 24, 19, tzinfo=NY)


def test_every_other_week_counts_from_the_start_date(db):
    group = make_group(
        meetings=[
            {"weekday": 3, "start": time(18), "end": time(19), "recurrence": "biweekly", "starts_on": date(2026, 11, 5)}
        ]
    )
    now = datetime(2026, 11, 13, 12, tzinfo=NY)  # after the 12th (an off week)
    assert next_start(group, now) == datetime(2026, 11, 19, 18, tzinfo=NY)
    now = datetime(2026, 11, 20, 12, tzinfo=NY)
    assert next_start(group, now) == datetime(2026, 12, 3, 18, tzinfo=NY)


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        (1, date(2026, 12, 1)),
        (2, date(2026, 12, 8)),
        (3, date(2026, 12, 15)),
        (4, date(2026, 12, 22)),
        (-1, date(2026, 12, 29)),
    ],
)
def test_nth_and_last_weekday_of_the_month(db, week, expected):
    group = make_group(
        meetings=[{"weekday": 1, "start": time(10), "end": time(11), "recurrence": "monthly", "week_of_month": week}]
    )
    now = datetime(2026, 11, 30, 12, tzinfo=NY)
    assert next_start(group, now).date() == expected


def test_last_weekday_when_the_month_has_four(db):
    group = make_group(
        meetings=[{"weekday": 0, "start": time(10), "end": time(11), "recurrence": "monthly", "week_of_month": -1}]
    )
    # February 2027 has four Mondays; the last is the 22nd.
    assert next_start(group, datetime(2027, 2, 1, 12, tzinfo=NY)).date() == date(2027, 2, 22)


def test_local_time_holds_across_daylight_saving(db):
    group = make_group(meetings=[{"weekday": 6, "start": time(9), "end": time(10)}])
    before = next_start(group, datetime(2026, 10, 30, tzinfo=NY))  # Sun 1 Nov 2026: DST ends
    after = next_start(group, datetime(2026, 11, 2, tzinfo=NY))
    assert before.astimezone(UTC).hour == 14  # 9:00 EST
    assert after.astimezone(UTC).hour == 14
    summer = next_start(group, datetime(2026, 10, 20, tzinfo=NY))
    assert summer.astimezone(UTC).hour == 13  # 9:00 EDT


def test_a_cancelled_date_is_skipped(weekly):
    Notice.objects.create(group=weekly, date=date(2026, 11, 24), text="No meeting", cancels_meeting=True)
    weekly = type(weekly).objects.get(pk=weekly.pk)
    start, _ = weekly.next_meeting(datetime(2026, 11, 23, 12, tzinfo=NY))
    assert start == datetime(2026, 12, 1, 19, tzinfo=NY)


def test_the_earliest_of_several_meeting_times_is_next(db):
    group = make_group(
        meetings=[
            {"weekday": 4, "start": time(19), "end": time(20)},
            {"weekday": 2, "start": time(12), "end": time(13)},
        ]
    )
    start, meeting = group.next_meeting(datetime(2026, 11, 23, 12, tzinfo=NY))
    assert start == datetime(2026, 11, 25, 12, tzinfo=NY)
    assert meeting.weekday == 2


def test_rule_descriptions(db):
    group = make_group(meetings=[])
    cases = [
        (MeetingTime(group=group, weekday=1, start=time(19), end=time(20)), "Every Tuesday"),
        (
            MeetingTime(group=group, weekday=1, start=time(19), end=time(20), recurrence="biweekly"),
            "Every other Tuesday",
        ),
        (
            MeetingTime(group=group, weekday=1, start=time(19), end=time(20), recurrence="monthly", week_of_month=-1),
            "The last Tuesday of the month",
        ),
    ]
    for meeting, text in cases:
        assert str(meeting.rule_display()) == text
