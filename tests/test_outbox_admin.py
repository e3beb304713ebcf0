"""The outbox in the admin: what is queued, given up or sent, and sending a given-up message again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutgoingEmail
from tests.conftest import make_user

URL = "/admin/outbox/outgoingemail/"


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("root@example.org", "Root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def messages(db):
    now = timezone.now()
    rows = {
        "queued": dict(next_attempt_at=now + timedelta(minutes=5), attempts=2),
        "given up": dict(
            failed_at=now - timedelta(hours=1),
            next_attempt_at=None,
            attempts=9,
            last_error="SMTPRecipientsRefused: 550",
        ),
        "sent": dict(sent_at=now - timedelta(hours=2), next_attempt_at=None, attempts=1),
    }
    return {
        name: OutgoingEmail.objects.create(
            to=f"{name.replace(' ', '-')}@example.org",
            subject=f"The {name} one",
            body="Text",
            template=name.replace(" ", "_"),
            **fields,
        )
        for name, fields in rows.items()
    }


@pytest.mark.parametrize(
    ("status", "shown"),
    [("queued", "queued@example.org"), ("failed", "given-up@example.org"), ("sent", "sent@example.org")],
)
def test_the_status_filter_shows_one_kind(admin_client, messages, status, shown):
    body = admin_client.get(URL, {"status": status}).content.decode()
    addresses = {"queued@example.org", "given-up@example.org", "sent@example.org"}
    assert shown in body
    for other in addresses - {shown}:
        assert other not in body


def test_without_a_filter_everything_is_listed_and_nothing_can_be_added(admin_client, messages):
    body = admin_client.get(URL).content.decode()
    for address in ("queued@example.org", "given-up@example.org", "sent@example.org"):
        assert address in body
    assert admin_client.get(URL + "add/").status_code == 403


def test_send_again_gives_a_given_up_message_a_fresh_start_but_never_resends_a_sent_one(admin_client, messages):
    chosen = [messages["given up"].pk, messages["sent"].pk]
    response = admin_client.post(URL, {"action": "send_again", "_selected_action": chosen}, follow=True)
    assert "1 message(s) will be sent by the next run." in response.content.decode()
    again = OutgoingEmail.objects.get(pk=messages["given up"].pk)
    assert (again.attempts, again.failed_at) == (0, None)
    assert again.next_attempt_at <= timezone.now()
    sent = OutgoingEmail.objects.get(pk=messages["sent"].pk)
    assert (sent.attempts, sent.next_attempt_at) == (1, None)


def test_a_message_is_read_only(admin_client, messages):
    page = admin_client.get(f"{URL}{messages['given up'].pk}/change/").content.decode()
    assert "SMTPRecipientsRefused: 550" in page
    assert 'name="subject"' not in page  # no field to edit
