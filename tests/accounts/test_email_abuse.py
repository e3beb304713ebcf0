"""Nobody can aim the site's e-mail at a stranger, or learn from the site who has an account.

Every path that e-mails an address someone typed (co-facilitator invitations, adviser requests,
the contact form's copy, allauth's verification and e-mail change) is limited per sender and per
recipient; a second invitation to the same address for the same group reuses the pending one.
Sign-up and "add e-mail" do the same work and say the same thing whether or not the address has
an account. And allauth's e-mails name the site."""

from unittest import mock

import pytest
from django.contrib.auth import hashers
from django.core import mail
from django.test import Client
from django.urls import reverse

from groups.models import FacilitatorInvitation, GroupAdviser, PeerGroup
from tests.accounts.test_professionals import make_professional
from tests.conftest import PASSWORD, make_group, make_user

STRANGER = "stranger@example.net"


def sent_to(address):
    return [message for message in mail.outbox if address in message.to]


def invite(client, group, email=STRANGER):
    return client.post(reverse("group_facilitators", args=[group.slug]), {"email": email}, follow=True)


# --- Co-facilitator invitations -------------------------------------------------------------------


def test_twenty_five_invitations_to_one_address_for_one_group_send_one_email(client, facilitator):
    group = make_group(facilitator, status=PeerGroup.Status.DRAFT, name="Buy Cheap Watches At Example Dot Com")
    client.force_login(facilitator)
    for _ in range(25):
        invite(client, group)
    assert len(sent_to(STRANGER)) == 1
    assert FacilitatorInvitation.objects.filter(email=STRANGER).count() == 1


def test_a_second_invitation_reuses_the_pending_one_and_says_so(client, facilitator, group):
    client.force_login(facilitator)
    invite(client, group)
    token = FacilitatorInvitation.objects.get().token
    body = invite(client, group).content.decode()
    assert "already has an invitation waiting" in body
    assert FacilitatorInvitation.objects.get().token == token
    assert len(sent_to(STRANGER)) == 1


def test_one_address_gets_at_most_three_invitations_a_day_whoever_sends_them(client, db):
    for n in range(5):
        inviter = make_user(f"inviter{n}@example.org", f"Inviter {n}")
        group = make_group(inviter, status=PeerGroup.Status.DRAFT, name=f"Draft {n}")
        client.force_login(inviter)
        invite(client, group)
    assert len(sent_to(STRANGER)) == 3
    assert FacilitatorInvitation.objects.filter(email=STRANGER).count() == 3


def test_one_member_sends_at_most_twenty_invitations_a_day(client, facilitator):
    groups = [make_group(facilitator, status=PeerGroup.Status.DRAFT, name=f"Draft {n}") for n in range(3)]
    client.force_login(facilitator)
    for n in range(24):
        response = invite(client, groups[n % 3], email=f"person{n}@example.net")
    assert len(mail.outbox) == 20
    assert "as many invitations as we allow in a day" in response.content.decode()


# --- Adviser requests -----------------------------------------------------------------------------


def test_a_professional_gets_at_most_five_adviser_requests_a_day(client, db):
    profile = make_professional()
    for n in range(7):
        lead = make_user(f"lead{n}@example.org", f"Lead {n}")
        group = make_group(lead, name=f"Group {n}")
        client.force_login(lead)
        client.post(reverse("adviser_invite", args=[group.slug, profile.user.pk]))
    assert len(sent_to(profile.user.email)) == 5
    assert GroupAdviser.objects.count() == 5


# --- The contact form's copy ----------------------------------------------------------------------


def test_the_contact_forms_copy_reaches_one_address_three_times_a_day_at_most(db):
    data = {"name": "Sam", "email": STRANGER, "topic": "press", "message": "Visit example dot com", "website": ""}
    for n in range(5):
        assert Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(reverse("contact"), data).status_code in (302, 429)
    assert len(sent_to(STRANGER)) <= 3


# --- allauth: e-mail change and sign-up -----------------------------------------------------------


def add_address(client, user, email):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client.post(reverse("account_email"), {"email": email, "action_add": ""}, follow=True)


def test_adding_a_strangers_address_from_many_accounts_sends_it_five_emails_at_most(db, settings):
    # allauth's own pause (one confirmation per address per three minutes) lifted, to see ours: an hour's worth.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": ""}
    for n in range(8):
        add_address(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), make_user(f"m{n}@example.org", f"M{n}"), STRANGER)
    assert len(sent_to(STRANGER)) == 5


@pytest.mark.parametrize("twice", [False, True])
def test_adding_an_address_says_the_same_whether_or_not_it_has_an_account(client, member, facilitator, twice):
    """The page says a confirmation was sent for a new address, for another account's address, and
    (the old tell) for one that had an e-mail minutes ago, when allauth sends none."""
    for address in (facilitator.email, "unused@example.org"):
        if twice:
            add_address(Client(), make_user(f"first-{address}", "First"), address)
        body = add_address(client, member, address).content.decode()
        assert f"Confirmation email sent to {address}." in body, address


SIGNUP = {"display_name": "Riley", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"}


def signup_work(email):
    """(where the page sends the visitor, what it says, password hashes computed, e-mails to the address)."""
    client, hasher, hashes = Client(), type(hashers.get_hasher()), []
    original = hasher.encode

    def counting(self, password, salt, *args, **kwargs):
        hashes.append(password)
        return original(self, password, salt, *args, **kwargs)

    with mock.patch.object(hasher, "encode", counting):
        response = client.post(reverse("account_signup"), dict(SIGNUP, email=email), follow=True)
    page = response.content.decode()
    text = page[page.index("<main") : page.index("</main>")].replace(email, "EMAIL")
    return response.redirect_chain, text, len(hashes), len(sent_to(email))


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(member):
    known, new = signup_work(member.email), signup_work("newcomer@example.org")
    assert known[0] == new[0]  # the same page
    assert known[1] == new[1]  # saying the same thing
    assert known[2] == new[2] == 1  # one password hash each: the slow part, so the same time
    assert known[3] == new[3] == 1  # one e-mail each (to the known address: "you have an account")


# --- allauth's e-mails name the site --------------------------------------------------------------


def test_allauths_emails_name_the_site_and_link_to_its_address(client, member, settings):
    settings.SITE_URL = "https://groups.example.org"
    client.post(reverse("account_signup"), dict(SIGNUP, email="newcomer@example.org"))
    client.post(reverse("account_signup"), dict(SIGNUP, email=member.email))
    Client().post(reverse("account_reset_password"), {"email": member.email})
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "Hello from DBT Self-Help Groups!" in message.body, message.subject
        assert "Hello from !" not in message.body and " on ." not in message.body
        assert "groups.example.org" in message.body
        assert "testserver" not in message.body
    assert member.email in mail.outbox[1].body  # "an account using that address already exists"
    assert "https://groups.example.org/accounts/password/reset/key/" in mail.outbox[2].body
