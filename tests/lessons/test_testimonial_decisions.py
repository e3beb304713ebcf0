"""Testimonials are decided through lessons.services: a moderator only, once, with a reason to
reject, and each step kept in the testimonial's trail."""

import pytest
from django.urls import reverse

from dbtselfhelp.errors import Incomplete, NotAllowed, WrongState
from lessons import services
from lessons.models import Testimonial, TestimonialEvent

pytestmark = pytest.mark.django_db

Status = Testimonial.Status
Action = TestimonialEvent.Action


@pytest.fixture
def testimonial(member):
    return Testimonial.objects.create(text="Skills every week.", consent=True, user=member)


def test_a_member_cannot_publish_a_testimonial(testimonial, member):
    with pytest.raises(NotAllowed):
        services.testimonial_approve(testimonial=testimonial, by=member)
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.reviewed_by) == (Status.PENDING, None)
    assert not testimonial.events.exists()


def test_a_decided_testimonial_cannot_be_decided_again(testimonial, moderator):
    services.testimonial_reject(testimonial=testimonial, by=moderator, reason="Advertising")
    with pytest.raises(WrongState):
        services.testimonial_approve(testimonial=testimonial, by=moderator)
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.rejection_reason) == (Status.REJECTED, "Advertising")
    assert [e.action for e in testimonial.events.all()] == [Action.REJECTED]


def test_a_rejection_needs_a_reason(testimonial, moderator):
    with pytest.raises(Incomplete):
        services.testimonial_reject(testimonial=testimonial, by=moderator, reason="  ")
    assert Testimonial.objects.get().status == Status.PENDING


def test_sending_and_approving_leave_a_trail(client, member, moderator):
    client.force_login(member)
    data = {"text": "The group keeps me practising.", "display_name": "", "consent": "on"}
    assert client.post(reverse("testimonial_create"), data).status_code == 302
    testimonial = Testimonial.objects.get()
    client.force_login(moderator)
    assert client.post(reverse("moderation_testimonial_approve", args=[testimonial.pk])).status_code == 302
    trail = [(e.action, e.actor) for e in testimonial.events.order_by("created_at", "pk")]
    assert trail == [(Action.SUBMITTED, member), (Action.APPROVED, moderator)]


def test_rejecting_without_a_reason_in_the_console_says_so_and_changes_nothing(client, testimonial, moderator):
    client.force_login(moderator)
    response = client.post(reverse("moderation_testimonial_reject", args=[testimonial.pk]), {"reason": ""}, follow=True)
    assert response.redirect_chain == [(reverse("moderation_testimonials"), 302)]
    assert "Please give a reason." in response.content.decode()
    testimonial.refresh_from_db()
    assert testimonial.status == Status.PENDING
    assert not testimonial.events.exists()
