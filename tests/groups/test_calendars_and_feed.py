"""Calendars (RFC 5545, parsed back with icalendar) and the Meeting Guide feed, field by field."""

import gzip
import json
import re
import threading
from datetime import date, datetime, time
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups import membership
from groups.models import GroupFacilitator, JoinRequest, MeetingTime, MemberCalendar, Notice
from tests.conftest import make_group, make_user

NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret", "meet.example.org")


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return [c for c in calendar.walk("VEVENT")], calendar


def series_from(group, when):
    """The group's meeting times were added at `when`: their series begin then."""
    MeetingTime.objects.filter(group=group).update(created_at=when)


def test_a_group_calendar_is_a_weekly_event_in_the_groups_zone(client, group):
    series_from(group, datetime(2026, 10, 15, 12, tzinfo=UTC))  # a Thursday
    with mock.patch.object(timezone, "now", return_value=datetime(2026, 12, 20, 12, tzinfo=UTC)):
        found, calendar = events(client.get(reverse("group_calendar", args=[group.slug])))
    assert len(found) == 1
    event = found[0]
    assert str(event["summary"]) == group.name
    start = event.decoded("dtstart")
    assert start == datetime(2026, 10, 20, 19, tzinfo=NY)  # the series' first meeting, not the next one
    assert str(start.tzinfo) == "America/New_York"
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TU"]
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert "127 West 125th Street" in str(event["location"])


def test_calendar_times_hold_across_the_daylight_saving_change(client, group):
    """7 pm stays 7 pm local: 23:00 UTC in October (EDT), 00:00 UTC in November (EST)."""
    series_from(group, datetime(2026, 10, 20, 12, tzinfo=UTC))
    found, _ = events(client.get(reverse("group_calendar", args=[group.slug])))
    event = found[0]
    start = event.decoded("dtstart")
    from dateutil.rrule import rrulestr

    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    october, november = rule[0], rule[2]  # 20 Oct and 3 Nov 2026 (DST ends 1 Nov)
    assert (october.hour, november.hour) == (19, 19)
    assert october.astimezone(UTC).hour == 23
    assert november.astimezone(UTC).hour == 0


def test_cancelled_dates_are_exceptions(client, group):
    series_from(group, datetime(2026, 11, 17, 12, tzinfo=UTC))
    Notice.objects.create(group=group, date=date(2026, 11, 24), text="No meeting", cancels_meeting=True)
    Notice.objects.create(
        group=group, date=date(2026, 11, 26), text="A Thursday, not a meeting day", cancels_meeting=True
    )
    found, _ = events(client.get(reverse("group_calendar", args=[group.slug])))
    exdates = [d.dt for d in found[0]["exdate"].dts]
    assert exdates == [datetime(2026, 11, 24, 19, tzinfo=NY)]


@pytest.mark.parametrize(
    ("meeting", "rule"),
    [
        ({"recurrence": "biweekly", "starts_on": date(2026, 11, 3)}, {"FREQ": ["WEEKLY"], "INTERVAL": [2]}),
        ({"recurrence": "monthly", "week_of_month": -1}, {"FREQ": ["MONTHLY"], "BYDAY": ["-1TU"]}),
        ({"recurrence": "monthly", "week_of_month": 2}, {"FREQ": ["MONTHLY"], "BYDAY": ["2TU"]}),
    ],
)
def test_every_recurrence_becomes_its_rrule(client, db, meeting, rule):
    group = make_group(meetings=[{"weekday": 1, "start": time(19), "end": time(20), **meeting}])
    found, _ = events(client.get(reverse("group_calendar", args=[group.slug])))
    for key, value in rule.items():
        assert found[0]["rrule"][key] == value


def revision(client, group):
    found, _ = events(client.get(reverse("group_calendar", args=[group.slug])))
    event = found[0]
    return event.decoded("dtstamp"), event.decoded("last-modified"), event["sequence"], event.decoded("dtstart")


def test_downloading_again_later_changes_nothing(client, facilitator, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, tzinfo=UTC))
    group = make_group(facilitator)
    first = revision(client, group)
    time_machine.move_to(datetime(2027, 2, 9, 9, tzinfo=UTC))  # months later, many meetings on
    assert revision(client, group) == first
    assert first[3] == datetime(2026, 11, 3, 19, tzinfo=NY)


