"""Joining a group: the whole life of a request, capacity, limits, retention, e-mail, unlocking."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from groups import membership
from groups.models import JoinRequest
from tests.conftest import make_group, make_user

SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")


def ask(client, user, group, message="I finished a DBT program last spring."):
    client.force_login(user)
    return client.post(reverse("group_join", args=[group.slug]), {"message": message})


def test_the_join_page_says_who_reads_the_message(client, member, group):
    client.force_login(member)
    body = client.get(reverse("group_join", args=[group.slug])).content.decode()
    assert "facilitators will see your display name and your message" in body
    assert "do not include health details" in body


def test_signed_out_visitors_are_sent_to_log_in_and_come_back(client, group):
    url = reverse("group_join", args=[group.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_member_asks_to_join_and_the_facilitators_are_told(client, member, facilitator, group):
    response = ask(client, member, group)
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert (request.group, request.user, request.status) == (group, member, "pending")
    assert request.message == "I finished a DBT program last spring."
    message = mail.outbox[-1]
    assert message.to == [facilitator.email]
    assert "Alice asked to join" in message.body and "last spring" in message.body
    assert reverse("group_requests", args=[group.slug]) in message.body
    assert member.email not in message.body


def test_co_facilitators_are_told_too(client, member, facilitator, group):
    from groups.models import GroupFacilitator

    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role="co")
    ask(client, member, group)
    assert sorted(m.to[0] for m in mail.outbox) == [cora.email, facilitator.email]


def test_a_second_submit_creates_no_second_request(client, member, group):
    ask(client, member, group)
    ask(client, member, group, message="again")
    assert JoinRequest.objects.count() == 1


def test_the_database_refuses_a_second_open_request(member, group):
    JoinRequest.objects.create(group=group, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(group=group, user=member)


def test_a_racing_double_submit_returns_the_existing_request(member, group):
    first = JoinRequest.objects.create(group=group, user=member)
    # The page showed no request, so the service tries to create one: the constraint catches it.
    again, created = membership.join_request_create(group=group, user=member, message="")
    assert (again, created) == (first, False)


def test_a_member_withdraws_a_pending_request(client, member, group):
    ask(client, member, group)
    client.post(reverse("group_join_withdraw", args=[group.slug]))
    assert JoinRequest.objects.get().status == "withdrawn"
    # …and may ask again later.
    ask(client, member, group)
    assert JoinRequest.objects.filter(status="pending").count() == 1


def test_the_facilitator_approves_and_the_member_is_told_how_to_attend(client, member, facilitator, private_group):
    ask(client, member, private_group)
    request = JoinRequest.objects.get()
    client.force_login(facilitator)
    page = client.get(reverse("group_requests", args=[private_group.slug])).content.decode()
    assert "Alice" in page and "last spring" in page
    response = client.post(reverse("group_approve", args=[private_group.slug, request.pk]), {"note": "See you Tuesday"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == ("approved", facilitator, "See you Tuesday")
    message = mail.outbox[-1]
    assert message.to == [member.email]
    assert "99 Secret Lane" in message.body and "quiet-harbour-secret" in message.body
    assert "See you Tuesday" in message.body
    assert message.alternatives  # an HTML part too


def test_the_facilitator_declines_kindly_with_a_link_to_other_groups(client, member, facilitator, group):
    ask(client, member, group)
    request = JoinRequest.objects.get()
    client.force_login(facilitator)
    client.post(reverse("group_decline", args=[group.slug, request.pk]), {"note": ""})
    request.refresh_from_db()
    assert request.status == "declined"
    message = mail.outbox[-1]
    assert message.to == [member.email]
    assert "not a judgment of you" in message.body
    assert "/groups/?near=New+York" in message.body


def test_the_facilitator_removes_a_member(client, member, facilitator, group):
    approved = JoinRequest.objects.create(group=group, user=member, status="approved", decided_at=timezone.now())
    client.force_login(facilitator)
    response = client.post(reverse("group_remove", args=[group.slug, approved.pk]))
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "removed"


def test_a_member_leaves_a_group(client, member, group, other_group):
    leaving = JoinRequest.objects.create(group=group, user=member, status="approved", decided_at=timezone.now())
    staying = JoinRequest.objects.create(group=other_group, user=member, status="approved", decided_at=timezone.now())
    client.force_login(member)
    response = client.post(reverse("group_leave", args=[group.slug]))
    assert response.status_code == 302
    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert (leaving.status, staying.status) == ("removed", "approved")


def test_an_answered_request_cannot_be_answered_again(client, member, facilitator, group):
    request = JoinRequest.objects.create(group=group, user=member, status="declined")
    client.force_login(facilitator)
    client.post(reverse("group_approve", args=[group.slug, request.pk]))
    request.refresh_from_db()
    assert request.status == "declined"


def test_a_group_not_taking_members_says_so_and_takes_no_request(client, member, facilitator):
    group = make_group(facilitator, accepting_new_members=False)
    client.force_login(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "not taking new members" in page
    assert reverse("group_join", args=[group.slug]) not in page
    ask(client, member, group)
    assert not JoinRequest.objects.exists()


def test_a_full_group_says_so_and_takes_no_request(client, member, facilitator):
    group = make_group(facilitator, capacity=1)
    JoinRequest.objects.create(group=group, user=make_user("x@example.org", "X"), status="approved")
    client.force_login(member)
    assert "This group is full" in client.get(reverse("group_join", args=[group.slug])).content.decode()
    ask(client, member, group)
    assert JoinRequest.objects.filter(user=member).count() == 0


def test_approving_past_capacity_is_refused(client, facilitator):
    group = make_group(facilitator, capacity=1)
    first = JoinRequest.objects.create(group=group, user=make_user("a@example.org", "A"))
    second = JoinRequest.objects.create(group=group, user=make_user("b@example.org", "B"))
    membership.join_request_approve(request=first, by=facilitator)
    with pytest.raises(membership.JoinError):
        membership.join_request_approve(request=second, by=facilitator)
    assert group.join_requests.approved().count() == 1


def test_requests_are_rate_limited(client, member, facilitator, settings):
    settings.JOIN_REQUESTS_PER_DAY = 2
    groups = [make_group(facilitator, name=f"Group {i}") for i in range(3)]
    assert ask(client, member, groups[0]).status_code == 302
    assert ask(client, member, groups[1]).status_code == 302
    response = ask(client, member, groups[2])
    assert response.status_code == 429
    assert "wait until tomorrow" in response.content.decode()
    assert JoinRequest.objects.count() == 2


def test_an_overlong_message_gives_the_form_again(client, member, group):
    response = ask(client, member, group, message="x" * 5000)
    assert response.status_code == 400
    assert not JoinRequest.objects.exists()


def test_a_failing_mail_server_still_saves_the_request(client, member, group, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.fakes.BrokenEmailBackend"}}
    response = ask(client, member, group)
    assert response.status_code == 302
    assert JoinRequest.objects.get().status == "pending"


def test_decided_messages_are_erased_after_thirty_days(member, facilitator, group, other_group):
    old = JoinRequest.objects.create(
        group=group, user=member, message="old words", status="declined", decided_at=timezone.now() - timedelta(days=31)
    )
    recent = JoinRequest.objects.create(
        group=other_group,
        user=member,
        message="recent words",
        status="approved",
        decided_at=timezone.now() - timedelta(days=5),
    )
    third = make_group(facilitator, name="Third")
    waiting = JoinRequest.objects.create(
        group=third, user=member, message="still waiting", created_at=timezone.now() - timedelta(days=60)
    )
    call_command("sweep_listings", stdout=io.StringIO())
    for request in (old, recent, waiting):
        request.refresh_from_db()
    assert old.message == "" and old.message_erased_at is not None
    assert recent.message == "recent words"
    assert waiting.message == "still waiting"


def test_deleting_an_account_removes_its_requests(member, group):
    from accounts.services import delete_account

    JoinRequest.objects.create(group=group, user=member, message="hello")
    delete_account(user=member)
    assert not JoinRequest.objects.exists()


# --- What approval unlocks -----------------------------------------------------------------


@pytest.mark.parametrize("status", [None, "pending", "declined", "withdrawn", "removed"])
def test_only_approval_unlocks_the_private_details(client, member, private_group, status):
    if status:
        JoinRequest.objects.create(group=private_group, user=member, status=status)
    client.force_login(member)
    for url in (private_group.get_absolute_url(), reverse("group_manage")):
        body = client.get(url).content.decode()
        for secret in SECRETS:
            assert secret not in body, (status, url, secret)


def test_an_approved_member_sees_the_address_link_and_contact(client, member, private_group):
    JoinRequest.objects.create(group=private_group, user=member, status="approved", decided_at=timezone.now())
    client.force_login(member)
    for url in (private_group.get_absolute_url(), reverse("group_manage")):
        body = client.get(url).content.decode()
        assert "99 Secret Lane" in body and "St Brigid" in body, url
        assert "https://meet.example.org/quiet-harbour-secret" in body, url


def test_another_groups_approval_unlocks_nothing_here(client, member, private_group, other_group):
    JoinRequest.objects.create(group=other_group, user=member, status="approved")
    client.force_login(member)
    body = client.get(private_group.get_absolute_url()).content.decode()
    assert "99 Secret Lane" not in body


def test_who_asked_to_join_is_hidden_from_other_members_and_moderators(client, member, moderator, group):
    JoinRequest.objects.create(group=group, user=member, message="my private words")
    bob = make_user("bob@example.org", "Bob")
    for user in (bob, moderator):
        client.force_login(user)
        assert client.get(reverse("group_requests", args=[group.slug])).status_code == 403
        assert "my private words" not in client.get(group.get_absolute_url()).content.decode()


def test_a_failed_send_is_logged_not_raised(client, member, group, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "tests.fakes.BrokenEmailBackend"}}
    with caplog.at_level("ERROR", logger="dbtselfhelp.emails"):
        assert ask(client, member, group).status_code == 302
    assert "join_request_received could not be sent" in caplog.text
