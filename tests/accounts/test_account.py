import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD


def reauthenticate(client, user):
    """Sign in, then confirm the password on allauth's reauthentication page, as a person would."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["account", "account_export", "account_delete"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_page_shows_privacy_actions(member_client, member):
    response = member_client.get(reverse("account"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Download my data" in body
    assert "Delete my account" in body
    assert member.email in body


def test_member_changes_display_name(member_client, member):
    response = member_client.post(reverse("account"), {"display_name": "  Alice   B  "})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Alice B"


def test_blank_display_name_is_refused(member_client, member):
    response = member_client.post(reverse("account"), {"display_name": "   "})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Alice"


def test_overlong_display_name_is_refused(member_client, member):
    response = member_client.post(reverse("account"), {"display_name": "x" * 5000})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.display_name == "Alice"


def test_export_asks_for_reauthentication_first(member_client):
    response = member_client.get(reverse("account_export"))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]


def test_export_is_a_json_file_of_the_members_data(client, member):
    reauthenticate(client, member)
    response = client.get(reverse("account_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["display_name"] == "Alice"
    assert data["account"]["email_addresses"] == [{"email": "alice@example.org", "verified": True, "primary": True}]
    assert "password" not in json.dumps(data)


def test_export_holds_only_the_members_own_data(client, member, facilitator):
    reauthenticate(client, member)
    data = json.loads(client.get(reverse("account_export")).content)
    assert facilitator.email not in json.dumps(data)


def test_delete_page_says_what_is_removed(member_client):
    response = member_client.get(reverse("account_delete"))
    assert response.status_code == 200
    assert "e-mail addresses, display name, password" in response.content.decode()


def test_delete_with_wrong_password_keeps_the_account(member_client, member):
    response = member_client.post(reverse("account_delete"), {"password": "wrong-wrong-wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "That password is not right." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_without_confirmation_keeps_the_account(member_client, member):
    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_removes_the_account_and_its_data(member_client, member, facilitator):
    response = member_client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert User.objects.filter(pk=facilitator.pk).exists()
    # Signed out, and the old session no longer reaches the account.
    assert member_client.get(reverse("account")).status_code == 302


def test_delete_only_accepts_the_signed_in_members_password(member_client, member, facilitator):
    """Another person's real password does not delete the signed-in member's account."""
    facilitator.set_password("fran-has-her-own-password")
    facilitator.save()
    response = member_client.post(reverse("account_delete"), {"password": "fran-has-her-own-password", "confirm": "on"})
    assert response.status_code == 200
    assert "That password is not right." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    assert EmailAddress.objects.filter(user=member, email=member.email).exists()
    assert User.objects.filter(pk=facilitator.pk).exists()
    assert member_client.get(reverse("account")).status_code == 200  # still signed in


def test_a_member_sets_their_time_zone_from_a_list_that_starts_with_the_common_ones(client, member):
    client.force_login(member)
    body = client.get(reverse("account")).content.decode()
    common = body.index('label="Common time zones"')
    assert body.index('value="America/Los_Angeles"') > common
    assert "Pacific Time — Los Angeles" in body
    assert 'value="US/Pacific"' not in body and 'value="GB"' not in body  # deprecated aliases are not offered
    response = client.post(reverse("account"), {"display_name": "Alice", "time_zone": "Europe/Dublin"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Europe/Dublin"


def test_an_unknown_time_zone_is_refused_and_nothing_changes(client, member):
    client.force_login(member)
    for bad, status in (("Mars/Olympus", 200), ("../../etc/passwd", 200), ("Europe/London\x00", 400)):
        response = client.post(reverse("account"), {"display_name": "Changed", "time_zone": bad})
        assert response.status_code == status  # the form again, or (a NUL byte) the unreadable-input page
        member.refresh_from_db()
        assert (member.display_name, member.time_zone) == ("Alice", "")
