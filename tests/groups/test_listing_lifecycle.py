"""The whole life of a listing: draft, submit, approve or reject, edit, unpublish, archive."""

from datetime import time

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import GroupFacilitator, ListingEvent, MeetingTime, PeerGroup
from tests.conftest import make_group
from tests.groups.forms import listing_data


def test_a_verified_member_lists_a_group_as_a_draft(client, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("group_create"), listing_data())
    group = PeerGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert group.status == PeerGroup.Status.DRAFT
    assert group.slug == "morningside-skills-group"
    # Placed from the ZIP code, offline, with the time zone filled from the location.
    assert group.latitude == pytest.approx(40.81, abs=0.05)
    assert group.longitude == pytest.approx(-73.95, abs=0.05)
    assert group.time_zone == "America/New_York"
    assert group.public_latitude == group.latitude
    assert GroupFacilitator.objects.get(group=group).user == facilitator
    assert GroupFacilitator.objects.get(group=group).role == "lead"
    meeting = MeetingTime.objects.get(group=group)
    assert (meeting.weekday, meeting.start, meeting.end) == (2, time(18, 30), time(20))
    assert list(group.events.values_list("action", flat=True)) == ["created"]


def test_a_draft_is_not_public(client, facilitator, member):
    group = make_group(facilitator, status=PeerGroup.Status.DRAFT)
    assert client.get(group.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(group.get_absolute_url()).status_code == 404
    client.force_login(facilitator)
    response = client.get(group.get_absolute_url())
    assert response.status_code == 200
    assert "Status: Draft." in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_non_public_states_are_404_to_visitors_and_show_a_banner_to_moderators(client, facilitator, moderator, status):
    group = make_group(facilitator, status=status)
    assert client.get(group.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    response = client.get(group.get_absolute_url())
    assert response.status_code == 200
    assert 'class="status-banner' in response.content.decode()


def test_submit_sends_the_listing_to_moderators(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.DRAFT)
    client.force_login(facilitator)
    response = client.post(reverse("group_submit", args=[group.slug]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PENDING
    assert group.submitted_at is not None
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    client.force_login(moderator)
    console = client.get(reverse("moderation")).content.decode()
    assert group.name in console


def test_moderator_approves_and_the_facilitator_is_told(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.PENDING)
    client.force_login(moderator)
    response = client.post(reverse("moderation_approve", args=[group.slug]), {"approve-note": "Looks good"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED
    assert group.reviewed_by == moderator
    assert group.review_snapshot["name"] == group.name
    event = group.events.first()
    assert (event.action, event.actor, event.note) == ("approved", moderator, "Looks good")
    assert mail.outbox[-1].to == [facilitator.email]
    assert "is public" in mail.outbox[-1].subject
    client.logout()
    assert client.get(group.get_absolute_url()).status_code == 200


def test_moderator_rejects_with_a_reason_that_is_emailed(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.PENDING)
    client.force_login(moderator)
    response = client.post(
        reverse("moderation_reject", args=[group.slug]), {"reject-reason": "Please add the meeting room."}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.REJECTED
    assert group.rejection_reason == "Please add the meeting room."
    message = mail.outbox[-1]
    assert message.to == [facilitator.email]
    assert "Please add the meeting room." in message.body
    assert reverse("group_edit", args=[group.slug]) in message.body
    assert message.alternatives and "Please add the meeting room." in message.alternatives[0][0]
    event = group.events.first()
    assert (event.action, event.actor, event.note) == ("rejected", moderator, "Please add the meeting room.")


def test_reject_without_a_reason_changes_nothing(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.PENDING)
    client.force_login(moderator)
    client.post(reverse("moderation_reject", args=[group.slug]), {"reject-reason": "  "})
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PENDING
    assert not mail.outbox


def test_a_rejected_listing_can_be_edited_and_submitted_again(client, facilitator):
    group = make_group(facilitator, status=PeerGroup.Status.REJECTED, rejection_reason="Add the room")
    client.force_login(facilitator)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Add the room" in page
    client.post(reverse("group_submit", args=[group.slug]))
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PENDING


def test_editing_a_published_listing_keeps_it_public_and_queues_the_change(client, facilitator, moderator, group):
    client.force_login(facilitator)
    data = listing_data(
        name=group.name,
        latitude=str(group.latitude),
        longitude=str(group.longitude),
        time_zone="America/New_York",
        venue="Riverside Library, Room 4",
        address=group.address,
        postal_code=group.postal_code,
    )
    data.update({"meetings-INITIAL_FORMS": "1", "meetings-0-id": str(group.meeting_times.get().pk)})
    data.update({"meetings-0-weekday": "1", "meetings-0-start": "19:00", "meetings-0-end": "20:30"})
    response = client.post(reverse("group_edit", args=[group.slug]), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED
    assert group.has_unreviewed_changes
    assert group.venue == "Riverside Library, Room 4"
    labels = [change.label for change in group.changes_since_review()]
    assert "Venue" in labels

    client.force_login(moderator)
    console = client.get(reverse("moderation")).content.decode()
    assert group.name in console.split('id="changed"')[1]
    review = client.get(reverse("moderation_group", args=[group.slug])).content.decode()
    assert "Riverside Library, Room 4" in review and "Riverside Library, Room 2" in review

    client.post(reverse("moderation_approve", args=[group.slug]))
    group.refresh_from_db()
    assert not group.has_unreviewed_changes
    assert group.events.first().action == "changes_reviewed"


def test_moderator_unpublishes_with_a_reason(client, facilitator, moderator, group):
    client.force_login(moderator)
    client.post(reverse("moderation_unpublish", args=[group.slug]), {"unpublish-reason": "Reported closed"})
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.DRAFT
    assert "Reported closed" in mail.outbox[-1].body
    client.logout()
    assert client.get(group.get_absolute_url()).status_code == 404


def test_moderator_archives_and_the_decision_is_recorded(client, moderator, group):
    client.force_login(moderator)
    client.post(reverse("moderation_archive", args=[group.slug]), {"archive-note": "Duplicate"})
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.ARCHIVED
    event = ListingEvent.objects.filter(group=group).first()
    assert (event.action, event.actor, event.note) == ("archived", moderator, "Duplicate")
    history = client.get(group.get_absolute_url()).content.decode()
    assert "Archived" in history and "Duplicate" in history


def test_approving_a_draft_is_refused(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.DRAFT)
    client.force_login(moderator)
    client.post(reverse("moderation_approve", args=[group.slug]))
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.DRAFT


def test_still_correct_confirms_the_listing(client, facilitator, group):
    from datetime import timedelta

    from django.utils import timezone

    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - timedelta(days=100))
    client.force_login(facilitator)
    client.post(reverse("group_confirm", args=[group.slug]))
    group.refresh_from_db()
    assert group.days_since_confirmed() == 0
    assert group.events.first().action == "confirmed"
