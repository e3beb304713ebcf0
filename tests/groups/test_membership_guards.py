"""The guards of groups/membership.py, called as Django's shell or a management command would
call them (no view in front): each refusal says why, in words for the person, and changes nothing."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups import membership
from groups.models import JoinRequest
from tests.conftest import make_group, make_user

DECIDED = datetime(2026, 11, 3, 18, 0, tzinfo=timezone.get_fixed_timezone(0))


def rows():
    """Every join request as (user, group, status, decided_at, decided_by, note): what a refusal must leave alone."""
    return sorted(
        JoinRequest.objects.values_list(
            "user__email", "group__name", "status", "decided_at", "decided_by__email", "decision_note"
        )
    )


def refused(call, message):
    """The call raises JoinError with this message; no row and no e-mail changes."""
    before, sent = rows(), len(mail.outbox)
    with pytest.raises(membership.JoinError) as raised:
        call()
    assert str(raised.value.message) == message
    assert rows() == before
    assert len(mail.outbox) == sent


def request(group, user, status, **fields):
    decided = {} if status == "pending" else {"decided_at": DECIDED}
    return JoinRequest.objects.create(group=group, user=user, status=status, **decided, **fields)


# --- Asking to join ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_a_group_that_is_not_published_takes_no_request(member, facilitator, status):
    group = make_group(facilitator, status=status)
    refused(
        lambda: membership.join_request_create(group=group, user=member, message="Hello"),
        "This group is not taking requests.",
    )
    assert not JoinRequest.objects.exists()


def test_a_group_not_accepting_members_takes_no_request(member, facilitator):
    group = make_group(facilitator, accepting_new_members=False)
    refused(
        lambda: membership.join_request_create(group=group, user=member, message="Hello"),
        "This group is not taking new members at the moment.",
    )
    assert not JoinRequest.objects.exists()


def test_a_full_group_takes_no_request(member, facilitator):
    group = make_group(facilitator, capacity=2)
    request(group, make_user("a@example.org", "A"), "approved")
    request(group, make_user("b@example.org", "B"), "approved")
    refused(
        lambda: membership.join_request_create(group=group, user=member, message="Hello"),
        "This group is full at the moment.",
    )
    assert not JoinRequest.objects.filter(user=member).exists()


def test_a_group_with_one_seat_left_still_takes_a_request(member, facilitator):
    group = make_group(facilitator, capacity=2)
    request(group, make_user("a@example.org", "A"), "approved")
    made, created = membership.join_request_create(group=group, user=member, message="  Hello  ")
    assert created is True
    assert (made.user, made.status, made.message) == (member, "pending", "Hello")
    assert mail.outbox[-1].to == ["fran@example.org"]


def test_a_facilitator_cannot_ask_to_join_their_own_group(facilitator, group):
    refused(
        lambda: membership.join_request_create(group=group, user=facilitator, message="Me too"),
        "You already facilitate this group.",
    )
    assert not JoinRequest.objects.exists()


def test_a_co_facilitator_cannot_ask_to_join_either(group):
    from groups.models import GroupFacilitator

    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role="co")
    refused(
        lambda: membership.join_request_create(group=group, user=cora, message=""), "You already facilitate this group."
    )


def test_the_daily_limit_holds_at_the_service_too(member, facilitator, settings):
    settings.JOIN_REQUESTS_PER_DAY = 1
    first = make_group(facilitator, name="First")
    second = make_group(facilitator, name="Second")
    membership.join_request_create(group=first, user=member, message="")
    refused(
        lambda: membership.join_request_create(group=second, user=member, message=""),
        "You have sent several requests today. Please wait until tomorrow to send another.",
    )
    assert rows()[0][:3] == ("alice@example.org", "First", "pending")
    assert len(rows()) == 1


def test_yesterdays_requests_do_not_count_against_today(member, facilitator, settings):
    settings.JOIN_REQUESTS_PER_DAY = 1
    first = make_group(facilitator, name="First")
    second = make_group(facilitator, name="Second")
    old = request(first, member, "pending")
    JoinRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=5))
    _made, created = membership.join_request_create(group=second, user=member, message="")
    assert created is True
    assert JoinRequest.objects.filter(user=member).count() == 2


# --- Withdrawing and leaving ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["approved", "declined", "withdrawn", "removed"])
def test_only_a_waiting_request_can_be_withdrawn(member, group, status):
    answered = request(group, member, status)
    refused(
        lambda: membership.join_request_withdraw(request=answered, by=member),
        "Only a request that is still waiting can be withdrawn.",
    )
    answered.refresh_from_db()
    assert answered.status == status


@pytest.mark.parametrize("status", ["pending", "declined", "withdrawn", "removed"])
def test_only_a_member_can_leave(member, group, status):
    not_member = request(group, member, status)
    refused(lambda: membership.membership_leave(request=not_member, by=member), "You are not a member of this group.")
    not_member.refresh_from_db()
    assert not_member.status == status


def test_a_member_who_leaves_is_recorded_as_removed_by_themselves(member, group):
    approved = request(group, member, "approved")
    membership.membership_leave(request=approved, by=member)
    approved.refresh_from_db()
    assert (approved.status, approved.decided_by) == ("removed", member)


# --- Deciding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["approved", "declined", "withdrawn", "removed"])
def test_an_answered_request_cannot_be_approved(member, facilitator, group, status):
    answered = request(group, member, status, decision_note="first answer")
    refused(
        lambda: membership.join_request_approve(request=answered, by=facilitator, note="again"),
        "This request has already been answered.",
    )


@pytest.mark.parametrize("status", ["approved", "declined", "withdrawn", "removed"])
def test_an_answered_request_cannot_be_declined(member, facilitator, group, status):
    answered = request(group, member, status, decision_note="first answer")
    refused(
        lambda: membership.join_request_decline(request=answered, by=facilitator, note="again"),
        "This request has already been answered.",
    )


def test_a_request_withdrawn_after_the_page_was_loaded_cannot_be_approved(member, facilitator, group):
    """The facilitator's page showed the request waiting; the member withdrew it since."""
    shown = request(group, member, "pending")
    JoinRequest.objects.filter(pk=shown.pk).update(status="withdrawn", decided_at=DECIDED)
    refused(
        lambda: membership.join_request_approve(request=shown, by=facilitator),
        "This request has already been answered.",
    )
    assert JoinRequest.objects.get().status == "withdrawn"