def test_a_cancellation_and_a_schedule_change_each_make_a_new_revision(client, facilitator, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, tzinfo=UTC))
    group = make_group(facilitator)
    client.force_login(facilitator)
    stamp, _, sequence, _ = revision(client, group)
    time_machine.move_to(datetime(2026, 11, 5, 9, tzinfo=UTC))
    client.post(
        reverse("group_notices", args=[group.slug]),
        {"date": "2026-11-24", "text": "No meeting: Thanksgiving week", "cancels_meeting": "on"},
    )
    after_notice = revision(client, group)
    assert after_notice[0] == after_notice[1] == datetime(2026, 11, 5, 9, tzinfo=UTC)
    assert after_notice[0] > stamp
    time_machine.move_to(datetime(2026, 11, 6, 9, tzinfo=UTC))
    client.post(reverse("group_notices", args=[group.slug]), {"date": "2026-11-20", "text": "Bring a friend"})
    assert revision(client, group) == after_notice  # a notice that cancels nothing changes no event
    time_machine.move_to(datetime(2026, 11, 7, 9, tzinfo=UTC))
    notice = group.notices.get(cancels_meeting=True)
    client.post(reverse("notice_delete", args=[group.slug, notice.pk]))
    after_delete = revision(client, group)
    assert after_delete[0] == datetime(2026, 11, 7, 9, tzinfo=UTC)
    assert sequence < after_notice[2] < after_delete[2]


def test_a_private_groups_calendar_has_no_private_detail(client, private_group):
    response = client.get(reverse("group_calendar", args=[private_group.slug]))
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret
    found, _ = events(response)
    assert "New York, NY" in str(found[0]["location"])


def test_unpublished_groups_have_no_calendar(client, facilitator):
    draft = make_group(facilitator, status="draft")
    assert client.get(reverse("group_calendar", args=[draft.slug])).status_code == 404


def test_a_members_calendar_has_their_groups_with_the_details_they_may_see(client, member, private_group, other_group):
    JoinRequest.objects.create(group=private_group, user=member, status="approved")
    JoinRequest.objects.create(group=other_group, user=member, status="pending")
    client.force_login(member)
    page = client.get(reverse("group_manage")).content.decode()
    url = re.search(r'href="(http[^"]+/groups/calendar/[^"]+\.ics)"', page).group(1)
    client.logout()  # calendar apps fetch without a session
    response = client.get(url.split("testserver", 1)[1])
    found, _ = events(response)
    assert [str(e["summary"]) for e in found] == [private_group.name]
    assert "99 Secret Lane" in str(found[0]["location"])
    assert "quiet-harbour-secret" in str(found[0]["description"])
    assert response["Cache-Control"] == "private, no-store"


def test_resetting_the_calendar_address_kills_the_old_one(client, member):
    client.force_login(member)
    client.get(reverse("group_manage"))
    old = MemberCalendar.objects.get(user=member).token
    client.post(reverse("member_calendar_reset"))
    new = MemberCalendar.objects.get(user=member).token
    assert new != old
    assert client.get(reverse("member_calendar", args=[old])).status_code == 404
    assert client.get(reverse("member_calendar", args=[new])).status_code == 200


def test_an_unknown_calendar_token_is_404(client, db):
    assert client.get(reverse("member_calendar", args=["nope" * 30])).status_code == 404


# --- The Meeting Guide feed -----------------------------------------------------------------

REQUIRED = {
    "name": str,
    "slug": str,
    "day": int,
    "time": str,
    "end_time": str,
    "timezone": str,
    "types": list,
    "updated": str,
    "url": str,
}
SPEC_TYPES = json.loads((Path(__file__).resolve().parents[2] / "groups/data/meeting_guide_types.json").read_text())


