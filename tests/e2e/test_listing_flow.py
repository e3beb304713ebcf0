"""A facilitator lists a group start to finish, a moderator approves it, a visitor sees it."""

import pytest

from accounts.models import User
from groups.models import PeerGroup
from tests.conftest import PASSWORD, make_user, totp_code
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    user = User.objects.get(email=email)
    if user.has_authenticator_app:  # moderators: allauth asks for the code from the app
        page.get_by_role("heading", name="Enter your code").wait_for()
        page.get_by_label("Code").fill(totp_code(user))
        page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Account").wait_for()


def fill_new_listing(page, *, name="Harlem Evening Skills", venue=""):
    """The listing form, filled in for an in-person group in Harlem meeting Tuesdays 7–8:30 pm."""
    page.get_by_label("Group name").fill(name)
    page.get_by_label("Description").fill("We practice one DBT skill a week.\n\nAll graduates welcome.")
    page.get_by_label("In person", exact=True).check()
    if venue:
        page.locator("#id_group-venue").fill(venue)
    page.locator("#id_group-address").fill("127 West 125th Street")
    page.locator("#id_group-town").fill("New York")
    page.locator("#id_group-region").fill("NY")
    page.locator("#id_group-postal_code").fill("10027")
    page.locator("#id_meetings-0-weekday").select_option("1")
    page.locator("#id_meetings-0-start").fill("19:00")
    page.locator("#id_meetings-0-end").fill("20:30")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def test_a_listing_goes_from_draft_to_public(page):
    make_user("lead@example.org", "Lee")
    make_user("mod@example.org", "Morgan", moderator=True)

    sign_in(page, "lead@example.org")
    page.goto("/groups/manage/")
    check_page(page, "my groups empty")
    page.get_by_role("link", name="List a new group").click()
    check_page(page, "listing form")
    fill_new_listing(page, venue="Riverside Library, Room 2")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Status: Draft.").wait_for()
    check_page(page, "group page draft")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Status: Waiting for review.").wait_for()
    sign_out(page)

    sign_in(page, "mod@example.org")
    page.goto("/moderation/")
    check_page(page, "moderation console")
    page.get_by_role("link", name="Harlem Evening Skills").click()
    check_page(page, "moderation review")
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("Approved. The listing is public.").wait_for()
    sign_out(page)

    assert PeerGroup.objects.get().status == "published"
    page.goto("/groups/?near=10027")
    page.get_by_role("link", name="Harlem Evening Skills").click()
    page.get_by_role("heading", name="Harlem Evening Skills").wait_for()
    assert page.get_by_text("127 West 125th Street").count() == 1
    assert page.get_by_text("Every Tuesday").count() == 1
    check_page(page, "group page public")
