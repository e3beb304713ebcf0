"""A moderator without an authenticator app opens the console, is sent to set one up, and
from then on signs in with a code from the app."""

import pytest

from tests.conftest import PASSWORD, make_user, totp_code
from tests.e2e.conftest import check_page
from tests.e2e.test_listing_flow import sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Moderators and administrators must use two-factor authentication"


def test_a_moderator_sets_up_an_authenticator_app_before_the_console_opens(page):
    moderator = make_user("mod@example.org", "Morgan", moderator=True, authenticator=False)
    sign_in(page, "mod@example.org")

    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("heading", name="Confirm Access").wait_for()  # the password, before a new factor
    assert page.get_by_text(REASON).count() == 1
    check_page(page, "confirm access for two-factor setup")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert page.get_by_text(REASON).count() == 1
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    check_page(page, "authenticator app setup")
    secret = page.get_by_label("Secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    page.get_by_role("heading", name="Recovery codes").wait_for()
    check_page(page, "recovery codes")
    page.get_by_role("link", name="Back to two-factor authentication").click()
    page.get_by_role("heading", name="Two-factor authentication").wait_for()
    check_page(page, "two-factor authentication")

    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("heading", name="Moderation", exact=True).wait_for()
    sign_out(page)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("mod@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    check_page(page, "two-factor code at sign in")
    page.get_by_label("Code").fill(totp_code(moderator))
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Manage two-factor authentication (on)").wait_for()
