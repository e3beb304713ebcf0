"""Professionals' own pages, and the moderator's way back after setting up two-factor authentication."""

import pytest
from django.urls import reverse

from accounts.forms import repeated_credentials
from accounts.models import ProfessionalProfile
from tests.accounts.test_professionals import APPLICATION, make_professional
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_verified_entries_are_public(client, request, persona):
    verified = make_professional("dana@example.org", status="verified", public_name="Dana Lee")
    pending = make_professional("pat@example.org", status="pending", public_name="Pat Pending")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("professional_detail", args=[verified.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Dana Lee" in body and verified.licence_number not in body
    assert client.get(reverse("professional_detail", args=[pending.pk])).status_code == 404


def test_an_unverified_entry_is_404_to_its_owner_too(client):
    pending = make_professional("pat@example.org", status="pending")
    client.force_login(pending.user)
    assert client.get(reverse("professional_detail", args=[pending.pk])).status_code == 404


def test_a_verified_endorser_sees_their_entry_not_endorse_as_a_professional(client):
    profile = make_professional()
    client.force_login(profile.user)
    body = client.get(reverse("professional_list")).content.decode()
    assert "Endorse as a professional" not in body
    assert f'href="{reverse("professional_detail", args=[profile.pk])}">Your entry' in body


def test_a_pending_applicant_sees_their_application_link(client):
    profile = make_professional(status="pending")
    client.force_login(profile.user)
    body = client.get(reverse("professional_list")).content.decode()
    assert "Endorse as a professional" not in body
    assert f'href="{reverse("professional_me")}">Your endorsement' in body


def test_members_and_visitors_are_still_invited_to_endorse(client, member):
    assert "Endorse as a professional" in client.get(reverse("professional_list")).content.decode()
    client.force_login(member)
    assert "Endorse as a professional" in client.get(reverse("professional_list")).content.decode()


def test_the_account_page_links_to_the_public_entry(client, member):
    profile = make_professional()
    client.force_login(profile.user)
    body = client.get(reverse("account")).content.decode()
    assert f'<a href="{reverse("professional_detail", args=[profile.pk])}">See your public entry</a>' in body
    client.force_login(member)
    assert "See your public entry" not in client.get(reverse("account")).content.decode()


def test_the_public_list_links_each_entry(client):
    profile = make_professional()
    body = client.get(reverse("professional_list")).content.decode()
    assert f'<a href="{reverse("professional_detail", args=[profile.pk])}">{profile.public_name}</a>' in body


@pytest.mark.parametrize(
    ("name", "credentials", "repeated"),
    [
        ("Dana Lee, LPC, MA", "LPC, MA", ["LPC", "MA"]),
        ("Dana Lee, Ph.D.", "PhD, LCSW", ["PhD"]),
        ("Dana Lee", "LPC, MA", []),
        ("Dr Dana Lee", "PhD", []),
        ("Lee, Dana", "LPC", []),
    ],
)
def test_credentials_repeated_in_the_name_are_found(name, credentials, repeated):
    assert repeated_credentials(name, credentials) == repeated


def test_the_form_refuses_credentials_in_the_name(client, member):
    client.force_login(member)
    data = dict(APPLICATION, public_name="Dana Lee, LPC, MA", credentials="LPC, MA")
    response = client.post(reverse("professional_join"), data)
    assert response.status_code == 400
    assert "Give your name without “LPC”, “MA”" in response.content.decode()
    assert not ProfessionalProfile.objects.exists()
    assert client.post(reverse("professional_join"), dict(data, public_name="Dana Lee")).status_code == 302
    assert ProfessionalProfile.objects.get().public_name == "Dana Lee"


# --- After two-factor set-up ----------------------------------------------------------------


def test_a_moderator_sent_to_set_up_two_factor_gets_a_way_back(client, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    moderator = make_user("mod@example.org", "Morgan", moderator=True, authenticator=False)
    client.force_login(moderator)
    going = reverse("moderation_messages") + "?x=1"
    response = client.get(going)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(moderator, generate_totp_secret())
    RecoveryCodes.activate(moderator)
    assert Authenticator.objects.filter(user=moderator).count() == 2
    settings.MFA_REAUTHENTICATION_REQUIRED = settings.ACCOUNT_REAUTHENTICATION_REQUIRED = False  # asked already
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert 'href="/moderation/messages/?x=1">Continue to where you were going' in codes.content.decode()
    assert client.get(going).status_code == 200
    # arrived: the link has done its work
    assert "Continue to where you were going" not in client.get(reverse("mfa_index")).content.decode()


def test_no_continue_link_for_someone_who_chose_two_factor_themselves(client, member):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(member, generate_totp_secret())
    RecoveryCodes.activate(member)
    client.force_login(member)
    assert "Continue to where you were going" not in client.get(reverse("mfa_index")).content.decode()