def feed(client):
    response = client.get(reverse("meeting_guide_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def shown_as_active_by_tsml_ui(record):
    """tsml-ui's rule (src/helpers/load-meeting-data.ts): a meeting is active when it is in
    person (not approximate, not temporarily closed) or has a conference link or phone."""
    in_person = record.get("approximate") == "no" and "TC" not in record["types"] and record.get("formatted_address")
    return bool(in_person or record.get("conference_url") or record.get("conference_phone"))


def test_the_feed_follows_the_specification_field_by_field(client, group):
    records = feed(client)
    assert len(records) == 1
    record = records[0]
    for field, kind in REQUIRED.items():
        assert isinstance(record[field], kind), field
    assert record["name"] == group.name and len(record["name"]) <= 255
    assert re.fullmatch(r"[a-z0-9-]+", record["slug"]) and len(record["slug"]) <= 64
    assert record["day"] == 2  # Tuesday, counting from Sunday = 0
    assert (record["time"], record["end_time"]) == ("19:00", "20:30")
    assert record["timezone"] == "America/New_York"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", record["updated"])
    assert record["url"].endswith(group.get_absolute_url())
    assert record["types"] == ["EN"]
    assert record["address"] == "127 West 125th Street"
    assert (record["city"], record["state"], record["postal_code"], record["country"]) == (
        "New York",
        "NY",
        "10027",
        "US",
    )
    assert record["formatted_address"] == "127 West 125th Street, New York, NY 10027, US"  # no comma before the ZIP
    assert record["location"] == "Riverside Library, Room 2"
    assert record["approximate"] == "no"
    assert "conference_url" not in record and "conference_url_notes" not in record
    assert "notes" not in record  # empty fields are left out
    assert shown_as_active_by_tsml_ui(record)


def test_every_type_code_is_one_the_specification_defines(client, db):
    from groups.models import Audience

    group = make_group(
        language="es", wheelchair_accessible=True, format="hybrid", meeting_url="https://meet.example.org/h"
    )
    group.audiences.set(Audience.objects.filter(slug__in=["lgbtq", "young-adults", "parents"]))
    record = feed(client)[0]
    assert sorted(record["types"]) == ["LGBTQ", "S", "X", "Y"]
    assert set(record["types"]) <= set(SPEC_TYPES["types"])
    assert "ONL" not in record["types"]  # removed from the spec in 2022


def test_a_name_with_a_weekday_loses_it_in_the_feed(client, db):
    make_group(name="Monday Evening Skills", meetings=[{"weekday": 0, "start": time(18), "end": time(19)}])
    make_group(name="Tuesdays", town="Albany")
    names = sorted(r["name"] for r in feed(client))
    assert names == ["Evening Skills", "Tuesdays"]


def test_a_hybrid_group_says_how_to_get_the_link_without_publishing_it(client, db):
    group = make_group(format="hybrid", meeting_url="https://meet.example.org/secret-hybrid")
    text = client.get(reverse("meeting_guide_feed")).content.decode()
    assert "secret-hybrid" not in text
    record = json.loads(text)[0]
    assert "conference_url" not in record and "conference_url_notes" not in record
    assert "ask to join" in record["notes"] and reverse("group_join", args=[group.slug]) in record["notes"]
    assert shown_as_active_by_tsml_ui(record)


def test_one_record_per_meeting_time_with_unique_slugs(client, db):
    make_group(
        meetings=[{"weekday": 0, "start": time(9), "end": time(10)}, {"weekday": 6, "start": time(9), "end": time(10)}]
    )
    records = feed(client)
    assert sorted(r["day"] for r in records) == [0, 1]  # Sunday and Monday
    assert len({r["slug"] for r in records}) == 2


def test_fortnightly_and_monthly_meetings_say_so_in_their_notes(client, db):
    make_group(
        meetings=[
            {"weekday": 1, "start": time(9), "end": time(10), "recurrence": "monthly", "week_of_month": 2},
            {"weekday": 3, "start": time(9), "end": time(10), "recurrence": "biweekly", "starts_on": date(2026, 11, 5)},
        ]
    )
    notes = sorted(r["notes"] for r in feed(client))
    assert notes == [
        "Meets every other week; see the group's page for the dates.",
        "Meets once a month; see the group's page for the dates.",
    ]


def test_groups_whose_address_or_link_is_private_are_left_out(client, private_group):
    make_group(
        name="Online Only",
        format="online",
        meeting_url="https://meet.example.org/online-secret",
        latitude=None,
        longitude=None,
    )
    make_group(name="Open Door Group", town="Albany")
    text = client.get(reverse("meeting_guide_feed")).content.decode()
    for secret in (*SECRETS, "online-secret"):
        assert secret not in text, secret
    records = json.loads(text)
    assert [r["name"] for r in records] == ["Open Door Group"]
    assert all(shown_as_active_by_tsml_ui(r) for r in records)


def test_the_feed_page_says_what_is_left_out(client, db):
    body = client.get(reverse("feed_about")).content.decode()
    assert "http://testserver/groups/feed.json" in body
    assert "online-only groups" in body and "shared with approved members only" in body


def test_the_feed_lists_only_published_groups(client, facilitator):
    make_group(facilitator, name="Draft one", status="draft")
    make_group(facilitator, name="Archived one", status="archived")
    assert feed(client) == []


def test_the_feed_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    for i in range(15):
        make_group(name=f"Group {i}")
    from django.core.cache import cache

    with django_assert_max_num_queries(3):
        client.get(reverse("meeting_guide_feed"))
    cache.clear()
    for i in range(15, 40):
        make_group(name=f"Group {i}")
    with django_assert_max_num_queries(3):
        assert len(feed(client)) == 40


def test_the_feed_is_cached(client, group, django_assert_num_queries):
    feed(client)
    with django_assert_num_queries(0):
        feed(client)


def test_the_feed_is_compressed_for_clients_that_accept_gzip(client, group):
    response = client.get(reverse("meeting_guide_feed"), headers={"accept-encoding": "gzip, deflate"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content)) == feed(client)


def test_a_stale_feed_is_served_while_another_process_rebuilds_it(client, group, django_assert_num_queries):
    from django.core.cache import cache

    first = feed(client)
    make_group(name="Newer Group")
    built_at, body = cache.get("feed:meeting-guide")
    cache.set("feed:meeting-guide", (built_at - 3600, body), None)  # an hour old
    cache.add("feed:meeting-guide:building", 1, 60)  # another process is rebuilding it
    with django_assert_num_queries(0):
        assert feed(client) == first
    cache.delete("feed:meeting-guide:building")
    assert "Newer Group" in {record["name"] for record in feed(client)}  # rebuilt once the lock is free


def test_while_the_first_copy_is_being_built_the_feed_asks_to_come_back(client, group):
    from django.core.cache import cache

    cache.add("feed:meeting-guide:building", 1, 60)
    response = client.get(reverse("meeting_guide_feed"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "try again in a minute" in json.loads(response.content)["error"]


# --- Capacity under concurrency (PostgreSQL row locks) ----------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_parallel_approvals_for_the_last_seat_leave_the_group_at_capacity(facilitator):
    group = make_group(facilitator, capacity=2)
    JoinRequest.objects.create(group=group, user=make_user("first@example.org", "First"), status="approved")
    a = JoinRequest.objects.create(group=group, user=make_user("a@example.org", "A"))
    b = JoinRequest.objects.create(group=group, user=make_user("b@example.org", "B"))
    co = make_user("co@example.org", "Co")
    GroupFacilitator.objects.create(group=group, user=co, role=GroupFacilitator.Role.CO)  # a second approver
    outcomes = []
    barrier = threading.Barrier(2)

    def approve(request, by):
        from django.db import connections

        try:
            barrier.wait()
            membership.join_request_approve(request=request, by=by)
            outcomes.append("approved")
        except membership.JoinError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a, facilitator)), threading.Thread(target=approve, args=(b, co))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert group.join_requests.approved().count() == 2


def test_connection_vendor_is_known():
    assert connection.vendor in ("sqlite", "postgresql")


def test_a_group_page_offers_to_subscribe_and_to_download(client, group):
    body = client.get(group.get_absolute_url()).content.decode()
    assert f'href="webcal://testserver/groups/calendar/{group.slug}.ics"' in body.replace(
        reverse("group_calendar", args=[group.slug]), f"/groups/calendar/{group.slug}.ics"
    )
    assert f'href="http://testserver{reverse("group_calendar", args=[group.slug])}" download' in body


def test_the_account_page_has_the_members_private_calendar(client, member):
    client.force_login(member)
    body = client.get(reverse("account")).content.decode()
    token = MemberCalendar.objects.get(user=member).token
    path = reverse("member_calendar", args=[token])
    assert f'href="webcal://testserver{path}"' in body
    assert f'value="http://testserver{path}"' in body


def test_resetting_from_the_account_page_comes_back_to_it(client, member):
    client.force_login(member)
    client.get(reverse("account"))
    response = client.post(reverse("member_calendar_reset"), {"next": reverse("account")})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    response = client.post(reverse("member_calendar_reset"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("group_manage")
