import re

import pytest
from django.core import mail

from accounts.models import User
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"


def test_a_new_person_signs_up_verifies_logs_in_and_out(page, live_server):
    mail.outbox.clear()
    page.goto("/")
    check_page(page, "home")
    assert page.locator("main form").first.get_attribute("action") == "/groups/"

    page.get_by_role("link", name="Sign up").click()
    check_page(page, "sign up")
    page.get_by_label("Display name").fill("Robin")
    page.get_by_label("Email").fill("robin@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    check_page(page, "verification sent")
    assert not User.objects.get(email="robin@example.org").is_verified

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    check_page(page, "confirm email")
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Account").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").click()
    check_page(page, "sign in")
    page.get_by_label("Email").fill("robin@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    check_page(page, "account")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert page.get_by_role("link", name="Account").count() == 0


def test_information_pages_are_accessible(page, live_server):
    for path, name in [("/about/", "about"), ("/crisis/", "crisis"), ("/accounts/password/reset/", "password reset")]:
        page.goto(path)
        check_page(page, name)


def test_account_management_pages_are_accessible(page, live_server):
    from tests.conftest import PASSWORD, make_user

    make_user("pat@example.org", "Pat")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("pat@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Account").wait_for()
    for path, name in [
        ("/accounts/email/", "email addresses"),
        ("/accounts/password/change/", "password change"),
        ("/account/delete/", "delete account"),
    ]:
        page.goto(path)
        check_page(page, name)
    page.goto("/account/export/")  # asks for the password again first
    page.get_by_role("heading", name="Confirm Access").wait_for()
    check_page(page, "reauthenticate")
