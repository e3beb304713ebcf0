"""The services keep their rules whoever calls them: a view, Django's shell or a management
command. Each test calls a service directly as someone the rule refuses, and checks that it
says no (ActionRefused, with its status) and that nothing changed and no e-mail went."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dbtselfhelp.errors import ActionRefused, Incomplete, NotAllowed, WrongState
from groups import membership, services
from groups.models import (
    FacilitatorInvitation,
    GroupAdviser,
    GroupFacilitator,
    JoinRequest,
    ListingEvent,
    Notice,
    PeerGroup,
    Report,
)
from tests.conftest import make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(group, member):
    return JoinRequest.objects.create(group=group, user=member, message="Hello")


@pytest.fixture
def co(group):
    co = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=co, role=GroupFacilitator.Role.CO)
    return co


# --- Join requests: only the group's facilitators decide ------------------------------------


def test_a_facilitator_of_another_group_cannot_approve_a_request(waiting, other_facilitator):
    make_group(other_facilitator, name="Other Group")
    with pytest.raises(NotAllowed) as refused:
        membership.join_request_approve(request=waiting, by=other_facilitator)
    assert refused.value.status == 403
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.decided_at) == (JoinRequest.Status.PENDING, None, None)
    assert mail.outbox == []


def test_a_member_cannot_approve_their_own_request(waiting, member):
    with pytest.raises(NotAllowed):
        membership.join_request_approve(request=waiting, by=member)
    waiting.refresh_from_db()
    assert waiting.status == JoinRequest.Status.PENDING


def test_nobody_at_all_cannot_approve_a_request(waiting):
    with pytest.raises(NotAllowed):
        membership.join_request_approve(request=waiting, by=None)
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_a_co_facilitator_can_approve_a_request(waiting, co):
    membership.join_request_approve(request=waiting, by=co)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (JoinRequest.Status.APPROVED, co)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_an_outsider_cannot_decline_a_request(waiting, other_facilitator):
    with pytest.raises(NotAllowed):
        membership.join_request_decline(request=waiting, by=other_facilitator, note="No")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decision_note) == (JoinRequest.Status.PENDING, "")
    assert mail.outbox == []


def test_an_outsider_cannot_remove_a_member(group, member, other_facilitator):
    approved = JoinRequest.objects.create(group=group, user=member, status=JoinRequest.Status.APPROVED)
    with pytest.raises(NotAllowed):
        membership.membership_remove(request=approved, by=other_facilitator)
    approved.refresh_from_db()
    assert approved.status == JoinRequest.Status.APPROVED


def test_nobody_else_can_withdraw_a_members_request(waiting, other_facilitator):
    with pytest.raises(ActionRefused) as refused:
        membership.join_request_withdraw(request=waiting, by=other_facilitator)
    assert refused.value.status == 403
    waiting.refresh_from_db()
    assert waiting.status == JoinRequest.Status.PENDING


def test_nobody_else_can_make_a_member_leave(group, member, facilitator):
    approved = JoinRequest.objects.create(group=group, user=member, status=JoinRequest.Status.APPROVED)
    with pytest.raises(ActionRefused) as refused:
        membership.membership_leave(request=approved, by=facilitator)
    assert refused.value.status == 403
    approved.refresh_from_db()
    assert approved.status == JoinRequest.Status.APPROVED


def test_deciding_an_answered_request_is_refused_with_409(waiting, facilitator):
    membership.join_request_decline(request=waiting, by=facilitator)
    mail.outbox.clear()
    with pytest.raises(membership.JoinError) as refused:
        membership.join_request_approve(request=waiting, by=facilitator)
    assert refused.value.status == 409
    assert JoinRequest.objects.get().status == JoinRequest.Status.DECLINED
    assert mail.outbox == []


# --- Notices and the listing: its facilitators only -------------------------------------------


def test_an_outsider_cannot_post_a_notice(group, other_facilitator):
    notice = Notice(date=date(2030, 1, 1), text="No meeting", cancels_meeting=True)
    with pytest.raises(NotAllowed):
        services.notice_post(notice=notice, group=group, by=other_facilitator)
    assert not Notice.objects.exists()


def test_an_outsider_cannot_remove_a_notice(group, facilitator, other_facilitator):
    notice = Notice.objects.create(group=group, date=date(2030, 1, 1), text="No meeting", created_by=facilitator)
    with pytest.raises(NotAllowed):
        services.notice_delete(notice=notice, by=other_facilitator)
    assert Notice.objects.filter(pk=notice.pk).exists()


def test_an_outsider_cannot_submit_a_draft(facilitator, other_facilitator):
    draft = make_group(facilitator, status=PeerGroup.Status.DRAFT)
    with pytest.raises(NotAllowed):
        services.group_submit(group=draft, by=other_facilitator)
    draft.refresh_from_db()
    assert draft.status == PeerGroup.Status.DRAFT
    assert not draft.events.filter(action=ListingEvent.Action.SUBMITTED).exists()
    assert mail.outbox == []


def test_submitting_what_is_already_waiting_is_refused_with_409(facilitator):
    pending = make_group(facilitator, status=PeerGroup.Status.PENDING)
    with pytest.raises(WrongState) as refused:
        services.group_submit(group=pending, by=facilitator)
    assert refused.value.status == 409
    assert "nothing to submit" in str(refused.value.message)
    assert not pending.events.exists()


def test_an_outsider_cannot_confirm_a_listing(facilitator, other_facilitator):
    long_ago = timezone.now() - timedelta(days=70)
    group = make_group(facilitator, last_confirmed_at=long_ago)
    with pytest.raises(NotAllowed):
        services.group_confirm(group=group, by=other_facilitator)
    group.refresh_from_db()
    assert group.last_confirmed_at == long_ago


# --- Moderators' decisions: a moderator, from the right state ---------------------------------


def test_a_facilitator_cannot_approve_their_own_listing(facilitator):
    pending = make_group(facilitator, status=PeerGroup.Status.PENDING)
    with pytest.raises(NotAllowed):
        services.group_approve(group=pending, by=facilitator)
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (PeerGroup.Status.PENDING, None)
    assert mail.outbox == []


def test_a_moderator_without_an_authenticator_app_cannot_approve(facilitator):
    pending = make_group(facilitator, status=PeerGroup.Status.PENDING)
    half_moderator = make_user("half@example.org", "Half", moderator=True, authenticator=False)
    with pytest.raises(NotAllowed):
        services.group_approve(group=pending, by=half_moderator)
    assert PeerGroup.objects.get().status == PeerGroup.Status.PENDING


def test_the_shell_cannot_archive_a_listing_without_a_moderator(group):
    with pytest.raises(NotAllowed):
        services.group_archive(group=group, by=None, reason="Closing it")
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED
    assert not group.events.filter(action=ListingEvent.Action.ARCHIVED).exists()


@pytest.mark.parametrize(
    ("status", "decide"),
    [
        (PeerGroup.Status.PUBLISHED, lambda group, by: services.group_reject(group=group, by=by, reason="No")),
        (PeerGroup.Status.DRAFT, lambda group, by: services.group_approve(group=group, by=by)),
        (PeerGroup.Status.DRAFT, lambda group, by: services.group_unpublish(group=group, by=by, reason="No")),
        (PeerGroup.Status.ARCHIVED, lambda group, by: services.group_archive(group=group, by=by)),
    ],
)
def test_a_moderator_cannot_decide_a_listing_from_the_wrong_state(facilitator, moderator, status, decide):
    group = make_group(facilitator, status=status)
    with pytest.raises(WrongState) as refused:
        decide(group, moderator)
    assert refused.value.status == 409
    group.refresh_from_db()
    assert group.status == status
    assert not group.events.exists()
    assert mail.outbox == []


def test_a_rejection_needs_a_reason(facilitator, moderator):
    pending = make_group(facilitator, status=PeerGroup.Status.PENDING)
    with pytest.raises(Incomplete) as refused:
        services.group_reject(group=pending, by=moderator, reason="  ")
    assert refused.value.status == 400
    assert PeerGroup.objects.get().status == PeerGroup.Status.PENDING


def test_a_facilitator_cannot_close_a_report_on_their_group(group, facilitator, member):
    report = Report.objects.create(group=group, reporter=member, reason=Report.Reason.choices[0][0], text="Wrong")
    with pytest.raises(NotAllowed):
        services.report_close(report=report, by=facilitator)
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (Report.Status.OPEN, None)


def test_a_member_cannot_ask_the_facilitators_about_a_report(group, member):
    report = Report.objects.create(group=group, reporter=member, reason=Report.Reason.choices[0][0], text="Wrong")
    with pytest.raises(NotAllowed):
        services.report_ask_facilitators(report=report, by=member, question="Is this right?")
    assert not group.events.filter(action=ListingEvent.Action.FACILITATORS_ASKED).exists()
    assert mail.outbox == []


# --- Co-facilitators: the lead invites and removes -------------------------------------------


def test_a_co_facilitator_cannot_invite(group, co):
    with pytest.raises(NotAllowed):
        services.facilitator_invite(group=group, email="new@example.org", by=co)
    assert not FacilitatorInvitation.objects.exists()
    assert mail.outbox == []


def test_a_co_facilitator_cannot_remove_another(group, co, facilitator):
    other = make_user("oli@example.org", "Oli")
    facilitation = GroupFacilitator.objects.create(group=group, user=other, role=GroupFacilitator.Role.CO)
    with pytest.raises(NotAllowed):
        services.facilitator_remove(facilitation=facilitation, by=co)
    assert GroupFacilitator.objects.filter(pk=facilitation.pk).exists()


def test_the_lead_cannot_be_removed_even_by_the_lead(group, facilitator):
    lead = GroupFacilitator.objects.get(group=group, user=facilitator)
    with pytest.raises(WrongState):
        services.facilitator_remove(facilitation=lead, by=facilitator)
    assert GroupFacilitator.objects.filter(pk=lead.pk).exists()


def test_a_co_facilitator_cannot_withdraw_an_invitation(group, co, facilitator):
    invitation = FacilitatorInvitation.objects.create(group=group, email="new@example.org", invited_by=facilitator)
    with pytest.raises(NotAllowed):
        services.invitation_cancel(invitation=invitation, by=co)
    assert FacilitatorInvitation.objects.filter(pk=invitation.pk).exists()


def test_an_invitation_cannot_be_accepted_by_someone_it_was_not_sent_to(group, facilitator, member):
    invitation = FacilitatorInvitation.objects.create(group=group, email="new@example.org", invited_by=facilitator)
    with pytest.raises(NotAllowed) as refused:
        services.invitation_accept(invitation=invitation, user=member)
    assert "another e-mail address" in str(refused.value.message)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not group.is_facilitator(member)
    assert mail.outbox == []


# --- Advisers ------------------------------------------------------------------------------


def test_an_outsider_cannot_ask_a_professional_to_advise(group, other_facilitator):
    professional = make_user("pro@example.org", "Pro")
    with pytest.raises(NotAllowed):
        services.adviser_invite(group=group, professional=professional, by=other_facilitator)
    assert not GroupAdviser.objects.exists()
    assert mail.outbox == []


def test_only_the_professional_asked_can_answer(group, facilitator, member):
    professional = make_user("pro@example.org", "Pro")
    adviser = GroupAdviser.objects.create(group=group, user=professional, invited_by=facilitator)
    with pytest.raises(NotAllowed):
        services.adviser_respond(adviser=adviser, by=member, accept=True)
    adviser.refresh_from_db()
    assert (adviser.status, adviser.responded_at) == (GroupAdviser.Status.INVITED, None)


def test_a_professional_can_decline_being_an_adviser(group, facilitator):
    professional = make_user("pro@example.org", "Pro")
    adviser = GroupAdviser.objects.create(group=group, user=professional, invited_by=facilitator)
    services.adviser_respond(adviser=adviser, by=professional, accept=False)
    adviser.refresh_from_db()
    assert adviser.status == GroupAdviser.Status.DECLINED
    with pytest.raises(WrongState):
        services.adviser_respond(adviser=adviser, by=professional, accept=True)
    assert GroupAdviser.objects.get().status == GroupAdviser.Status.DECLINED


# --- How a refusal reaches the person ------------------------------------------------------


def test_a_refused_decision_comes_back_to_the_requests_page_with_the_reason(client, waiting, facilitator):
    membership.join_request_decline(request=waiting, by=facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("group_approve", args=[waiting.group.slug, waiting.pk]), follow=True)
    assert response.redirect_chain == [(reverse("group_requests", args=[waiting.group.slug]), 302)]
    assert "This request has already been answered." in response.content.decode()
    assert JoinRequest.objects.get().status == JoinRequest.Status.DECLINED


def test_a_moderators_decision_from_the_wrong_state_comes_back_to_the_review_page(client, group, moderator):
    client.force_login(moderator)
    response = client.post(reverse("moderation_reject", args=[group.slug]), {"reject-reason": "No"}, follow=True)
    assert response.redirect_chain == [(reverse("moderation_group", args=[group.slug]), 302)]
    assert "That cannot be done to a listing that is published." in response.content.decode()
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED


def test_the_console_reads_its_queues_from_the_setting(settings):
    from groups.views.moderation import queue_counts

    settings.MODERATION_QUEUES = ["lessons.moderation"]
    assert [queue["name"] for queue in queue_counts()] == ["Testimonials"]


def test_a_queue_module_that_cannot_be_imported_is_an_error_not_a_silence(settings):
    from groups.views.moderation import queue_counts

    settings.MODERATION_QUEUES = ["groups.moderation", "no_such_app.moderation"]
    with pytest.raises(ImportError):
        queue_counts()
