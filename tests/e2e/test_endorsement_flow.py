"""A professional applies, a moderator verifies, the endorser appears on the public page."""

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import check_page
from tests.e2e.test_listing_flow import sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_apply_verify_and_appear(page):
    make_user("dana@example.org", "Dana")
    make_user("mod@example.org", "Morgan", moderator=True)

    sign_in(page, "dana@example.org")
    page.goto("/professionals/join/")
    check_page(page, "endorse form")
    page.get_by_label("Name as it should appear").fill("Dr Dana Rivera")
    page.get_by_label("Profession").select_option("psychologist")
    page.get_by_label("Credentials").fill("PhD")
    page.get_by_label("License or registration number").fill("PSY-998877")
    page.get_by_label("Issuing state, province or country").fill("NY")
    page.get_by_label("Statement of endorsement").fill("Practising skills with peers keeps them alive.")
    page.get_by_label("I agree to be listed publicly as an endorser").check()
    page.get_by_role("button", name="Send for verification").click()
    page.get_by_text("Waiting for verification").wait_for()
    sign_out(page)

    sign_in(page, "mod@example.org")
    page.goto("/moderation/")
    check_page(page, "console with queues")
    page.get_by_role("link", name="Professional applications").click()
    page.get_by_role("link", name="Dr Dana Rivera").click()
    check_page(page, "professional review")
    page.get_by_role("button", name="Verify and list").click()
    page.get_by_text("Dr Dana Rivera is verified and listed.").wait_for()
    sign_out(page)

    page.goto("/professionals/")
    page.get_by_role("heading", name="Dr Dana Rivera, PhD").wait_for()
    assert page.get_by_text("PSY-998877").count() == 0
    check_page(page, "endorsers")
    page.goto("/contact/")
    check_page(page, "contact")
