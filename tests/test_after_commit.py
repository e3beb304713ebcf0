"""Real commits. Elsewhere tests/conftest.py runs on_commit callbacks at once, since a test's
transaction is never committed; these tests commit for real (transaction=True), so Django's own
on_commit runs: an action's first e-mail attempt and its task wait for the commit, and an action
that rolls back leaves neither its e-mail nor its task."""

from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from groups import membership, services
from groups.models import GroupChange, JoinRequest, Notice
from outbox.models import OutgoingEmail
from tests.conftest import make_group

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_join_requests_email_is_sent_only_once_its_transaction_commits(member, facilitator):
    group = make_group(facilitator)
    with transaction.atomic():
        membership.join_request_create(group=group, user=member, message="I finished DBT.")
        kept = OutgoingEmail.objects.get()
        assert (kept.to, kept.template, kept.sent_at) == ("fran@example.org", "join_request_received", None)
        assert mail.outbox == [], "nothing is sent before the commit"
    assert [message.to for message in mail.outbox] == [["fran@example.org"]]
    kept.refresh_from_db()
    assert kept.sent_at is not None and kept.attempts == 1


def test_a_join_request_that_rolls_back_leaves_no_email(member, facilitator):
    group = make_group(facilitator)
    with pytest.raises(RuntimeError), transaction.atomic():
        membership.join_request_create(group=group, user=member, message="I finished DBT.")
        raise RuntimeError("the request fails after the join request")
    assert not JoinRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_notices_change_task_runs_only_once_its_transaction_commits(member, facilitator):
    group = make_group(facilitator)
    JoinRequest.objects.create(group=group, user=member, status=JoinRequest.Status.APPROVED)
    with transaction.atomic():
        services.notice_post(notice=Notice(date=date(2099, 1, 6), text="No meeting"), group=group, by=facilitator)
        change = GroupChange.objects.get()
        assert change.sent_at is None, "the task has not run"
        assert not OutgoingEmail.objects.filter(template="group_changed").exists()
    change.refresh_from_db()
    assert change.sent_at is not None and change.recipient_count == 1
    assert [m.to for m in OutgoingEmail.objects.filter(template="group_changed")] == ["alice@example.org"]
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_member_asking_through_the_site_gets_the_email_sent_after_the_commit(client, member, facilitator):
    group = make_group(facilitator)
    client.force_login(member)
    response = client.post(reverse("group_join", args=[group.slug]), {"message": "Hello"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["fran@example.org"]]
    assert OutgoingEmail.objects.get().sent_at is not None
