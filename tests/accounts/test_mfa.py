"""Two-factor authentication: moderators and staff must have an authenticator app before the
moderation console or the admin opens to them; once it is on, signing in asks for a code, and
a recovery code works once instead. Members may turn it on and are never made to."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_user, recovery_codes, totp_code

REASON = "Moderators and administrators must use two-factor authentication"
CONSOLE = "New listings waiting for review"


@pytest.fixture
def moderator_without_app(db):
    return make_user("mona@example.org", "Mona", moderator=True, authenticator=False)


def sign_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def signed_in(client):
    return "_auth_user_id" in client.session


def confirm_password(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/",
        "/moderation/professionals/",
        "/moderation/testimonials/",
        "/moderation/messages/",
        "/admin/",
        "/admin/accounts/user/",
    ],
)
def test_a_moderator_without_an_authenticator_app_is_sent_to_set_one_up(client, moderator_without_app, path):
    client.force_login(moderator_without_app)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    body = client.get(path, follow=True).content.decode()
    assert REASON in body
    assert CONSOLE not in body and "Site administration" not in body


def test_a_moderator_without_an_app_cannot_act_from_the_console_either(client, moderator_without_app, group):
    client.force_login(moderator_without_app)
    response = client.post(reverse("moderation_archive", args=[group.slug]), {"reason": "gone"})
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    group.refresh_from_db()
    assert group.status == "published"


@pytest.mark.parametrize("role", [{"is_staff": True, "is_superuser": True}, {"is_staff": True}])
def test_a_superuser_or_staff_member_without_an_app_is_stopped_at_the_admin(client, db, role):
    admin = make_user("root@example.org", "Root", authenticator=False, **role)
    client.force_login(admin)
    for path in ["/admin/", "/admin/accounts/user/", "/moderation/"]:
        response = client.get(path)
        assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp")), path
    body = client.get("/admin/", follow=True).content.decode()
    assert REASON in body and "Site administration" not in body


def test_the_setup_page_explains_why_and_shows_a_qr_code_without_inline_script_or_style(client, moderator_without_app):
    client.force_login(moderator_without_app)
    client.get("/moderation/")
    confirm_password(client)  # allauth asks for the password before adding a second factor
    response = client.get(reverse("mfa_activate_totp"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Set up an authenticator app" in body and REASON in body
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="QR code[^"]*" class="qr-code">', body)
    secret = response.context["form"].secret
    assert f'value="{secret}"' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "an inline script"
    assert " style=" not in body and "<style" not in body
    assert "img-src 'self' data:" in response["Content-Security-Policy"]


def test_a_moderator_who_sets_up_the_app_reaches_the_console(client, moderator_without_app):
    client.force_login(moderator_without_app)
    confirm_password(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    body = client.get(response.url).content.decode()
    assert "Unused codes" in body and recovery_codes(moderator_without_app)[0] in body
    assert CONSOLE in client.get("/moderation/").content.decode()


def test_a_wrong_code_does_not_turn_the_app_on(client, moderator_without_app):
    client.force_login(moderator_without_app)
    confirm_password(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06}"
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200 and "Incorrect code." in response.content.decode()
    assert not moderator_without_app.has_authenticator_app
    assert client.get("/moderation/").status_code == 302


def test_a_moderator_with_an_app_reaches_the_console(client, moderator):
    client.force_login(moderator)
    assert CONSOLE in client.get("/moderation/").content.decode()
    assert client.get("/moderation/testimonials/").status_code == 200


def test_a_superuser_with_an_app_reaches_the_admin(client, db):
    client.force_login(make_user("root@example.org", "Root", is_staff=True, is_superuser=True))
    assert "Site administration" in client.get("/admin/").content.decode()


def test_signing_in_as_a_moderator_with_an_app_stops_at_the_code_step(client, moderator):
    response = sign_in(client, moderator.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not signed_in(client)
    body = client.get(response.url).content.decode()
    assert "Enter your code" in body and "recovery codes" in body
    assert client.get("/moderation/").url.startswith(reverse("account_login"))


def test_a_wrong_code_is_refused_at_sign_in(client, moderator):
    sign_in(client, moderator.email)
    wrong = f"{(int(totp_code(moderator)) + 1) % 1_000_000:06}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200 and "Incorrect code." in response.content.decode()
    assert not signed_in(client)


def test_the_right_code_signs_the_moderator_in(client, moderator):
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(moderator)})
    assert response.status_code == 302 and signed_in(client)
    assert CONSOLE in client.get("/moderation/").content.decode()


def test_a_code_from_the_app_works_only_once(client, moderator):
    code = totp_code(moderator)
    sign_in(client, moderator.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code." in response.content.decode() and not signed_in(client)


def test_a_recovery_code_signs_in_once_and_not_twice(client, moderator):
    code = recovery_codes(moderator)[0]
    sign_in(client, moderator.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert signed_in(client) and client.get("/moderation/").status_code == 200
    assert code not in recovery_codes(moderator)

    client.post(reverse("account_logout"))
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code." in response.content.decode() and not signed_in(client)


def test_the_admin_login_sends_everyone_through_allauth(client, db):
    staff = make_user("root@example.org", "Root", is_staff=True, is_superuser=True)
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"
    # The admin's own form takes a password alone: it must not sign anyone in.
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not signed_in(client)
    # allauth's login asks the staff member for the second factor.
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate") and not signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert response.url == "/admin/"
    assert "Site administration" in client.get("/admin/").content.decode()


def test_a_member_is_never_asked_for_a_code_and_the_console_stays_closed(client, member):
    response = sign_in(client, member.email)
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)
    assert client.get("/moderation/").status_code == 403
    assert client.get("/moderation/testimonials/").status_code == 403
    assert client.get("/admin/", follow=True).status_code == 403


def test_a_moderator_without_an_app_still_sees_the_moderation_link(client, moderator_without_app, group):
    client.force_login(moderator_without_app)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("moderation")}"' in body


def test_a_member_may_turn_on_two_factor_from_the_account_page(member_client):
    body = member_client.get(reverse("account")).content.decode()
    assert f'<a href="{reverse("mfa_index")}">Turn on two-factor authentication</a>' in body
    body = member_client.get(reverse("mfa_index")).content.decode()
    assert "Set up an authenticator app" in body
    assert "Moderators and administrators must keep it on" not in body


def test_the_account_page_says_when_two_factor_is_on(client, db):
    user = make_user("ada@example.org", "Ada", authenticator=True)
    client.force_login(user)
    assert "Manage two-factor authentication (on)" in client.get(reverse("account")).content.decode()


@pytest.mark.parametrize(
    "name, heading",
    [
        ("mfa_index", "Two-factor authentication"),
        ("mfa_deactivate_totp", "Turn off the authenticator app"),
        ("mfa_view_recovery_codes", "Recovery codes"),
        ("mfa_generate_recovery_codes", "New recovery codes"),
        ("mfa_reauthenticate", "Confirm Access"),
    ],
)
def test_every_two_factor_page_is_in_the_site_layout(client, moderator, name, heading):
    client.force_login(moderator)
    confirm_password(client)
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<main id="main"' in body and 'class="site-header"' in body
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", body)
    assert "webauthn" not in body.lower() and "security key" not in body.lower()


def test_recovery_codes_download_as_a_text_file(client, moderator):
    client.force_login(moderator)
    confirm_password(client)
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response["Content-Disposition"].startswith("attachment")
    assert recovery_codes(moderator)[0] in response.content.decode()


def test_the_code_step_is_in_the_site_layout(client, moderator):
    sign_in(client, moderator.email)
    body = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<main id="main"' in body and "<h1>Enter your code</h1>" in body
    assert '<label for="id_code">Code:</label>' in body
