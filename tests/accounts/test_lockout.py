"""Brute force is kept out, and no stranger can lock anyone out: wrong passwords and wrong codes
count per client address and per account, and the account's owner in a browser that signed in
before is never stopped by someone else's guessing."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user, totp_code

LOCKED = "Too many failed login attempts"
DEVICE_COOKIE = "dbtsh_device"  # accounts.lockout: "this browser has signed in to the account"


def from_address(ip):
    return Client(REMOTE_ADDR=ip)


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(member):
    stranger = from_address("203.0.113.9")
    for _ in range(12):
        sign_in(stranger, member.email, "wrong-password-here")
    owner = from_address("198.51.100.20")
    assert sign_in(owner, member.email, PASSWORD).status_code == 302
    assert signed_in(owner)


def test_the_stranger_is_locked_out_from_where_they_are_even_with_the_right_password(member):
    stranger = from_address("203.0.113.9")
    for _ in range(5):
        sign_in(stranger, member.email, "wrong-password-here")
    response = sign_in(stranger, member.email, PASSWORD)
    assert LOCKED in response.content.decode()
    assert not signed_in(stranger)


def test_guessing_from_many_addresses_slows_to_the_accounts_budget(member):
    """Twenty wrong guesses an hour for the account from browsers that never signed in to it; past
    that, such browsers are refused, whatever they send."""
    for n in range(20):
        sign_in(from_address(f"203.0.113.{n + 1}"), member.email, f"guess-number-{n}")
    newcomer = from_address("192.0.2.50")
    assert LOCKED in sign_in(newcomer, member.email, PASSWORD).content.decode()
    assert not signed_in(newcomer)


def test_the_owners_own_browser_gets_in_while_strangers_guess(member):
    owner = from_address("198.51.100.20")
    assert sign_in(owner, member.email, PASSWORD).status_code == 302
    assert DEVICE_COOKIE in owner.cookies
    owner.post(reverse("account_logout"))
    for n in range(30):
        sign_in(from_address(f"203.0.113.{n + 1}"), member.email, f"guess-number-{n}")
    assert sign_in(owner, member.email, PASSWORD).status_code == 302
    assert signed_in(owner)


def test_a_forged_device_cookie_is_worth_nothing(member):
    for n in range(20):
        sign_in(from_address(f"203.0.113.{n + 1}"), member.email, f"guess-number-{n}")
    forger = from_address("192.0.2.60")
    forger.cookies[DEVICE_COOKIE] = "WyJhYmMiXQ:1abc:forged"
    assert LOCKED in sign_in(forger, member.email, PASSWORD).content.decode()


def test_a_password_reset_clears_the_accounts_budget(member, client):
    import re

    from django.core import mail

    for n in range(20):
        sign_in(from_address(f"203.0.113.{n + 1}"), member.email, f"guess-number-{n}")
    client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    new = "a-brand-new-passphrase-9"
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302
    newcomer = from_address("192.0.2.70")
    assert sign_in(newcomer, member.email, new).status_code == 302
    assert signed_in(newcomer)


def test_one_address_trying_many_accounts_is_stopped(db):
    people = [make_user(f"p{n}@example.org", f"P{n}") for n in range(11)]
    sprayer = from_address("203.0.113.77")
    responses = [sign_in(sprayer, person.email, "Summer2026!") for person in people]
    assert LOCKED in responses[-1].content.decode()


# --- The second step ------------------------------------------------------------------------------


@pytest.fixture
def moderator_with_password_known(db):
    """A moderator whose password a stranger has: the code is all that stands between them."""
    return make_user("mo2@example.org", "Mo", moderator=True)


def wrong_code(user):
    return f"{(int(totp_code(user)) + 1) % 1_000_000:06}"


def test_a_strangers_wrong_codes_do_not_lock_the_moderator_out(moderator_with_password_known):
    user = moderator_with_password_known
    stranger = from_address("203.0.113.9")
    sign_in(stranger, user.email, PASSWORD)
    for _ in range(12):
        stranger.post(reverse("mfa_authenticate"), {"code": wrong_code(user)})
    owner = from_address("198.51.100.20")
    assert sign_in(owner, user.email, PASSWORD).url == reverse("mfa_authenticate")
    response = owner.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response.status_code == 302 and signed_in(owner)


def test_wrong_codes_from_one_address_are_stopped_there(moderator_with_password_known):
    user = moderator_with_password_known
    stranger = from_address("203.0.113.9")
    sign_in(stranger, user.email, PASSWORD)
    for _ in range(5):
        stranger.post(reverse("mfa_authenticate"), {"code": wrong_code(user)})
    response = stranger.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert LOCKED in response.content.decode() and not signed_in(stranger)
