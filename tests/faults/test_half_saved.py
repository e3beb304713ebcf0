"""The database closes the connection while an action's e-mails are being saved: nothing of the
action is saved either, in every service and view that sends e-mail. And a form sent again after
such an error is recognised by its token: saved once, answered as the first time.

Here the failure is made in the process (the outbox's insert raises what psycopg raises when the
server closes the connection), at the action's last e-mail, so the rows saved before it would
show if they were not in the same transaction. test_killed_mid_request.py does it for real, with
a PostgreSQL backend terminated, and a gunicorn worker killed, while the request waits.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactMessage, ProfessionalProfile, User
from accounts.professionals import professional_apply, professional_verify
from dbtselfhelp import emails
from groups import membership, services
from groups.models import (
    FacilitatorInvitation,
    GroupAdviser,
    GroupFacilitator,
    JoinRequest,
    ListingEvent,
    PeerGroup,
    Report,
)
from outbox.models import OutgoingEmail, Submission
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_group

pytestmark = pytest.mark.faults

CLOSED = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally"
CONTACT = {
    "name": "Robin",
    "email": "robin@example.org",
    "topic": "other",
    "message": "Is there a group in Leeds?",
    "website": "",
}


class OutboxInsertFails:
    """The outbox's insert fails at the nth e-mail (counting from 1); the ones before it are saved."""

    def __init__(self, monkeypatch):
        self.real, self.at, self.calls = emails.email_queue, None, 0
        monkeypatch.setattr(emails, "email_queue", self)

    def __call__(self, **message):
        self.calls += 1
        if self.at is not None and self.calls >= self.at:
            raise OperationalError(CLOSED)
        return self.real(**message)


@pytest.fixture
def outbox_insert_fails(monkeypatch):
    return OutboxInsertFails(monkeypatch)


def token_of(response):
    return re.search(r'name="submission" value="([^"]+)"', response.content.decode())[1]


# --- Views: the visitor is told 503, and nothing is saved -------------------------------------


def test_a_contact_message_whose_second_email_fails_is_not_saved(client, db, outbox_insert_fails):
    token = token_of(client.get(reverse("contact")))
    outbox_insert_fails.at = 2  # the moderators' copy is saved, the sender's confirmation fails
    response = client.post(reverse("contact"), {**CONTACT, "submission": token})
    assert response.status_code == 503
    assert outbox_insert_fails.calls == 2
    assert not ContactMessage.objects.exists() and not OutgoingEmail.objects.exists()
    assert not Submission.objects.exists()

    outbox_insert_fails.at = None  # the database is back; the visitor sends the same form again
    response = client.post(reverse("contact"), {**CONTACT, "submission": token}, follow=True)
    assert "Thank you" in response.content.decode()
    assert ContactMessage.objects.count() == 1
    assert sorted(OutgoingEmail.objects.values_list("template", flat=True)) == [
        "contact_confirmation",
        "contact_message",
    ]


@pytest.fixture
def two_facilitators(group, other_facilitator):
    GroupFacilitator.objects.create(group=group, user=other_facilitator, role=GroupFacilitator.Role.CO)
    return group


def test_a_join_request_whose_second_facilitator_email_fails_is_not_saved(
    client, member, two_facilitators, outbox_insert_fails
):
    group = two_facilitators
    client.force_login(member)
    token = token_of(client.get(reverse("group_join", args=[group.slug])))
    outbox_insert_fails.at = 2
    response = client.post(reverse("group_join", args=[group.slug]), {"message": "Hello", "submission": token})
    assert response.status_code == 503
    assert not JoinRequest.objects.exists() and not OutgoingEmail.objects.exists()

    outbox_insert_fails.at = None
    response = client.post(
        reverse("group_join", args=[group.slug]), {"message": "Hello", "submission": token}, follow=True
    )
    assert "Your request is sent" in response.content.decode()
    assert JoinRequest.objects.get().status == "pending"
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == ["fran@example.org", "otto@example.org"]


def test_a_report_whose_moderator_email_fails_is_not_saved(client, member, group, moderator, outbox_insert_fails):
    client.force_login(member)
    outbox_insert_fails.at = 1
    response = client.post(reverse("group_report", args=[group.slug]), {"reason": "closed", "text": "Gone."})
    assert response.status_code == 503
    assert not Report.objects.exists() and not OutgoingEmail.objects.exists()


