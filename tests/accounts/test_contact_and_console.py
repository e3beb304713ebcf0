"""The contact page, and the moderation console's queues, counts and authorization."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ContactMessage, ProfessionalProfile
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_group

MESSAGE = {
    "name": "Robin",
    "email": "robin@example.org",
    "topic": "press",
    "message": "May we write about you?",
    "website": "",
}


def test_a_message_is_stored_sent_on_and_confirmed(client, db, settings):
    settings.CONTACT_EMAIL = "team@example.org"
    response = client.post(reverse("contact"), MESSAGE)
    assert response.status_code == 302
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.topic, stored.status) == ("Robin", "press", "new")
    assert sorted(m.to[0] for m in mail.outbox) == ["robin@example.org", "team@example.org"]
    to_team = next(m for m in mail.outbox if m.to == ["team@example.org"])
    assert to_team.reply_to == ["robin@example.org"] and "May we write about you?" in to_team.body


def test_the_honeypot_keeps_robots_out_quietly(client, db):
    response = client.post(reverse("contact"), dict(MESSAGE, website="http://spam.example"))
    assert response.status_code == 302
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_messages_are_rate_limited_per_address(client, db):
    for _ in range(3):
        assert client.post(reverse("contact"), MESSAGE).status_code == 302
    response = client.post(reverse("contact"), MESSAGE)
    assert response.status_code == 429
    assert "several messages in the last hour" in response.content.decode()
    assert ContactMessage.objects.count() == 3


def test_messages_are_rate_limited_per_connection(client, db):
    for i in range(10):
        client.post(reverse("contact"), dict(MESSAGE, email=f"r{i}@example.org"))
    assert client.post(reverse("contact"), dict(MESSAGE, email="new@example.org")).status_code == 429
    assert ContactMessage.objects.count() == 10


@pytest.mark.parametrize(
    "bad", [{"email": "not-an-email"}, {"topic": "spam"}, {"message": ""}, {"message": "x" * 9000}]
)
def test_bad_input_gives_the_form_again(client, db, bad):
    assert client.post(reverse("contact"), dict(MESSAGE, **bad)).status_code == 400
    assert not ContactMessage.objects.exists()


def test_the_console_shows_every_queue_with_counts(client, moderator, facilitator, member):
    make_group(facilitator, name="Waiting listing", status="pending")
    make_professional(status="pending", public_name="Pending Pro")
    ContactMessage.objects.create(**{k: v for k, v in MESSAGE.items() if k != "website"})
    client.force_login(moderator)
    body = client.get(reverse("moderation")).content.decode()
    assert "Waiting listing" in body
    assert 'Professional applications <span class="count">1</span>' in body
    assert 'Contact messages <span class="count">1</span>' in body
    header = client.get("/").content.decode()
    assert '<span class="count">3<span class="visually-hidden"> waiting' in header


def test_a_moderator_marks_a_message_handled(client, moderator):
    message = ContactMessage.objects.create(**{k: v for k, v in MESSAGE.items() if k != "website"})
    client.force_login(moderator)
    assert "May we write about you?" in client.get(reverse("moderation_messages")).content.decode()
    client.post(reverse("moderation_message_handled", args=[message.pk]))
    message.refresh_from_db()
    assert (message.status, message.handled_by) == ("handled", moderator)


def test_the_weekly_summary_goes_to_moderators(moderator, facilitator):
    make_group(facilitator, status="pending")
    out = io.StringIO()
    call_command("moderation_summary", stdout=out)
    assert mail.outbox[-1].to == [moderator.email]
    assert "New listings: 1" in mail.outbox[-1].body
    assert "1 waiting" in out.getvalue()


def test_moderators_never_see_join_request_messages(client, moderator, member, group):
    from groups.models import JoinRequest

    JoinRequest.objects.create(group=group, user=member, message="private words to the facilitators")
    client.force_login(moderator)
    for url in (reverse("moderation"), reverse("moderation_group", args=[group.slug]), group.get_absolute_url()):
        assert "private words" not in client.get(url).content.decode(), url


PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]
MODERATOR_ONLY = ["moderation_professionals", "moderation_messages"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_moderator_rejects_a_professionals_application(client, db, request, persona):
    profile = make_professional(status="pending")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse("moderation_professional_reject", args=[profile.pk])
    response = client.post(url, {"reason": "We could not confirm the licence."})
    expected = {"anonymous": 302, "moderator": 302}.get(persona, 403)
    assert response.status_code == expected
    profile.refresh_from_db()
    assert profile.status == ("rejected" if persona == "moderator" else "pending")


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix(client, db, request, persona):
    profile = make_professional(status="pending")
    message = ContactMessage.objects.create(**{k: v for k, v in MESSAGE.items() if k != "website"})
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    expected = 200 if persona == "moderator" else 403
    pages = [reverse(n) for n in MODERATOR_ONLY] + [reverse("moderation_professional", args=[profile.pk])]
    for url in pages:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == expected, (persona, url)
    actions = [
        reverse("moderation_professional_verify", args=[profile.pk]),
        reverse("moderation_message_handled", args=[message.pk]),
    ]
    for url in actions:
        response = client.post(url)
        assert response.status_code == (302 if persona in ("anonymous", "moderator") else 403), (persona, url)
    profile.refresh_from_db()
    assert (profile.status == ProfessionalProfile.Status.VERIFIED) is (persona == "moderator")
    message.refresh_from_db()
    assert (message.status == "handled") is (persona == "moderator")
    assert (message.handled_by is None) is (persona != "moderator")
    # Public pages for everyone; the forms for signed-in verified members.
    assert client.get(reverse("professional_list")).status_code == 200
    assert client.get(reverse("contact")).status_code == 200
    join = client.get(reverse("professional_join"))
    assert join.status_code == (302 if persona == "anonymous" else 200)
