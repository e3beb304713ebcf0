import re

from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

SIGNUP = {
    "display_name": "Riley",
    "email": "riley@example.org",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


def test_signup_page_renders_in_site_layout(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#main"' in body
    assert "call or text" in body and "988" in body
    assert 'name="display_name"' in body


def test_signup_requires_verification_before_login(client, db):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="riley@example.org")
    assert user.display_name == "Riley"
    assert not user.is_verified
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["riley@example.org"]

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert User.objects.get(pk=user.pk).emailaddress_set.get().verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_rejects_short_password_and_saves_nothing(client, db):
    data = dict(SIGNUP, password1="short", password2="short")
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.exists()


def test_signup_rejects_an_email_as_display_name(client, db):
    response = client.post(reverse("account_signup"), dict(SIGNUP, display_name="me@example.org"))
    assert response.status_code == 200
    assert not User.objects.exists()


def test_unverified_user_cannot_log_in(client, unverified):
    response = client.post(reverse("account_login"), {"login": unverified.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_member_logs_in_by_email(client, member):
    response = client.post(reverse("account_login"), {"login": "ALICE@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_wrong_password_shows_the_form_again(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(member_client):
    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session


def test_password_reset_does_not_reveal_whether_an_account_exists(client, member):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The unknown address is told nothing that differs on screen; the e-mails differ.
    assert [m.to for m in mail.outbox] == [[member.email], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_signup_with_existing_email_does_not_reveal_it(client, member):
    response = client.post(reverse("account_signup"), dict(SIGNUP, email=member.email))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=member.email).count() == 1
