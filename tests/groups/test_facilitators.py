from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import FacilitatorInvitation, GroupFacilitator
from tests.conftest import make_user


def invite(client, facilitator, group, email="cora@example.org"):
    client.force_login(facilitator)
    return client.post(reverse("group_facilitators", args=[group.slug]), {"email": email})


def test_lead_invites_a_co_facilitator_who_accepts_while_signed_in(client, facilitator, group):
    response = invite(client, facilitator, group)
    assert response.status_code == 302
    invitation = FacilitatorInvitation.objects.get()
    assert mail.outbox[-1].to == ["cora@example.org"]
    link = reverse("invitation_accept", args=[invitation.token])
    assert link in mail.outbox[-1].body

    cora = make_user("cora@example.org", "Cora")
    client.force_login(cora)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert GroupFacilitator.objects.get(group=group, user=cora).role == "co"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert mail.outbox[-1].to == [facilitator.email]  # the lead hears about it
    # The co-facilitator can now edit.
    assert client.get(reverse("group_edit", args=[group.slug])).status_code == 200


def test_invitation_cannot_be_accepted_by_someone_else(client, facilitator, group, member):
    invite(client, facilitator, group)
    invitation = FacilitatorInvitation.objects.get()
    client.force_login(member)
    response = client.post(reverse("invitation_accept", args=[invitation.token]))
    assert response.status_code == 403
    assert not GroupFacilitator.objects.filter(user=member).exists()


def test_expired_invitation_is_refused(client, facilitator, group):
    invite(client, facilitator, group)
    FacilitatorInvitation.objects.update(created_at=timezone.now() - timedelta(days=30))
    cora = make_user("cora@example.org", "Cora")
    client.force_login(cora)
    response = client.post(reverse("invitation_accept", args=[FacilitatorInvitation.objects.get().token]))
    assert response.status_code == 403
    assert not GroupFacilitator.objects.filter(user=cora).exists()


def test_unknown_invitation_token_is_404(client, member):
    client.force_login(member)
    assert client.get(reverse("invitation_accept", args=["x" * 500])).status_code == 404


def test_anonymous_is_asked_to_sign_in_to_accept(client, facilitator, group):
    invite(client, facilitator, group)
    client.logout()
    response = client.get(reverse("invitation_accept", args=[FacilitatorInvitation.objects.get().token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lead_removes_a_co_facilitator(client, facilitator, group):
    cora = make_user("cora@example.org", "Cora")
    co = GroupFacilitator.objects.create(group=group, user=cora, role="co")
    client.force_login(facilitator)
    client.post(reverse("facilitator_remove", args=[group.slug, co.pk]))
    assert not GroupFacilitator.objects.filter(pk=co.pk).exists()
    assert group.events.first().action == "facilitator_removed"


def test_co_facilitator_cannot_invite_or_remove(client, facilitator, group):
    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role="co")
    lead = GroupFacilitator.objects.get(group=group, user=facilitator)
    client.force_login(cora)
    assert client.post(reverse("group_facilitators", args=[group.slug]), {"email": "x@example.org"}).status_code == 403
    assert client.post(reverse("facilitator_remove", args=[group.slug, lead.pk])).status_code == 403
    assert not FacilitatorInvitation.objects.exists()
    assert GroupFacilitator.objects.filter(pk=lead.pk).exists()


def test_the_lead_cannot_be_removed(client, facilitator, group):
    lead = GroupFacilitator.objects.get(group=group, user=facilitator)
    client.force_login(facilitator)
    client.post(reverse("facilitator_remove", args=[group.slug, lead.pk]))
    assert GroupFacilitator.objects.filter(pk=lead.pk).exists()


def test_inviting_a_bad_address_gives_the_form_again(client, facilitator, group):
    response = invite(client, facilitator, group, email="not-an-email")
    assert response.status_code == 400
    assert not FacilitatorInvitation.objects.exists()
