"""Pages that carry anything private are never kept by a shared cache or the browser's history:
`Cache-Control: private, no-store` on everything served to someone signed in, and on the account
pages and secret links for anyone. Public pages for visitors stay cacheable."""

import pytest
from django.urls import reverse

from groups.models import JoinRequest, MemberCalendar

NO_STORE = "private, no-store"


def test_a_private_groups_page_seen_by_a_member_is_not_stored(client, member, private_group):
    JoinRequest.objects.create(group=private_group, user=member, status=JoinRequest.Status.APPROVED)
    client.force_login(member)
    response = client.get(private_group.get_absolute_url())
    assert "99 Secret Lane" in response.content.decode()
    assert response["Cache-Control"] == NO_STORE


def test_a_groups_page_seen_by_its_facilitator_is_not_stored(client, facilitator, private_group):
    client.force_login(facilitator)
    assert client.get(private_group.get_absolute_url())["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    "name",
    [
        "group_manage",
        "account",
        "account_email",
        "account_change_password",
        "mfa_index",
        "professional_join",
        "account_delete",
    ],
)
def test_the_account_pages_are_not_stored(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    assert response["Cache-Control"] == NO_STORE


def test_a_redirect_for_someone_signed_in_is_not_stored_either(client, member):
    client.force_login(member)
    response = client.get(reverse("account_login"))
    assert response.status_code == 302 and response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_the_sign_in_pages_are_not_stored_for_visitors(client, db, name):
    assert client.get(reverse(name))["Cache-Control"] == NO_STORE


def test_a_member_calendar_and_a_password_reset_link_are_not_stored(client, member):
    calendar = MemberCalendar.objects.create(user=member)
    assert client.get(reverse("member_calendar", args=[calendar.token]))["Cache-Control"] == NO_STORE
    response = client.get("/accounts/password/reset/key/1-set-password/")
    assert response["Cache-Control"] == NO_STORE


def test_a_public_page_for_a_visitor_may_be_cached(client, private_group):
    response = client.get(private_group.get_absolute_url())
    assert "no-store" not in response.get("Cache-Control", "")
    assert "no-store" not in client.get(reverse("meeting_guide_feed")).get("Cache-Control", "")
