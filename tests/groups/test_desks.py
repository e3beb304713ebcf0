"""The facilitator's and the moderator's desks: what the pages say and do."""

import html
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactMessage
from groups import maps
from groups.diffs import listing_changes
from groups.maps import pin_map
from groups.models import FacilitatorInvitation, JoinRequest, ListingEvent, MeetingTime, PeerGroup, Place, Report
from tests.conftest import make_group, make_user
from tests.groups.forms import listing_data


def text(response):
    """The page's words, tags removed and spaces collapsed."""
    body = re.sub(r"<script.*?</script>|<template.*?</template>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- Diffs ----------------------------------------------------------------------------------


def test_a_diff_names_fields_by_label_with_human_values(group):
    before = group.snapshot()
    group.format = PeerGroup.Format.HYBRID
    group.meeting_url = "https://zoom.example.com/j/123"
    group.wheelchair_accessible = True
    group.save()
    MeetingTime.objects.filter(group=group).update(
        recurrence="monthly", week_of_month=2, start=time(18, 30), end=time(20, 15)
    )
    changes = {c.label: c for c in listing_changes(before, group.snapshot(), private_location=False)}
    assert changes["Format"].before == ["In person"]
    assert changes["Format"].after == ["Hybrid (in person and online)"]
    assert changes["When it meets"].before == ["Every Tuesday, 19:00–20:30"]
    assert changes["When it meets"].after == ["The second Tuesday of the month, 18:30–20:15"]
    assert changes["Step-free / wheelchair accessible"].after == ["Yes"]
    link = changes["Meeting link"]
    assert link.private and link.before == [] and link.after == []
    assert "zoom.example.com" in link.note and "/j/123" not in link.note


def test_a_private_groups_address_and_pin_are_said_to_change_never_shown(private_group):
    before = private_group.snapshot()
    private_group.address, private_group.latitude = "100 Other Street", 40.82
    private_group.save()
    changes = {c.label: c for c in listing_changes(before, private_group.snapshot(), private_location=True)}
    for label in ("Street address", "Map pin"):
        assert changes[label].private and not changes[label].before and not changes[label].after, label
    assert "100 Other Street" not in repr(changes) and "99 Secret Lane" not in repr(changes)


def test_a_public_pin_move_says_how_far(group):
    before = group.snapshot()
    group.latitude += 0.001  # about 111 m north
    group.save()
    (change,) = listing_changes(before, group.snapshot(), private_location=False)
    assert change.label == "Map pin"
    assert change.note == "Moved 111 m."


def test_the_review_page_shows_the_diff_as_people_read_it(client, moderator, facilitator, group):
    client.force_login(facilitator)
    data = listing_data(
        name=group.name,
        latitude=str(group.latitude),
        longitude=str(group.longitude),
        time_zone="America/New_York",
        venue=group.venue,
        address=group.address,
    )
    data.update({"group-format": "hybrid", "group-meeting_url": "https://meet.example.org/a"})
    meeting = group.meeting_times.get()
    data.update(
        {
            "meetings-INITIAL_FORMS": "1",
            "meetings-0-id": str(meeting.pk),
            "meetings-0-weekday": "1",
            "meetings-0-start": "18:30",
            "meetings-0-end": "20:15",
            "meetings-0-recurrence": "monthly",
            "meetings-0-week_of_month": "2",
        }
    )
    assert client.post(reverse("group_edit", args=[group.slug]), data).status_code == 302
    client.force_login(moderator)
    page = text(client.get(reverse("moderation_group", args=[group.slug])))
    assert "Format In person Hybrid (in person and online)" in page
    assert "When it meets Every Tuesday, 19:00–20:30 The second Tuesday of the month, 18:30–20:15" in page
    assert "Meeting link A link on meet.example.org was added. Links are private, so not shown." in page
    for raw in ("in_person", "['", "(private) → (private)", "meet.example.org/a"):
        assert raw not in page, raw
    # the listing's history keeps the same words, in each of the site's languages
    event = group.events.filter(action="edited").get()
    assert ["Format", "In person", "Hybrid (in person and online)", False, ""] in event.changes["en"]
    assert ["Formato", "En persona", "Híbrido (en persona y en línea)", False, ""] in event.changes["es"]


def test_the_history_reads_in_its_readers_language_whoever_made_the_change(client, moderator, facilitator, group):
    facilitator.language = "es"
    facilitator.save()
    client.force_login(facilitator)
    data = listing_data(
        name=group.name,
        latitude=str(group.latitude),
        longitude=str(group.longitude),
        time_zone="America/New_York",
        venue=group.venue,
        address=group.address,
    )
    data.update({"group-format": "hybrid", "group-meeting_url": "https://meet.example.org/a"})
    edit, review = reverse("group_edit", args=[group.slug]), reverse("moderation_group", args=[group.slug])
    assert client.post("/es" + edit, data).status_code == 302
    client.force_login(moderator)
    english = text(client.get(review))
    spanish = text(client.get("/es" + review))
    assert "Format : In person → Hybrid (in person and online)" in english
    assert "Formato : En persona → Híbrido (en persona y en línea)" in spanish
    assert "Formato" not in english


# --- The moderator's console -----------------------------------------------------------------


def header_count(response):
    match = re.search(r'href="/moderation/">Moderation <span class="count">(\d+)', response.content.decode())
    return int(match.group(1)) if match else 0


def test_the_header_count_is_the_sum_of_the_queues_and_follows_decisions(client, moderator, facilitator):
    for n in range(2):
        make_group(facilitator, name=f"Pending {n}", status="pending", submitted_at=timezone.now())
    changed = make_group(facilitator, name="Changed")
    PeerGroup.objects.filter(pk=changed.pk).update(has_unreviewed_changes=True)
    Report.objects.create(group=changed, reason="wrong")
    ContactMessage.objects.create(name="Robin", email="robin@example.org", topic="press", message="Hello")
    client.force_login(moderator)
    console = client.get(reverse("moderation"))
    counts = [int(n) for n in re.findall(r'<span class="count">(\d+)</span></a></li>', console.content.decode())]
    assert sum(counts) == 5 and header_count(console) == 5
    client.get(reverse("group_detail", args=["changed"]))  # the count is not kept from an earlier page
    client.post(reverse("moderation_approve", args=["pending-0"]))
    assert header_count(client.get(reverse("group_list"))) == 4


def test_accepting_changes_says_so_and_approving_says_public(client, moderator, facilitator):
    changed = make_group(facilitator, name="Changed")
    PeerGroup.objects.filter(pk=changed.pk).update(has_unreviewed_changes=True)
    make_group(facilitator, name="New one", status="pending", submitted_at=timezone.now())
    client.force_login(moderator)
    accepted = client.post(reverse("moderation_approve", args=["changed"]), follow=True)
    assert "Changes accepted. The listing stays public, as it is now." in text(accepted)
    assert "Approved. The listing is public." not in text(accepted)
    approved = client.post(reverse("moderation_approve", args=["new-one"]), follow=True)
    assert "Approved. The listing is public." in text(approved)


def test_a_moderator_answers_a_report_by_asking_the_facilitators(client, moderator, member, facilitator, group):
    report = Report.objects.create(group=group, reporter=member, reason="wrong", text="The room moved")
    client.force_login(moderator)
    question = "Does the group still meet in Room 2?"
    response = client.post(
        reverse("moderation_report_ask", args=[report.pk]), {f"ask-{report.pk}-question": question}, follow=True
    )
    assert "Your question is sent to the facilitators of Harlem Skills Circle" in text(response)
    event = group.events.get(action=ListingEvent.Action.FACILITATORS_ASKED)
    assert (event.actor, event.note) == (moderator, question)
    sent = mail.outbox[-1]
    assert sent.to == [facilitator.email] and question in sent.body
    assert member.display_name not in sent.body and member.email not in sent.body
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN  # asked, not yet resolved
    client.force_login(facilitator)
    assert f"A moderator asked the facilitators by Mo: {question}" in text(client.get(group.get_absolute_url()))


def test_an_empty_question_sends_nothing(client, moderator, group, member):
    report = Report.objects.create(group=group, reporter=member, reason="wrong")
    client.force_login(moderator)
    response = client.post(
        reverse("moderation_report_ask", args=[report.pk]), {f"ask-{report.pk}-question": " "}, follow=True
    )
    assert "Please write the question to send." in text(response)
    assert not group.events.filter(action="facilitators_asked").exists()
    assert not mail.outbox


def test_contact_messages_have_a_reply_link_with_subject_and_quote(client, moderator):
    ContactMessage.objects.create(
        name="Robin",
        email="robin@example.org",
        topic="press",
        message="May we write about you?",
        created_at=datetime(2026, 11, 7, 12, tzinfo=UTC),
    )
    client.force_login(moderator)
    body = client.get(reverse("moderation_messages")).content.decode()
    href = re.search(r'<a class="button button--small" href="([^"]+)">Reply', body).group(1).replace("&amp;", "&")
    assert href.startswith("mailto:robin@example.org?subject=")
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == ["Re: your message to DBT Self-Help Groups (Press)"]
    assert "On 7 November 2026, Robin wrote:\n> May we write about you?" in query["body"][0]


# --- The facilitator's desk ------------------------------------------------------------------


def test_my_groups_says_what_needs_doing(client, facilitator, member, settings):
    now = timezone.now()
    group = make_group(facilitator, last_confirmed_at=now - timedelta(days=70))
    for n in range(2):
        JoinRequest.objects.create(group=group, user=make_user(f"asker{n}@example.org", f"Asker {n}"))
    FacilitatorInvitation.objects.create(group=group, email="co@example.org", invited_by=facilitator)
    make_group(facilitator, name="Turned Down", status="rejected", rejection_reason="Please add the room number.")
    make_group(facilitator, name="In Review", status="pending", submitted_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    other = make_group(make_user("lee@example.org", "Lee"), name="Lee's Group")
    FacilitatorInvitation.objects.create(group=other, email=facilitator.email)
    client.force_login(facilitator)
    page = text(client.get(reverse("group_manage")))
    assert "5 things need doing" in page
    assert "Harlem Skills Circle: 2 join requests are waiting for an answer. Answer them" in page
    assert "Harlem Skills Circle: Not confirmed for 70 days: is the listing still correct? Yes, still correct" in page
    assert "1 invitation to co-facilitate is not accepted yet." in page
    assert "Turned Down: A moderator did not approve the listing: “Please add the room number.”" in page
    assert "Lee's Group: You are invited to co-facilitate this group. Answer the invitation" in page
    assert "Waiting for a moderator's review since 20 November." in page
    body = client.get(reverse("group_manage")).content.decode()
    for name in ("group_requests", "group_notices", "group_facilitators"):
        assert reverse(name, args=[group.slug]) in body, name


def test_my_groups_shows_the_next_meeting_in_the_groups_zone(client, facilitator, group):
    client.force_login(facilitator)
    page = text(client.get(reverse("group_manage")))
    start = group.next_meeting(timezone.now())[0].astimezone(group.tz)
    assert f"Next meeting {start:%A} {start.day} {start:%B}, 7:00 PM (Eastern Time)" in page


def test_listing_history_is_in_the_viewers_zone_or_the_groups(client, facilitator, group):
    ListingEvent.objects.create(
        group=group, actor=facilitator, action="confirmed", created_at=datetime(2026, 11, 7, 23, 30, tzinfo=UTC)
    )
    client.force_login(facilitator)
    page = text(client.get(group.get_absolute_url()))
    assert "Times in Eastern Time (America/New_York)." in page
    assert "7 Nov 2026, 18:30 Confirmed as still correct" in page
    facilitator.time_zone = "Europe/London"
    facilitator.save()
    page = text(client.get(group.get_absolute_url()))
    assert "7 Nov 2026, 23:30 Confirmed as still correct" in page
    assert "Times in British Time (Europe/London)." in page


def test_the_form_offers_blank_rows_for_several_meetings_without_script(client, facilitator, group):
    client.force_login(facilitator)
    body = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert 'name="meetings-TOTAL_FORMS" value="4"' in body  # the saved one and three blank
    data = listing_data(
        name=group.name,
        latitude=str(group.latitude),
        longitude=str(group.longitude),
        time_zone="America/New_York",
        venue=group.venue,
        address=group.address,
    )
    meeting = group.meeting_times.get()
    data.update(
        {
            "meetings-TOTAL_FORMS": "4",
            "meetings-INITIAL_FORMS": "1",
            "meetings-0-id": str(meeting.pk),
            "meetings-0-weekday": "1",
            "meetings-0-start": "19:00",
            "meetings-0-end": "20:30",
            "meetings-0-recurrence": "weekly",
        }
    )
    for i, day in ((1, "3"), (2, "5")):
        data.update(
            {
                f"meetings-{i}-weekday": day,
                f"meetings-{i}-start": "10:00",
                f"meetings-{i}-end": "11:00",
                f"meetings-{i}-recurrence": "weekly",
            }
        )
    data.update(
        {"meetings-3-weekday": "", "meetings-3-start": "", "meetings-3-end": "", "meetings-3-recurrence": "weekly"}
    )
    assert client.post(reverse("group_edit", args=[group.slug]), data).status_code == 302
    assert sorted(group.meeting_times.values_list("weekday", flat=True)) == [1, 3, 5]


def test_errors_are_summed_up_and_tied_to_their_fields(client, facilitator):
    client.force_login(facilitator)
    data = listing_data(meetings=[{"weekday": "1", "start": "19:00", "end": "20:00", "recurrence": "monthly"}])
    response = client.post(reverse("group_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is 1 problem to fix" in text(response)
    assert '<a href="#id_meetings-0-week_of_month">Meeting 1, Which week of the month: Choose which week' in body
    select = re.search(r'<select name="meetings-0-week_of_month"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_meetings-0-week_of_month_helptext id_meetings-0-week_of_month_error"' in select
    # the error sits in the field's own block, right after its input
    block = re.search(r'<div class="field field--error js-for-monthly".*?</div>\s*<ul[^>]*>(.*?)</ul>', body, re.S)
    assert block and "Choose which week of the month." in block.group(1)
    assert 'id="id_meetings-0-week_of_month_error"' in body
    assert not PeerGroup.objects.exists()


def test_the_pin_map_is_drawn_offline_around_the_pin(client, facilitator, group):
    client.force_login(facilitator)
    body = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert "data-pin-map" in body and 'data-lat="40.811600"' in body and 'data-lng="-73.955000"' in body
    assert "tile" not in body.split("data-pin-map")[1].split("</figure>")[0]
    assert "The pin is at 40.81160, -73.95500." in text(client.get(reverse("group_edit", args=[group.slug])))


def test_the_pin_map_projects_places_around_the_pin(db, monkeypatch):
    monkeypatch.setattr(maps._town_rows, "get", lambda key: None)  # the towns of this test, not a kept copy
    for geonameid, name, latitude in [(1, "Near", 51.505), (2, "Far", 52.5)]:
        Place.objects.create(
            geonameid=geonameid,
            name=name,
            search_name=name.lower(),
            country_code="GB",
            latitude=latitude,
            longitude=-0.12,
            population=50_000,
            time_zone="Europe/London",
        )
    drawn = pin_map(51.5, -0.12)
    assert drawn.towns == ["Near"]  # 111 km north is far outside a map 4 km across
    # 0.005 degrees of latitude is 556 m; the map is 640 units for 4 km, 160 a km: 89 units above the pin
    dot = re.search(r'<g class="svg-map__town"><circle cx="([\d.]+)" cy="([\d.]+)"', drawn.html)
    assert float(dot.group(1)) == 320.0 and float(dot.group(2)) == pytest.approx(180 - 89, abs=1)
    # and back: a click 90 units north of the pin is 562 m north of it, 0.00506 degrees
    assert 90 * drawn.degrees_per_unit_lat == pytest.approx(0.5625 / 111.2, rel=0.001)
    assert pin_map(None, None) is None


def test_a_private_groups_map_marks_what_the_public_sees(client, facilitator, private_group):
    client.force_login(facilitator)
    assert "What the public sees" in client.get(reverse("group_edit", args=[private_group.slug])).content.decode()


def test_leaving_and_removing_ask_first(client, facilitator, member, group):
    request = JoinRequest.objects.create(group=group, user=member, status="approved", decided_at=timezone.now())
    client.force_login(member)
    page = text(client.get(group.get_absolute_url()))
    assert "Leave this group Leave Harlem Skills Circle? You will no longer see its address" in page
    assert "Yes, leave the group" in page
    client.force_login(facilitator)
    page = text(client.get(reverse("group_requests", args=[group.slug])))
    assert "Remove Alice from Harlem Skills Circle? They will no longer see" in page and "Yes, remove Alice" in page
    request.refresh_from_db()
    assert request.status == "approved"


def test_the_calendar_address_has_a_copy_button(client, member, group):
    JoinRequest.objects.create(group=group, user=member, status="approved", decided_at=timezone.now())
    client.force_login(member)
    body = client.get(reverse("group_manage")).content.decode()
    assert 'data-copy="calendar-address"' in body and "js/copy.js" in body


# --- Reporting a listing, signed out -----------------------------------------------------------


def test_someone_signed_out_can_report_a_listing(client, moderator, group):
    page = client.get(reverse("group_report", args=[group.slug]))
    assert page.status_code == 200 and "You do not need an account" in text(page)
    response = client.post(
        reverse("group_report", args=[group.slug]),
        {"reason": "closed", "text": "The library says it stopped", "website": ""},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.text) == (None, "closed", "The library says it stopped")
    assert mail.outbox[-1].to == [moderator.email]


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(client, group):
    response = client.post(
        reverse("group_report", args=[group.slug]),
        {"reason": "closed", "text": "spam", "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_signed_out_reports_have_the_contact_forms_rate_limit(client, group, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": [("ip", "2/h")]}
    data = {"reason": "wrong", "text": "", "website": ""}
    statuses = [client.post(reverse("group_report", args=[group.slug]), data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2


def test_a_member_still_reports_as_themselves(client, member, group):
    client.force_login(member)
    client.post(reverse("group_report", args=[group.slug]), {"reason": "wrong", "text": "Room changed"})
    assert Report.objects.get().reporter == member


def test_a_drafts_report_form_is_404_to_someone_signed_out(client, facilitator):
    draft = make_group(facilitator, status="draft")
    assert client.get(reverse("group_report", args=[draft.slug])).status_code == 404
    assert client.post(reverse("group_report", args=[draft.slug]), {"reason": "wrong"}).status_code == 404
    assert not Report.objects.exists()