def test_a_sign_up_whose_verification_email_fails_is_not_saved(client, db, outbox_insert_fails):
    outbox_insert_fails.at = 1
    signup = {
        "display_name": "Riley",
        "email": "riley@example.org",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    response = client.post(reverse("account_signup"), signup)
    assert response.status_code == 503
    assert not User.objects.filter(email="riley@example.org").exists() and not OutgoingEmail.objects.exists()

    # Signing up again works: the address is not taken by a half-made account. (allauth sends one
    # verification e-mail per address every three minutes, counted in the rate-limit store: let them pass.)
    outbox_insert_fails.at = None
    caches["ratelimit"].clear()
    assert client.post(reverse("account_signup"), signup).status_code == 302
    assert OutgoingEmail.objects.get().to == "riley@example.org"


def test_an_adviser_invitation_whose_email_fails_is_not_saved(client, facilitator, group, outbox_insert_fails):
    professional = make_professional(licence_region="NY", open_to_contact=True)
    client.force_login(facilitator)
    outbox_insert_fails.at = 1
    response = client.post(reverse("adviser_invite", args=[group.slug, professional.user.pk]))
    assert response.status_code == 503
    assert not GroupAdviser.objects.exists() and not OutgoingEmail.objects.exists()


# --- Services: the action is rolled back with its e-mails -------------------------------------
# Each case sets the scene and gives (act, nothing_saved): act() fetches what it changes afresh, so
# it can run again after a failure; nothing_saved() is true while the action has left no trace.


def no_events(group):
    return not ListingEvent.objects.filter(group=group).exists()


def approve_request(group, member, moderator, facilitator):
    request = JoinRequest.objects.create(group=group, user=member, message="Hello")
    return (
        lambda: membership.join_request_approve(request=JoinRequest.objects.get(pk=request.pk), by=facilitator),
        lambda: JoinRequest.objects.get(pk=request.pk).status == "pending",
    )


def decline_request(group, member, moderator, facilitator):
    request = JoinRequest.objects.create(group=group, user=member, message="Hello")
    return (
        lambda: membership.join_request_decline(request=JoinRequest.objects.get(pk=request.pk), by=facilitator),
        lambda: JoinRequest.objects.get(pk=request.pk).status == "pending",
    )


def submit_listing(group, member, moderator, facilitator):
    draft = make_group(facilitator, name="A Draft", slug="a-draft", status=PeerGroup.Status.DRAFT)
    return (
        lambda: services.group_submit(group=PeerGroup.objects.get(pk=draft.pk), by=facilitator),
        lambda: PeerGroup.objects.get(pk=draft.pk).status == "draft" and no_events(draft),
    )


def pending_listing(facilitator):
    return make_group(facilitator, name="Pending", slug="pending", status=PeerGroup.Status.PENDING)


def approve_listing(group, member, moderator, facilitator):
    pending = pending_listing(facilitator)
    return (
        lambda: services.group_approve(group=PeerGroup.objects.get(pk=pending.pk), by=moderator),
        lambda: PeerGroup.objects.get(pk=pending.pk).status == "pending" and no_events(pending),
    )


def reject_listing(group, member, moderator, facilitator):
    pending = pending_listing(facilitator)
    return (
        lambda: services.group_reject(group=PeerGroup.objects.get(pk=pending.pk), by=moderator, reason="No times"),
        lambda: PeerGroup.objects.get(pk=pending.pk).status == "pending" and no_events(pending),
    )


def unpublish_listing(group, member, moderator, facilitator):
    return (
        lambda: services.group_unpublish(group=PeerGroup.objects.get(pk=group.pk), by=moderator, reason="Closed"),
        lambda: PeerGroup.objects.get(pk=group.pk).status == "published" and no_events(group),
    )


def invite_co_facilitator(group, member, moderator, facilitator):
    return (
        lambda: services.facilitator_invite(group=group, email="new.co@example.org", by=facilitator),
        lambda: not FacilitatorInvitation.objects.exists(),
    )


def accept_invitation(group, member, moderator, facilitator):
    invitation = FacilitatorInvitation.objects.create(group=group, email=member.email, invited_by=facilitator)
    return (
        lambda: services.invitation_accept(invitation=FacilitatorInvitation.objects.get(pk=invitation.pk), user=member),
        lambda: not GroupFacilitator.objects.filter(user=member).exists() and no_events(group),
    )


def remind_stale_listing(group, member, moderator, facilitator):
    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - timedelta(days=61))
    return (
        services.sweep_listings,
        lambda: PeerGroup.objects.get(pk=group.pk).reminder_sent_at is None and no_events(group),
    )


def archive_stale_listing(group, member, moderator, facilitator):
    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - timedelta(days=181))
    return (
        services.sweep_listings,
        lambda: PeerGroup.objects.get(pk=group.pk).status == "published" and no_events(group),
    )


def apply_as_professional(group, member, moderator, facilitator):
    def act():
        profile = ProfessionalProfile(
            profession="psychologist",
            public_name="Dr Alice",
            credentials="PhD",
            licence_number="PSY-1",
            licence_region="NY",
            statement="I endorse it.",
        )
        professional_apply(profile=profile, user=member)

    return act, lambda: not ProfessionalProfile.objects.filter(user=member).exists()


def verify_professional(group, member, moderator, facilitator):
    profile = make_professional(status="pending")
    return (
        lambda: professional_verify(profile=ProfessionalProfile.objects.get(pk=profile.pk), by=moderator),
        lambda: ProfessionalProfile.objects.get(pk=profile.pk).status == "pending",
    )


@pytest.mark.parametrize(
    "scene",
    [
        approve_request,
        decline_request,
        submit_listing,
        approve_listing,
        reject_listing,
        unpublish_listing,
        invite_co_facilitator,
        accept_invitation,
        remind_stale_listing,
        archive_stale_listing,
        apply_as_professional,
        verify_professional,
    ],
)
def test_an_action_whose_email_cannot_be_saved_is_not_saved(scene, group, member, moderator, facilitator, monkeypatch):
    act, nothing_saved = scene(group, member, moderator, facilitator)
    failing = OutboxInsertFails(monkeypatch)
    failing.at = 1
    with pytest.raises(OperationalError):
        act()
    assert failing.calls == 1, "the action sends e-mail"
    assert nothing_saved() and not OutgoingEmail.objects.exists()

    failing.at = None  # the database is back: the same action is saved, with its e-mail
    act()
    assert not nothing_saved() and OutgoingEmail.objects.exists()
