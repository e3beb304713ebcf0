"""Professional endorsers: apply, verify or reject, edit, withdraw, the public list, advisers."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ProfessionalProfile
from groups.models import GroupAdviser
from tests.conftest import make_user

APPLICATION = {
    "public_name": "Dr Dana Rivera",
    "profession": "psychologist",
    "credentials": "PhD, DBT-Linehan Board Certified",
    "licence_number": "PSY-998877",
    "licence_region": "NY",
    "organisation": "Harbor Clinic",
    "website": "https://harbor.example.org",
    "statement": "Skills practice with peers keeps the gains of treatment alive.",
    "open_to_contact": "on",
    "consent": "on",
}


def make_professional(email="dana@example.org", status="verified", **fields):
    from django.utils import timezone

    user = make_user(email, fields.pop("display_name", "Dana"))
    data = {k: v for k, v in APPLICATION.items() if k not in ("open_to_contact", "consent")}
    data.update(open_to_contact=True, consent=True, status=status, verified_at=timezone.now())
    data.update(fields)
    return ProfessionalProfile.objects.create(user=user, **data)


def test_a_verified_member_applies_and_moderators_are_told(client, member, moderator):
    client.force_login(member)
    response = client.post(reverse("professional_join"), APPLICATION)
    assert response.status_code == 302
    profile = ProfessionalProfile.objects.get(user=member)
    assert (profile.status, profile.licence_number) == ("pending", "PSY-998877")
    assert mail.outbox[-1].to == [moderator.email]
    assert profile.events.first().action == "applied"


def test_an_application_without_consent_is_refused(client, member):
    client.force_login(member)
    response = client.post(reverse("professional_join"), dict(APPLICATION, consent=""))
    assert response.status_code == 400
    assert "only list you with your consent" in response.content.decode()
    assert not ProfessionalProfile.objects.exists()


@pytest.mark.parametrize("field", ["public_name", "credentials", "licence_number", "statement"])
def test_huge_or_missing_fields_are_refused(client, member, field):
    client.force_login(member)
    assert client.post(reverse("professional_join"), dict(APPLICATION, **{field: ""})).status_code == 400
    assert client.post(reverse("professional_join"), dict(APPLICATION, **{field: "x" * 20000})).status_code == 400
    assert not ProfessionalProfile.objects.exists()


def test_moderator_verifies_with_the_checklist_and_the_applicant_is_told(client, moderator):
    profile = make_professional(status="pending")
    client.force_login(moderator)
    page = client.get(reverse("moderation_professional", args=[profile.pk])).content.decode()
    assert "public register" in page and "PSY-998877" in page
    client.post(reverse("moderation_professional_verify", args=[profile.pk]), {"note": "Checked NY register"})
    profile.refresh_from_db()
    assert (profile.status, profile.reviewed_by) == ("verified", moderator)
    assert profile.verified_at is not None
    assert mail.outbox[-1].to == ["dana@example.org"]
    assert profile.events.first().note == "Checked NY register"


def test_moderator_rejects_with_a_reason(client, moderator):
    profile = make_professional(status="pending")
    client.force_login(moderator)
    client.post(reverse("moderation_professional_reject", args=[profile.pk]), {"reason": "Licence not found"})
    profile.refresh_from_db()
    assert (profile.status, profile.rejection_reason) == ("rejected", "Licence not found")
    assert "Licence not found" in mail.outbox[-1].body


def test_reject_without_a_reason_changes_nothing(client, moderator):
    profile = make_professional(status="pending")
    client.force_login(moderator)
    client.post(reverse("moderation_professional_reject", args=[profile.pk]), {"reason": ""})
    profile.refresh_from_db()
    assert profile.status == "pending"


def test_editing_the_statement_keeps_the_listing(client, db):
    profile = make_professional()
    client.force_login(profile.user)
    client.post(reverse("professional_me"), dict(APPLICATION, statement="Updated words of support."))
    profile.refresh_from_db()
    assert (profile.status, profile.statement) == ("verified", "Updated words of support.")


def test_changing_credentials_goes_back_to_review(client, moderator):
    profile = make_professional()
    client.force_login(profile.user)
    client.post(reverse("professional_me"), dict(APPLICATION, credentials="PsyD"))
    profile.refresh_from_db()
    assert profile.status == "pending"
    assert "Dr Dana Rivera" not in client.get(reverse("professional_list")).content.decode()
    assert mail.outbox[-1].to == [moderator.email]


def test_withdrawing_removes_the_listing(client, db):
    profile = make_professional()
    client.force_login(profile.user)
    client.post(reverse("professional_withdraw"))
    profile.refresh_from_db()
    assert profile.status == "withdrawn"
    assert "Dr Dana Rivera" not in client.get(reverse("professional_list")).content.decode()


def test_the_public_list_shows_verified_endorsers_without_licence_numbers(client, db):
    make_professional()
    make_professional("pending@example.org", status="pending", public_name="Pending Person")
    body = client.get(reverse("professional_list")).content.decode()
    assert "Dr Dana Rivera" in body and "PhD, DBT-Linehan Board Certified" in body and "Harbor Clinic" in body
    assert "keeps the gains of treatment alive" in body
    assert "PSY-998877" not in body
    assert "Pending Person" not in body
    assert "dana@example.org" not in body


def test_the_list_filters_by_profession_and_region(client, db):
    make_professional()
    make_professional("sam@example.org", public_name="Sam Ortiz", profession="social_worker", licence_region="Ontario")
    names = lambda response: [n for n in ("Dr Dana Rivera", "Sam Ortiz") if n in response.content.decode()]  # noqa: E731
    assert names(client.get(reverse("professional_list"), {"profession": "social_worker"})) == ["Sam Ortiz"]
    assert names(client.get(reverse("professional_list"), {"region": "ny"})) == ["Dr Dana Rivera"]
    assert client.get(reverse("professional_list"), {"profession": "wizard"}).status_code == 400


def test_the_home_page_counts_endorsers(client, db):
    make_professional()
    make_professional("b@example.org", public_name="B")
    assert "Endorsed by 2 mental-health professionals" in client.get("/").content.decode()


def test_a_facilitator_asks_a_professional_to_advise_and_it_shows_once_accepted(client, facilitator, group):
    profile = make_professional()
    client.force_login(facilitator)
    page = client.get(reverse("group_facilitators", args=[group.slug])).content.decode()
    assert "Dr Dana Rivera" in page
    client.post(reverse("adviser_invite", args=[group.slug, profile.user.pk]))
    invitation = GroupAdviser.objects.get()
    assert invitation.status == "invited"
    assert mail.outbox[-1].to == ["dana@example.org"]
    assert "Professional advisers" not in client.get(group.get_absolute_url()).content.decode()

    client.force_login(profile.user)
    assert group.name in client.get(reverse("professional_me")).content.decode()
    client.post(reverse("adviser_accept", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert "Professional advisers: Dr Dana Rivera" in client.get(group.get_absolute_url()).content.decode()


def test_only_professionals_in_the_region_who_offered_can_be_asked(client, facilitator, group):
    far = make_professional("far@example.org", public_name="Far Away", licence_region="Queensland")
    shy = make_professional("shy@example.org", public_name="Shy", open_to_contact=False)
    client.force_login(facilitator)
    for person in (far, shy):
        assert client.post(reverse("adviser_invite", args=[group.slug, person.user.pk])).status_code == 404
    assert not GroupAdviser.objects.exists()


def test_someone_else_cannot_answer_an_adviser_invitation(client, facilitator, group, member):
    profile = make_professional()
    invitation = GroupAdviser.objects.create(group=group, user=profile.user, invited_by=facilitator)
    client.force_login(member)
    assert client.post(reverse("adviser_accept", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "invited"
