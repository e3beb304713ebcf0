"""The accounts services keep their rules whoever calls them (a view, Django's shell, a command):
a moderator decides applications and contact messages, from the state that allows it, and the
applicant alone changes their own listing. Each decision is kept in a trail."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import contact, professionals
from accounts.models import ContactMessage, ContactMessageEvent, ProfessionalEvent, ProfessionalProfile
from dbtselfhelp.errors import Incomplete, LimitReached, NotAllowed, WrongState
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

Status = ProfessionalProfile.Status


def new_message():
    return ContactMessage.objects.create(name="Robin", email="robin@example.org", topic="press", message="Hello")


def test_a_member_cannot_verify_an_application(member):
    profile = make_professional(status=Status.PENDING)
    with pytest.raises(NotAllowed):
        professionals.professional_verify(profile=profile, by=member)
    profile.refresh_from_db()
    assert (profile.status, profile.reviewed_by) == (Status.PENDING, None)
    assert not profile.events.exists()
    assert mail.outbox == []


def test_a_moderator_cannot_decide_an_application_twice(moderator):
    profile = make_professional(status=Status.REJECTED)
    with pytest.raises(WrongState) as refused:
        professionals.professional_verify(profile=profile, by=moderator)
    assert refused.value.status == 409
    profile.refresh_from_db()
    assert profile.status == Status.REJECTED
    assert mail.outbox == []


def test_a_rejection_needs_a_reason_in_the_service_too(moderator):
    profile = make_professional(status=Status.PENDING)
    with pytest.raises(Incomplete):
        professionals.professional_reject(profile=profile, by=moderator, reason=" ")
    assert ProfessionalProfile.objects.get().status == Status.PENDING


def test_nobody_else_can_withdraw_an_endorser(member):
    profile = make_professional()
    with pytest.raises(NotAllowed):
        professionals.professional_withdraw(profile=profile, by=member)
    assert ProfessionalProfile.objects.get().status == Status.VERIFIED


def test_nobody_else_can_edit_an_endorsers_listing(member):
    profile = make_professional()
    profile.statement = "Someone else's words."
    with pytest.raises(NotAllowed):
        professionals.professional_update(profile=profile, by=member, changed=["statement"])
    assert ProfessionalProfile.objects.get().statement != "Someone else's words."


def test_the_trail_names_each_step_in_words(client, moderator):
    profile = make_professional(status=Status.PENDING)
    professionals.professional_verify(profile=profile, by=moderator, note="Register checked")
    event = profile.events.get()
    assert (event.action, event.get_action_display(), event.actor) == ("verified", "Verified", moderator)
    client.force_login(moderator)
    assert (
        "<strong>Verified</strong>"
        in client.get(reverse("moderation_professional", args=[profile.pk])).content.decode()
    )


def test_the_trail_keeps_the_words_stored_before_it_had_choices(db):
    profile = make_professional()
    ProfessionalEvent.objects.create(profile=profile, action="changed credentials")
    assert ProfessionalEvent.objects.get().action == ProfessionalEvent.Action.CHANGED_CREDENTIALS


def test_a_member_cannot_mark_a_contact_message_handled(member):
    message = new_message()
    with pytest.raises(NotAllowed):
        contact.contact_message_handle(message=message, by=member)
    message.refresh_from_db()
    assert (message.status, message.handled_by) == (ContactMessage.Status.NEW, None)
    assert not message.events.exists()


def test_a_message_is_handled_once_and_the_trail_says_by_whom(moderator):
    message = new_message()
    contact.contact_message_handle(message=message, by=moderator)
    other = make_user("mod2@example.org", "Mod Two", moderator=True)
    with pytest.raises(WrongState):
        contact.contact_message_handle(message=message, by=other)
    message.refresh_from_db()
    assert (message.status, message.handled_by) == (ContactMessage.Status.HANDLED, moderator)
    assert [(e.action, e.actor) for e in message.events.all()] == [(ContactMessageEvent.Action.HANDLED, moderator)]


def test_a_message_sent_from_the_page_starts_its_trail(client, db):
    data = {"name": "Robin", "email": "robin@example.org", "topic": "press", "message": "Hello", "website": ""}
    assert client.post(reverse("contact"), data).status_code == 302
    event = ContactMessageEvent.objects.get()
    assert (event.message.name, event.action, event.actor) == ("Robin", ContactMessageEvent.Action.RECEIVED, None)


def test_the_service_keeps_the_hourly_limit_per_address(db):
    for _ in range(3):  # three messages an hour from one address
        new_message()
    message = ContactMessage(name="Robin", email="ROBIN@example.org", topic="press", message="Again")
    with pytest.raises(LimitReached) as refused:
        contact.contact_message_send(message=message, sender="test")
    assert refused.value.status == 429
    assert ContactMessage.objects.count() == 3
    assert mail.outbox == []
