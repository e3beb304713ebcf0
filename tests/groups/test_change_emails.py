"""Members hear about changes: a notice, new meeting times, a new place or meeting link, an archived
listing. Who gets the one e-mail (approved members and co-facilitators, never the person who made
the change, never anyone else), what it says (a private address only to those entitled to it), the
opt-out (from My groups, and a signed link that needs no sign-in), nothing when the change rolls
back, and never two e-mails for one change however often its task runs."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail, signing
from django.db import connection, transaction  # noqa: F401 (connection: the skipif conditions)
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from groups import notifications, services
from groups.models import ChangeEmailOptOut, GroupChange, GroupFacilitator, JoinRequest, Notice, PeerGroup
from outbox.models import OutgoingEmail
from tests.conftest import PRIVATE_GROUP, make_group, make_user
from tests.groups.forms import listing_data
from tests.test_form_fuzz import FUZZ, BrowserClient, junk

SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")


def approve(group, user):
    return JoinRequest.objects.create(group=group, user=user, status=JoinRequest.Status.APPROVED)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def day_name(day):
    return f"{day:%A} {day.day} {day:%B}"


@pytest.fixture
def co_facilitator(group):
    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role=GroupFacilitator.Role.CO)
    return cora


@pytest.fixture
def members(group, member):
    """Alice (approved), and around her everyone who must hear nothing."""
    approve(group, member)
    for email, status in (
        ("pat@example.org", "pending"),
        ("dee@example.org", "declined"),
        ("rex@example.org", "removed"),
        ("wes@example.org", "withdrawn"),
    ):
        JoinRequest.objects.create(group=group, user=make_user(email, email[:3].title()), status=status)
    gone = make_user("gone@example.org", "Gone", is_active=False)
    approve(group, gone)
    return member


@pytest.fixture
def elsewhere(other_group):
    """A member of another group."""
    bea = make_user("bea@example.org", "Bea")
    approve(other_group, bea)
    return bea


def post_notice(client, group, *, days=7, text="No meeting: the library is closed", cancels=True):
    day = timezone.now().date() + timedelta(days=days)
    data = {"date": day.isoformat(), "text": text}
    if cancels:
        data["cancels_meeting"] = "on"
    response = client.post(reverse("group_notices", args=[group.slug]), data)
    assert response.status_code == 302
    return day


def edit(client, group, meetings=None, **changes):
    """Post the listing form with the group's own values, but for `changes`."""
    values = {
        "name": group.name,
        "description": group.description,
        "format": group.format,
        "contact_name": group.contact_name,
        "location_privacy": group.location_privacy,
        "venue": group.venue,
        "address": group.address,
        "town": group.town,
        "region": group.region,
        "postal_code": group.postal_code,
        "latitude": str(group.latitude),
        "longitude": str(group.longitude),
        "meeting_url": group.meeting_url,
        "time_zone": group.time_zone,
        "capacity": "",
    }
    values.update(changes)
    current = list(group.meeting_times.all())
    rows = meetings or [
        {"weekday": str(m.weekday), "start": f"{m.start:%H:%M}", "end": f"{m.end:%H:%M}"} for m in current
    ]
    data = listing_data(meetings=rows, **values)
    data["meetings-INITIAL_FORMS"] = str(len(current))
    for i, meeting in enumerate(current):
        data[f"meetings-{i}-id"] = str(meeting.pk)
    response = client.post(reverse("group_edit", args=[group.slug]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    return group


# --- Who hears -----------------------------------------------------------------------------


def test_a_cancellation_reaches_members_and_co_facilitators_but_not_its_poster(
    client, facilitator, group, members, co_facilitator, elsewhere, moderator, settings
):
    settings.SITE_URL = "https://groups.example.org"
    client.force_login(facilitator)
    day = post_notice(client, group)
    assert recipients() == ["alice@example.org", "cora@example.org"]
    message = mail.outbox[0]
    assert message.subject == f"[DBT Self-Help Groups] No meeting on {day_name(day)}: Harlem Skills Circle"
    assert "No meeting: the library is closed" in message.body
    assert f"There is no meeting on {day_name(day)}." in message.body
    assert "Fran, who facilitates Harlem Skills Circle" in message.body
    assert "https://groups.example.org/groups/harlem-skills-circle/" in message.body


def test_a_co_facilitators_notice_reaches_the_lead_and_not_the_co_facilitator(
    client, facilitator, group, members, co_facilitator
):
    client.force_login(co_facilitator)
    post_notice(client, group, cancels=False, text="We meet in Room 4 this week")
    assert recipients() == ["alice@example.org", "fran@example.org"]
    assert mail.outbox[0].subject == "[DBT Self-Help Groups] A notice from Harlem Skills Circle"
    assert "We meet in Room 4 this week" in mail.outbox[0].body
    assert "There is no meeting" not in mail.outbox[0].body


def test_each_person_gets_one_email_of_their_own(client, facilitator, group, members, co_facilitator):
    client.force_login(facilitator)
    post_notice(client, group)
    assert [len(m.to) for m in mail.outbox] == [1, 1]
    assert OutgoingEmail.objects.filter(template="group_changed").count() == 2
    change = GroupChange.objects.get()
    assert change.sent_at is not None and change.recipient_count == 2


def test_a_notice_on_a_group_that_is_not_published_tells_no_one(client, facilitator, member):
    draft = make_group(facilitator, status=PeerGroup.Status.DRAFT)
    approve(draft, member)
    client.force_login(facilitator)
    post_notice(client, draft)
    assert mail.outbox == []
    assert not GroupChange.objects.exists()


def test_withdrawing_a_cancellation_says_the_meeting_is_on_after_all(client, facilitator, group, members):
    client.force_login(facilitator)
    day = post_notice(client, group)
    mail.outbox.clear()
    notice = Notice.objects.get()
    assert client.post(reverse("notice_delete", args=[group.slug, notice.pk])).status_code == 302
    assert recipients() == ["alice@example.org"]
    assert mail.outbox[0].subject == f"[DBT Self-Help Groups] Harlem Skills Circle meets on {day_name(day)} after all"
    assert f"The meeting on {day_name(day)} takes place after all." in mail.outbox[0].body


def test_removing_a_notice_whose_date_has_passed_tells_no_one(facilitator, group, members):
    notice = Notice.objects.create(group=group, date=timezone.now().date() - timedelta(days=3), text="Old")
    services.notice_delete(notice=notice, by=facilitator)
    assert mail.outbox == []


# --- What it says --------------------------------------------------------------------------


def test_new_meeting_times_are_listed_with_the_old_ones(client, facilitator, group, members):
    client.force_login(facilitator)
    edit(client, group, meetings=[{"weekday": "3", "start": "18:00", "end": "19:30"}])
    assert recipients() == ["alice@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[DBT Self-Help Groups] New meeting details for Harlem Skills Circle"
    now, before = message.body.split("Before:")
    assert "The meeting times now (America/New_York):" in now
    assert "Every Thursday, 6:00 PM–7:30 PM" in now
    assert "Every Tuesday, 7:00 PM–8:30 PM" in before
    assert "Where it meets now" not in message.body


def test_an_edit_members_do_not_rely_on_sends_nothing(client, facilitator, group, members):
    client.force_login(facilitator)
    edit(client, group, description="We practise one skill a week, and tea is on us.", contact_name="Fran B.")
    assert mail.outbox == []
    assert not GroupChange.objects.exists()


def test_a_new_venue_is_sent_to_members_of_a_public_group(client, facilitator, group, members):
    client.force_login(facilitator)
    edit(client, group, venue="Riverside Library, Room 4")
    assert recipients() == ["alice@example.org"]
    assert "Where it meets now: Riverside Library, Room 4, 127 West 125th Street, New York, NY, 10027" in (
        mail.outbox[0].body
    )


def test_a_private_groups_new_address_and_link_go_only_to_its_members_and_facilitators(
    client, facilitator, member, moderator, elsewhere
):
    group = make_group(facilitator, **PRIVATE_GROUP)
    approve(group, member)
    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora)
    JoinRequest.objects.create(group=group, user=make_user("pat@example.org", "Pat"))  # still waiting
    client.force_login(facilitator)
    edit(client, group, address="99 Secret Lane, Unit 2", meeting_url="https://meet.example.org/quiet-harbour-secret-2")
    assert recipients() == ["alice@example.org", "cora@example.org"]
    for message in mail.outbox:
        assert "99 Secret Lane, Unit 2" in message.body
        assert "The meeting link now: https://meet.example.org/quiet-harbour-secret-2" in message.body
        assert "Please keep the address and the meeting link to yourself" in message.body
    leaked = [
        m
        for m in OutgoingEmail.objects.exclude(to__in=["alice@example.org", "cora@example.org"])
        if any(secret in m.body or secret in m.html for secret in SECRETS)
    ]
    assert leaked == []


def test_a_group_that_moves_online_says_it_no_longer_meets_in_person(client, facilitator, group, members):
    client.force_login(facilitator)
    edit(
        client,
        group,
        format="online",
        meeting_url="https://meet.example.org/harlem",
        latitude="",
        longitude="",
        venue="",
        address="",
    )
    body = mail.outbox[0].body
    assert "The group no longer meets in person." in body
    assert "The meeting link now: https://meet.example.org/harlem" in body


def test_the_email_says_this_weeks_skill_when_the_group_follows_the_rotation(
    client, facilitator, group, members, time_machine
):
    # Week 1 began on Tuesday 21 July 2026; 1 December is nineteen weeks on: week 20, DEAR MAN.
    PeerGroup.objects.filter(pk=group.pk).update(rotation_starts_on=datetime(2026, 7, 21).date())
    time_machine.move_to(datetime(2026, 12, 1, 17, tzinfo=UTC), tick=False)
    client.force_login(facilitator)
    post_notice(client, group)
    body = mail.outbox[0].body
    assert "This week's skill: DEAR MAN (week 20 of the skills rotation): " in body
    assert "/lessons/asking-with-dear-man/" in body


def test_a_moderator_archiving_tells_members_and_every_facilitator(client, moderator, group, members, co_facilitator):
    client.force_login(moderator)
    response = client.post(reverse("moderation_archive", args=[group.slug]), {"reason": "Reported closed"})
    assert response.status_code == 302
    assert recipients() == ["alice@example.org", "cora@example.org", "fran@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[DBT Self-Help Groups] Harlem Skills Circle is no longer listed"
    assert "Reported closed" not in message.body  # the moderator's reason is for the facilitators
    assert "127 West 125th Street" not in message.body


def test_the_sweep_archiving_tells_members_and_leaves_facilitators_their_own_email(
    group, facilitator, members, co_facilitator
):
    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - timedelta(days=181))
    services.sweep_listings(now=timezone.now())
    change_emails = [m for m in mail.outbox if "no longer listed" in m.subject]
    assert sorted(m.to[0] for m in change_emails) == ["alice@example.org"]
    assert "had not confirmed the listing for a long time" in change_emails[0].body
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "alice@example.org",
        "cora@example.org",
        "fran@example.org",
    ]


# --- The opt-out ---------------------------------------------------------------------------


def stop_link(message):
    return re.search(r"https?://\S+/groups/change-emails/stop/\S+/", message.body)[0].split("8000", 1)[-1]


def test_the_link_in_the_email_stops_them_without_signing_in(client, facilitator, group, members, co_facilitator):
    client.force_login(facilitator)
    post_notice(client, group, days=7)
    link = stop_link(next(m for m in mail.outbox if m.to == ["alice@example.org"]))
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop e-mails about Harlem Skills Circle" in page.content.decode()
    assert not ChangeEmailOptOut.objects.exists()  # a link scanner following it changes nothing
    done = client.post(link)
    assert done.status_code == 200
    assert "You will get no more e-mails when Harlem Skills Circle" in done.content.decode()
    assert list(ChangeEmailOptOut.objects.values_list("user__email", flat=True)) == ["alice@example.org"]
    assert client.post(link).status_code == 200  # again: still one row
    assert ChangeEmailOptOut.objects.count() == 1

    mail.outbox.clear()
    client.force_login(facilitator)
    post_notice(client, group, days=14)
    assert recipients() == ["cora@example.org"]


@pytest.mark.parametrize(
    "token",
    ["nonsense", "", "x" * 400, "WzEsMl0:1vQ0aB:tampered-signature-here-000000000"],
)
def test_a_wrong_stop_link_gets_a_clear_page_and_changes_nothing(client, group, members, token):
    response = client.get(reverse("change_emails_stop", args=[token or "-"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert client.post(reverse("change_emails_stop", args=[token or "-"])).status_code == 400
    assert not ChangeEmailOptOut.objects.exists()


def test_a_stop_link_signed_for_something_else_does_not_work(client, group, member):
    approve(group, member)
    token = signing.dumps([group.pk, member.pk])  # signed, but not as a stop link
    assert client.post(reverse("change_emails_stop", args=[token])).status_code == 400
    assert not ChangeEmailOptOut.objects.exists()


def test_a_stop_link_whose_group_is_gone_gets_a_clear_page(client, group, member):
    approve(group, member)
    token = notifications.stop_token(group, member)
    group.delete()
    response = client.post(reverse("change_emails_stop", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_my_groups_turns_them_off_and_on(client, group, members, facilitator):
    client.force_login(members)
    page = client.get(reverse("group_manage")).content.decode()
    assert "E-mails about changes" in page and "e-mails on" in page
    url = reverse("group_change_emails", args=[group.slug])
    assert client.post(url, {"on": "0"}).status_code == 302
    assert ChangeEmailOptOut.objects.filter(group=group, user=members).exists()
    assert "no e-mails" in client.get(reverse("group_manage")).content.decode()
    client.force_login(facilitator)
    post_notice(client, group)
    assert mail.outbox == []
    client.force_login(members)
    client.post(url, {"on": "1"})
    assert not ChangeEmailOptOut.objects.exists()


def test_my_groups_lists_the_groups_i_facilitate_too(client, group, facilitator):
    client.force_login(facilitator)
    client.post(reverse("group_change_emails", args=[group.slug]), {"on": "0"})
    assert ChangeEmailOptOut.objects.filter(group=group, user=facilitator).exists()


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_who_may_choose_a_groups_change_emails(client, request, persona, group):
    approve(group, request.getfixturevalue("member"))
    expected = {"anonymous": 302, "member": 302, "other_facilitator": 403, "facilitator": 302, "moderator": 403}
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("group_change_emails", args=[group.slug]), {"on": "0"})
    assert response.status_code == expected[persona]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    opted_out = set(ChangeEmailOptOut.objects.values_list("user__email", flat=True))
    assert opted_out == ({request.getfixturevalue(persona).email} if persona in ("member", "facilitator") else set())
    assert client.get(reverse("group_change_emails", args=[group.slug])).status_code in (302, 405)


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_no_one_outside_a_draft_may_know_of_it_through_the_choice(client, request, persona, facilitator):
    draft = make_group(facilitator, status=PeerGroup.Status.DRAFT, name="Draft Circle")
    expected = {"anonymous": 302, "member": 404, "other_facilitator": 404, "facilitator": 302, "moderator": 403}
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("group_change_emails", args=[draft.slug]), {"on": "0"}).status_code == expected[persona]


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_the_stop_link_works_for_whoever_holds_it_and_only_for_its_person(client, request, persona, group, member):
    approve(group, member)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("change_emails_stop", args=[notifications.stop_token(group, member)]))
    assert response.status_code == 200
    assert list(ChangeEmailOptOut.objects.values_list("user__email", flat=True)) == ["alice@example.org"]


# --- Transactions and the worker -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_sends_nothing(facilitator, member):
    group = make_group(facilitator)
    approve(group, member)
    notice = Notice(date=timezone.now().date() + timedelta(days=7), text="No meeting", cancels_meeting=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_post(notice=notice, group=group, by=facilitator)
        raise RuntimeError("the request fails after the notice")
    assert not Notice.objects.exists()
    assert not GroupChange.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []
    services.notice_post(
        notice=Notice(date=notice.date, text="No meeting", cancels_meeting=True), group=group, by=facilitator
    )
    assert recipients() == ["alice@example.org"]  # the same change, committed: sent, once


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """Run every ready task as `manage.py run_worker` does, until none is left."""
    from dbtselfhelp.worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
        sweep_seconds=60,
    )
    ran = 0
    while (task := worker.claim_next()) is not None:
        worker.run_task(task)
        ran += 1
    return ran


def test_with_the_database_backend_the_task_is_saved_with_the_change_and_run_by_the_worker(
    database_tasks, facilitator, group, members, co_facilitator
):
    from django_tasks_db.models import DBTaskResult

    services.notice_post(
        notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
    )
    change = GroupChange.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "groups.notifications.send_change_emails"
    assert queued.args_kwargs["args"] == [change.pk]
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()  # nothing in the request

    assert run_worker() == 3  # the fan-out, then the first attempt at each of its two e-mails
    assert recipients() == ["alice@example.org", "cora@example.org"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


def test_with_the_database_backend_a_rolled_back_change_leaves_no_task(database_tasks, facilitator, group, members):
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_post(
            notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
        )
        raise RuntimeError
    assert not DBTaskResult.objects.exists() and not GroupChange.objects.exists()
    assert run_worker() == 0
    assert mail.outbox == []


def test_the_task_run_again_sends_nothing_more(database_tasks, facilitator, group, members, co_facilitator):
    services.notice_post(
        notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
    )
    change = GroupChange.objects.get()
    run_worker()
    assert len(mail.outbox) == 2
    notifications.send_change_emails.enqueue(change.pk)  # a killed worker's task, run again
    notifications.send_change_emails.enqueue(change.pk)
    run_worker()
    assert notifications.deliver_change(change_id=change.pk) == 0
    assert recipients() == ["alice@example.org", "cora@example.org"]
    assert OutgoingEmail.objects.count() == 2


def test_a_worker_killed_mid_fan_out_leaves_nothing_and_the_sweep_sends_each_email_once(
    database_tasks, facilitator, group, members, co_facilitator, monkeypatch
):
    services.notice_post(
        notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
    )
    change = GroupChange.objects.get()
    real = notifications.send_templated_email
    sent = []

    def dies_at_the_second(**kwargs):
        if sent:
            raise SystemExit("killed")  # the process ends half-way through the fan-out
        sent.append(kwargs["to"])
        real(**kwargs)

    monkeypatch.setattr(notifications, "send_templated_email", dies_at_the_second)
    with pytest.raises(SystemExit):
        notifications.deliver_change(change_id=change.pk)
    change.refresh_from_db()
    assert change.sent_at is None and not OutgoingEmail.objects.exists()  # all or nothing
    monkeypatch.setattr(notifications, "send_templated_email", real)

    # The lost task stays "running" in django-tasks-db; the worker's sweep finds the change overdue.
    assert notifications.sweep(now=change.created_at + timedelta(minutes=1)) == 0  # not overdue yet
    assert notifications.sweep(now=change.created_at + timedelta(minutes=6)) == 2
    assert notifications.sweep(now=change.created_at + timedelta(minutes=7)) == 0
    run_worker()
    assert recipients() == ["alice@example.org", "cora@example.org"]


def test_the_sweep_deletes_old_changes(group, facilitator):
    old = GroupChange.objects.create(
        group=group,
        kinds=["notice"],
        created_at=timezone.now() - timedelta(days=40),
        sent_at=timezone.now() - timedelta(days=40),
    )
    recent = GroupChange.objects.create(group=group, kinds=["notice"], sent_at=timezone.now())
    notifications.sweep(now=timezone.now())
    assert list(GroupChange.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_the_email_never_names_the_reader_a_member_they_are_not(group, facilitator, member):
    """Belt and braces: were someone not entitled ever among the recipients, the e-mail would hold
    only the public place of a private group, never its address or link."""
    group = make_group(facilitator, **{**PRIVATE_GROUP, "name": "Quiet Two"})
    change = GroupChange.objects.create(group=group, kinds=["place", "link"], created_at=timezone.now())
    stranger = make_user("stranger@example.org", "Stranger")
    context = notifications._context(change, stranger, notifications._shared_context(change))
    assert context["meeting_url"] == "" and context["place"] == "New York, NY"
    assert not group.can_see_private_details(AnonymousUser())


def test_meeting_times_and_schedule_lines_read_as_people_say_them(group):
    group.meeting_times.create(weekday=4, start=time(9, 30), end=time(11))
    lines = notifications.schedule_lines(group, list(group.meeting_times.all()))
    assert lines == ["Every Tuesday, 7:00 PM–8:30 PM", "Every Friday, 9:30 AM–11:00 AM"]


def test_a_notice_reads_as_it_was_typed_in_both_parts_of_the_email(client, facilitator, group, members):
    client.force_login(facilitator)
    post_notice(client, group, cancels=False, text="We're at St Mary's Hall & Annexe <upstairs>")
    message = mail.outbox[0]
    assert "We're at St Mary's Hall & Annexe <upstairs>" in message.body
    html = message.alternatives[0][0]
    assert "We&#x27;re at St Mary&#x27;s Hall &amp; Annexe &lt;upstairs&gt;" in html
    assert "<upstairs>" not in html and "&amp;#x27;" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent transactions need PostgreSQL")
def test_two_workers_running_the_same_change_at_once_send_each_email_once(database_tasks, facilitator, member):
    import threading

    group = make_group(facilitator)
    approve(group, member)
    for n in range(5):
        approve(group, make_user(f"m{n}@example.org", f"M{n}"))
    services.notice_post(
        notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
    )
    change = GroupChange.objects.get()
    barrier, counts = threading.Barrier(2), []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            counts.append(notifications.deliver_change(change_id=change.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 6]
    assert OutgoingEmail.objects.filter(template="group_changed").count() == 6
    assert OutgoingEmail.objects.values("to").distinct().count() == 6


def test_the_data_export_and_erasure_cover_the_choice_and_the_changes_made(client, group, facilitator, members):
    from groups import privacy

    notifications.change_emails_stop(group=group, user=members)
    services.notice_post(
        notice=Notice(date=timezone.now().date() + timedelta(days=7), text="Closed"), group=group, by=facilitator
    )
    assert privacy.export_user_data(members)["no_change_emails_from"][0]["group"] == "Harlem Skills Circle"
    assert privacy.export_user_data(facilitator)["no_change_emails_from"] == []
    privacy.erase_user_data(members)
    privacy.erase_user_data(facilitator)
    assert not ChangeEmailOptOut.objects.exists()
    assert GroupChange.objects.get().actor is None


@FUZZ
@given(token=junk.filter(lambda t: "/" not in t and t.strip() and "\x00" not in t), on=junk)
def test_stop_links_and_the_choice_fuzzed_never_fail(group, member, token, on):
    JoinRequest.objects.get_or_create(group=group, user=member, status=JoinRequest.Status.APPROVED)
    client = BrowserClient()
    assert client.post(reverse("change_emails_stop", args=[token])).status_code == 400
    assert not ChangeEmailOptOut.objects.exists()
    client.force_login(member)
    response = client.post(reverse("group_change_emails", args=[group.slug]), {"on": on})
    if "\x00" in on:  # refused before any view by the unreadable-input middleware, nothing changed
        assert response.status_code == 400 and not ChangeEmailOptOut.objects.exists()
        return
    assert response.status_code == 302
    assert ChangeEmailOptOut.objects.filter(user=member).exists() == (on != "1")
    ChangeEmailOptOut.objects.all().delete()