def test_the_full_group_message_at_approval(member, facilitator):
    group = make_group(facilitator, capacity=1)
    request(group, make_user("a@example.org", "A"), "approved")
    waiting = request(group, member, "pending")
    refused(
        lambda: membership.join_request_approve(request=waiting, by=facilitator),
        "The group is full: raise its capacity or remove a member first.",
    )
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_declining_an_online_group_points_to_online_groups(member, facilitator):
    group = make_group(
        facilitator,
        format="online",
        meeting_url="https://meet.example.org/x",
        latitude=None,
        longitude=None,
        venue="",
        address="",
        postal_code="",
    )
    waiting = request(group, member, "pending")
    membership.join_request_decline(request=waiting, by=facilitator, note="  We are full until spring.  ")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.decision_note) == (
        "declined",
        facilitator,
        "We are full until spring.",
    )
    assert mail.outbox[-1].to == ["alice@example.org"]
    assert "/groups/?format=online" in mail.outbox[-1].body


# --- Removing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "declined", "withdrawn", "removed"])
def test_removing_someone_who_is_not_a_member_is_refused(member, facilitator, group, status):
    not_member = request(group, member, status)
    refused(
        lambda: membership.membership_remove(request=not_member, by=facilitator, note="bye"),
        "That person is not a member.",
    )
    not_member.refresh_from_db()
    assert (not_member.status, not_member.decision_note) == (status, "")


def test_removing_a_member_records_who_and_why(member, facilitator, group):
    approved = request(group, member, "approved")
    membership.membership_remove(request=approved, by=facilitator, note=" Missed six meetings ")
    approved.refresh_from_db()
    assert (approved.status, approved.decided_by, approved.decision_note) == (
        "removed",
        facilitator,
        "Missed six meetings",
    )
