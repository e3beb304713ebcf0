"""Waiting for a group: asking from a search, double opt-in, one-click unsubscribe, the alert
the day a group opens (once per group, a weekly digest when several), the year's end, and
what the "Start a group" page may show."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from groups import alerts, services
from groups.cells import cell_for
from groups.models import PeerGroup
from groups.waiting import WaitingAlert, WaitingRequest
from tests.conftest import make_group, make_user

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
HARLEM = (40.8116, -73.955)  # the 10027 ZIP centre


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def ask(client, *, email="wren@example.org", at=HARLEM, radius=25, units="mi", format="either", language="en", **extra):
    data = {
        "latitude": at[0],
        "longitude": at[1],
        "radius": radius,
        "units": units,
        "format": format,
        "language": language,
        **extra,
    }
    if email is not None:
        data["email"] = email
    return client.post(reverse("waiting_create"), data)


def confirm_link(message):
    return re.search(r"https?://\S+/groups/waiting/confirm/[\w-]+/", message.body).group(0).split("testserver")[-1]


def waiting_person(email, at=HARLEM, **fields):
    """A confirmed request, as if asked and confirmed."""
    request = alerts.waiting_request_create(
        user=None,
        email=email,
        latitude=at[0],
        longitude=at[1],
        radius_km=fields.pop("radius_km", 40),
        format=fields.pop("format", "either"),
        language=fields.pop("language", "en"),
        now=NOW,
    )
    return alerts.waiting_request_confirm(token=request.confirm_token, now=NOW)


def publish(group, moderator):
    group.status = PeerGroup.Status.PENDING
    group.save()
    services.group_approve(group=group, by=moderator)


# --- Asking and confirming ----------------------------------------------------------------------


def test_the_search_offers_to_tell_me_when_a_group_starts(client, db):
    body = client.get(reverse("group_list"), {"near": "10027"}).content.decode()
    assert "Tell me when a group starts near New York, NY 10027" in body
    assert 'action="/groups/waiting/"' in body


def test_a_visitor_asks_and_gets_one_confirmation_email(client, db):
    response = ask(client)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    request = WaitingRequest.objects.get()
    assert request.confirmed_at is None and request.email == "wren@example.org"
    # What is kept is the cell, not the point: the exact coordinates are nowhere in the row.
    assert (request.cell_latitude, request.cell_longitude) == cell_for(*HARLEM, size_km=2.5).centre
    assert (request.cell_latitude, request.cell_longitude) != HARLEM
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wren@example.org"] and "confirm" in message.subject.lower()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/groups/waiting/unsubscribe/{request.unsubscribe_token}/" in message.extra_headers["List-Unsubscribe"]


def test_asking_again_the_same_day_sends_no_second_email(client, db):
    ask(client)
    ask(client, radius=50)
    assert len(mail.outbox) == 1 and WaitingRequest.objects.count() == 1


def test_the_link_shows_a_button_and_only_the_button_confirms(client, db):
    ask(client)
    link = confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "Yes, tell me when a group starts" in page.content.decode()
    assert WaitingRequest.objects.get().confirmed_at is None  # a mail scanner following the link confirms nothing
    assert client.post(link).status_code == 200
    assert WaitingRequest.objects.get().confirmed_at == NOW


def test_an_unconfirmed_request_is_erased_after_48_hours_and_its_link_says_so(client, db, time_machine):
    ask(client)
    link = confirm_link(mail.outbox[0])
    time_machine.move_to(NOW + timedelta(hours=49), tick=False)
    assert alerts.sweep_waiting(now=NOW + timedelta(hours=49))["erased"] == 1
    response = client.post(link)
    assert response.status_code == 404 and "not valid any more" in response.content.decode()
    assert not WaitingRequest.objects.exists()


@pytest.mark.parametrize("token", ["nope", "x" * 500])
def test_wrong_tokens_get_a_clear_page(client, db, token):
    for step in ("confirm", "unsubscribe", "renew"):
        response = client.get(f"/groups/waiting/{step}/{token}/")
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


def test_a_token_with_a_nul_byte_is_unreadable_input(client, db):
    for step in ("confirm", "unsubscribe", "renew"):
        response = client.get(f"/groups/waiting/{step}/%00/")
        assert response.status_code == 400


def test_a_member_asks_in_one_step_and_sees_it_on_the_account_page(client, member):
    client.force_login(member)
    response = ask(client, email=None)
    assert response.status_code == 302 and response["Location"] == reverse("account")
    request = WaitingRequest.objects.get()
    assert (request.user, request.email, request.confirmed_at) == (member, member.email, NOW)
    assert len(mail.outbox) == 0
    body = client.get(reverse("account")).content.decode()
    assert "Waiting for a group" in body and f'action="{reverse("waiting_stop", args=[request.pk])}"' in body


@pytest.mark.parametrize(
    "data",
    [
        {"latitude": "91", "longitude": "0"},
        {"latitude": "nan", "longitude": "0"},
        {"latitude": "40\x00", "longitude": "-73"},
        {"radius": "99999"},
        {"format": "teleport"},
        {"email": "not an address"},
        {"email": "a@" + "b" * 300 + ".org"},
        {"units": "parsecs"},
    ],
)
def test_bad_input_gives_the_form_back_and_saves_nothing(client, db, data):
    base = {
        "latitude": "40.8",
        "longitude": "-73.9",
        "radius": "25",
        "units": "mi",
        "format": "either",
        "email": "a@example.org",
    }
    response = client.post(reverse("waiting_create"), {**base, **data})
    assert response.status_code == 400
    assert not WaitingRequest.objects.exists() and not mail.outbox


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(client, db):
    response = ask(client, website="http://spam.example")
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert not WaitingRequest.objects.exists() and not mail.outbox


# --- Hearing the day a group opens --------------------------------------------------------------


def test_a_batch_told_meanwhile_by_another_run_is_done_one_by_one(db, facilitator, moderator, monkeypatch):
    waiting_person("first@example.org")
    waiting_person("second@example.org")
    mail.outbox.clear()
    group_id = publish_quietly(make_group(facilitator, status="draft"), moderator)
    first = WaitingRequest.objects.get(email="first@example.org")
    real_filter = WaitingAlert.objects.filter

    def stale_view(*args, **kwargs):  # this run's look happens before the other run's write
        result = real_filter(*args, **kwargs)
        if "request__in" in kwargs and not WaitingAlert.objects.exists():
            WaitingAlert.objects.create(request=first, group_id=group_id, reason="published", created_at=NOW)
            return result.none()
        return result

    monkeypatch.setattr(WaitingAlert.objects, "filter", stale_view)
    assert alerts.send_alerts(group_id=group_id, reason="published", now=NOW) == 1
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


def test_publishing_a_group_tells_the_people_waiting_within_their_radius_once(db, facilitator, moderator):
    near = waiting_person("near@example.org", at=(40.80, -73.95), radius_km=10)
    waiting_person("far@example.org", at=(42.65, -73.75), radius_km=10)  # Albany
    waiting_person("online-only@example.org", at=(40.80, -73.95), format="online")
    alerts.waiting_request_create(
        user=None,
        email="unconfirmed@example.org",
        latitude=40.8,
        longitude=-73.95,
        radius_km=40,
        format="either",
        language="en",
        now=NOW,
    )
    mail.outbox.clear()
    group = make_group(facilitator, status="draft")
    publish(group, moderator)
    told = [m for m in mail.outbox if "has started" in m.subject]
    assert [m.to for m in told] == [["near@example.org"]]
    assert group.get_absolute_url() in told[0].body
    assert told[0].extra_headers["List-Unsubscribe"].endswith(f"/groups/waiting/unsubscribe/{near.unsubscribe_token}/>")
    mail.outbox.clear()
    assert alerts.send_alerts(group_id=group.pk, reason="published", now=NOW) == 0  # a task run twice sends nothing
    assert not mail.outbox
    assert WaitingAlert.objects.filter(group=group).count() == 1


def test_an_online_group_tells_those_waiting_for_one_in_its_language(db, facilitator, moderator):
    waiting_person("es@example.org", at=(34.05, -118.24), format="online", language="es")
    waiting_person("either-es@example.org", at=(51.5, -0.12), format="either", language="es")
    waiting_person("en@example.org", at=(34.05, -118.24), format="online", language="en")
    waiting_person("in-person-es@example.org", at=(34.05, -118.24), format="in_person", language="es")
    mail.outbox.clear()
    group = make_group(
        facilitator,
        status="draft",
        name="Grupo en línea",
        format="online",
        language="es",
        meeting_url="https://meet.example.org/es",
        latitude=None,
        longitude=None,
    )
    publish(group, moderator)
    assert sorted(m.to[0] for m in mail.outbox if "has started" in m.subject) == [
        "either-es@example.org",
        "es@example.org",
    ]


def test_a_second_group_the_same_week_waits_for_the_weekly_digest(db, facilitator, moderator, time_machine):
    waiting_person("wren@example.org", radius_km=40)
    mail.outbox.clear()  # the confirmation
    first = make_group(facilitator, status="draft", name="First Circle")
    second = make_group(facilitator, status="draft", name="Second Circle", town="Harlem")
    third = make_group(facilitator, status="draft", name="Third Circle", town="Harlem")
    publish(first, moderator)
    time_machine.move_to(NOW + timedelta(days=2), tick=False)
    publish(second, moderator)
    publish(third, moderator)
    assert [m.subject for m in mail.outbox if "wren@example.org" in m.to] == [
        "[DBT Self-Help Groups] A group has started: First Circle"
    ]
    assert alerts.send_digests(now=NOW + timedelta(days=3)) == 0  # not a week since the last one
    later = NOW + timedelta(days=7, minutes=1)
    assert alerts.send_digests(now=later) == 1
    digest = mail.outbox[-1]
    assert digest.subject == "[DBT Self-Help Groups] 2 groups near you this week"
    assert "Second Circle" in digest.body and "Third Circle" in digest.body and "First Circle" not in digest.body
    assert alerts.send_digests(now=later + timedelta(days=8)) == 0  # nothing left to tell


def test_a_group_that_opens_to_new_members_again_tells_them(db, facilitator):
    group = make_group(facilitator, accepting_new_members=False)
    waiting_person("wren@example.org", radius_km=40)
    mail.outbox.clear()
    group.accepting_new_members = True

    class NoMeetingChanges:
        instance = group

        def save(self):
            return []

    services.group_update(group=group, meeting_formset=NoMeetingChanges(), audiences=[], by=facilitator)
    assert [m.subject for m in mail.outbox] == ["[DBT Self-Help Groups] Harlem Skills Circle is taking new members"]


def test_one_click_unsubscribe_works_without_cookies_or_csrf(db, facilitator, moderator):
    from django.test import Client

    request = waiting_person("wren@example.org")
    robot = Client(enforce_csrf_checks=True)  # a mail client, as RFC 8058 describes it
    response = robot.post(
        reverse("waiting_unsubscribe", args=[request.unsubscribe_token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.ended_at == NOW and request.ended_reason == "unsubscribed"
    mail.outbox.clear()
    publish(make_group(facilitator, status="draft"), moderator)
    assert not [m for m in mail.outbox if "wren@example.org" in m.to]


def test_a_request_is_reminded_once_then_ends_after_a_year(db, time_machine):
    request = waiting_person("wren@example.org")
    mail.outbox.clear()
    eleven_months = NOW + timedelta(days=340)
    assert alerts.sweep_waiting(now=eleven_months)["reminded"] == 1
    assert alerts.sweep_waiting(now=eleven_months + timedelta(days=1))["reminded"] == 0
    assert [m.subject for m in mail.outbox] == [
        "[DBT Self-Help Groups] Still waiting for a group? Your request ends soon"
    ]
    assert alerts.sweep_waiting(now=NOW + timedelta(days=366))["ended"] == 1
    request.refresh_from_db()
    assert request.ended_reason == "expired"


def test_renewing_from_the_reminder_keeps_it_another_year(client, db):
    request = waiting_person("wren@example.org")
    later = NOW + timedelta(days=340)
    alerts.sweep_waiting(now=later)
    client.post(reverse("waiting_renew", args=[request.unsubscribe_token]))
    request.refresh_from_db()
    assert request.expires_at == NOW + timedelta(days=365) and request.reminded_at is None


def test_another_member_cannot_stop_my_request(client, member):
    client.force_login(member)
    ask(client, email=None)
    mine = WaitingRequest.objects.get()
    other = make_user("other@example.org", "Other")
    client.force_login(other)
    assert client.post(reverse("waiting_stop", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.ended_at is None
    client.force_login(member)
    assert client.post(reverse("waiting_stop", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.ended_reason == "account"


def test_export_and_deletion_include_waiting_requests(client, member):
    from accounts import services as account_services

    client.force_login(member)
    ask(client, email=None)
    waiting_person(member.email.upper(), at=(42.65, -73.75))  # the same person, asked before signing up
    exported = account_services.export_user_data(user=member)
    assert len(exported["waiting_for_a_group"]) == 2
    account_services.delete_account(user=member)
    assert not WaitingRequest.objects.exists()


# --- Where people are waiting -------------------------------------------------------------------


def spread(n, around=HARLEM, prefix="p"):
    for i in range(n):
        waiting_person(f"{prefix}{i}@example.org", at=(around[0] + i * 0.001, around[1]))


def test_an_area_shows_only_from_five_people_and_rounded(client, db):
    from django.core.cache import cache

    spread(4)
    body = client.get(reverse("start_group")).content.decode()
    assert "No area has 5 or more people waiting yet" in body
    spread(3, prefix="q")
    cache.clear()  # the page is worked out once a day
    body = client.get(reverse("start_group")).content.decode()
    assert "5 or more" in body and "7" not in re.sub(
        r"<[^>]+>", "", body.split("People waiting")[1].split("</table>")[0]
    )


def test_one_person_signing_up_next_to_another_learns_nothing(client, db):
    """The attacks: someone signs up next to a lone person, then a second; or watches the count
    as people come and go. Under five nothing shows; from five to nine the page is the same."""
    from django.core.cache import cache

    def page():
        cache.clear()
        body = client.get(reverse("start_group")).content.decode()
        return body[body.index('id="demand-title"') : body.index('id="how-title"')]

    seen = []
    for n in range(1, 10):
        spread(1, prefix=f"n{n}-")
        seen.append(page())
    assert len(set(seen[:4])) == 1  # 1 to 4 waiting: the same page, saying nobody is shown
    assert len(set(seen[4:9])) == 1  # 5 to 9: the same page, "5 or more"
    assert "wren" not in "".join(seen) and "@" not in "".join(seen).split("demand-title")[-1]


def test_a_facilitator_drafting_a_listing_sees_who_waits_nearby(client, facilitator):
    group = make_group(facilitator, status="draft")
    spread(16)
    client.force_login(facilitator)
    body = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert "About 15 people within 25 mi are waiting for a group" in body
    assert "they will hear when it is published" in body


def test_no_count_under_five_for_a_draft(client, facilitator):
    group = make_group(facilitator, status="draft")
    spread(3)
    client.force_login(facilitator)
    assert "are waiting for a group" not in client.get(reverse("group_edit", args=[group.slug])).content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_who_may_use_the_waiting_pages(client, persona, member, facilitator, other_facilitator, moderator):
    users = {
        "member": member,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "moderator": moderator,
    }
    if persona != "anonymous":
        client.force_login(users[persona])
    assert client.get(reverse("start_group")).status_code == 200
    someone = waiting_person("someone@example.org")
    # Nobody but the request's own e-mail link can stop it: not even a moderator by its number.
    response = client.post(reverse("waiting_stop", args=[someone.pk]))
    assert response.status_code == (302 if persona == "anonymous" else 404)
    someone.refresh_from_db()
    assert someone.ended_at is None
    response = ask(client, email=None if persona != "anonymous" else "anon@example.org")
    assert response.status_code in (200, 302)
    mine = WaitingRequest.objects.exclude(pk=someone.pk).get()
    assert mine.user == (users.get(persona))
    for name in ("waiting_confirm", "waiting_unsubscribe", "waiting_renew"):
        token = mine.confirm_token if name == "waiting_confirm" else mine.unsubscribe_token
        assert client.get(reverse(name, args=[token])).status_code == 200


def test_only_the_cell_is_kept_of_where_someone_waits(db):
    """Nothing typed and no exact point is kept: only the cell (and a nearby town's name)."""
    waiting_person("wren@example.org", at=(40.81163, -73.95512))
    fields = {f.name for f in WaitingRequest._meta.fields}
    assert not fields & {"latitude", "longitude", "near", "query", "address", "point"}
    row = WaitingRequest.objects.values().get()
    assert 40.81163 not in row.values() and -73.95512 not in row.values()


def test_the_page_changes_at_most_once_a_day(client, db, time_machine):
    spread(5)
    first = client.get(reverse("start_group")).content.decode()
    spread(5, prefix="later")
    assert client.get(reverse("start_group")).content.decode() == first  # the same day: the same counts
    time_machine.move_to(NOW + timedelta(days=1), tick=False)
    assert "10 or more" in client.get(reverse("start_group")).content.decode()


def test_a_fan_out_cut_short_is_finished_by_the_daily_sweep(db, facilitator, moderator, monkeypatch):
    waiting_person("first@example.org")
    waiting_person("second@example.org")
    mail.outbox.clear()
    group = make_group(facilitator, status="draft")
    real, calls = alerts._alert_batch, []

    def killed_at_the_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise SystemExit("the worker was killed")
        return real(*args)

    monkeypatch.setattr(alerts, "BATCH", 1)  # one person a batch, so the first is done when it dies
    monkeypatch.setattr(alerts, "_alert_batch", killed_at_the_second)
    with pytest.raises(SystemExit):
        alerts.send_alerts(group_id=publish_quietly(group, moderator), reason="published", now=NOW)
    monkeypatch.setattr(alerts, "_alert_batch", real)
    told = {m.to[0] for m in mail.outbox if "has started" in m.subject}
    assert len(told) == 1
    assert alerts.sweep_waiting(now=NOW + timedelta(hours=1))["caught_up"] == 1
    told_now = [m.to[0] for m in mail.outbox if "has started" in m.subject]
    assert sorted(told_now) == ["first@example.org", "second@example.org"]  # each once


def publish_quietly(group, moderator):
    """Published without its fan-out, as when the worker dies before running the task."""
    group.status, group.reviewed_at, group.reviewed_by = PeerGroup.Status.PUBLISHED, NOW, moderator
    group.save()
    return group.pk
