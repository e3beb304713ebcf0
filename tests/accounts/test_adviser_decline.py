"""A professional declines a group's request to be named as its adviser."""

from django.core import mail
from django.urls import reverse

from groups.models import GroupAdviser
from tests.accounts.test_professionals import make_professional


def invite(client, facilitator, group):
    profile = make_professional()
    client.force_login(facilitator)
    assert client.post(reverse("adviser_invite", args=[group.slug, profile.user.pk])).status_code == 302
    return profile, GroupAdviser.objects.get()


def test_declining_keeps_the_professional_off_the_group_page(client, facilitator, group):
    profile, invitation = invite(client, facilitator, group)
    client.force_login(profile.user)
    page = client.get(reverse("professional_me")).content.decode()
    assert "Groups asking you to be an adviser" in page and reverse("adviser_decline", args=[invitation.pk]) in page

    response = client.post(reverse("adviser_decline", args=[invitation.pk]), follow=True)
    assert response.redirect_chain == [(reverse("professional_me"), 302)]
    page = response.content.decode()
    assert "You declined; the group will not list you." in page
    assert "Groups asking you to be an adviser" not in page  # nothing left to answer
    invitation.refresh_from_db()
    assert invitation.status == "declined" and invitation.responded_at is not None
    body = client.get(group.get_absolute_url()).content.decode()
    assert "Professional advisers" not in body and "Dr Dana Rivera" not in body


def test_a_declined_invitation_cannot_then_be_accepted(client, facilitator, group):
    profile, invitation = invite(client, facilitator, group)
    client.force_login(profile.user)
    client.post(reverse("adviser_decline", args=[invitation.pk]))
    assert client.post(reverse("adviser_accept", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("adviser_decline", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert "Professional advisers" not in client.get(group.get_absolute_url()).content.decode()


def test_the_facilitator_sees_the_answer_and_cannot_ask_again(client, facilitator, group):
    profile, invitation = invite(client, facilitator, group)
    client.force_login(profile.user)
    client.post(reverse("adviser_decline", args=[invitation.pk]))
    sent = len(mail.outbox)

    client.force_login(facilitator)
    page = client.get(reverse("group_facilitators", args=[group.slug])).content.decode()
    assert 'Dr Dana Rivera <span class="muted">(Declined)</span>' in page
    assert reverse("adviser_invite", args=[group.slug, profile.user.pk]) not in page
    assert client.post(reverse("adviser_invite", args=[group.slug, profile.user.pk])).status_code == 404
    assert GroupAdviser.objects.count() == 1
    assert len(mail.outbox) == sent


def test_only_the_invited_professional_can_decline(client, facilitator, group, member):
    _profile, invitation = invite(client, facilitator, group)
    client.force_login(member)
    assert client.post(reverse("adviser_decline", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_at) == ("invited", None)


def test_declining_is_a_post_only(client, facilitator, group):
    profile, invitation = invite(client, facilitator, group)
    client.force_login(profile.user)
    assert client.get(reverse("adviser_decline", args=[invitation.pk])).status_code == 405
    invitation.refresh_from_db()
    assert invitation.status == "invited"
