"""A member asks to join a private group, a facilitator welcomes them, the member sees the address."""

import pytest
from django.core import mail

from tests.conftest import make_group, make_user
from tests.e2e.conftest import check_page
from tests.e2e.test_listing_flow import sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ask_to_join_be_welcomed_and_see_how_to_attend(page):
    lead = make_user("lead@example.org", "Lee")
    make_user("sam@example.org", "Sam")
    group = make_group(
        lead, name="Quiet Harbour Group", location_privacy="members", venue="St Brigid's Hall", address="99 Secret Lane"
    )

    sign_in(page, "sam@example.org")
    page.goto(group.get_absolute_url())
    assert page.get_by_text("99 Secret Lane").count() == 0
    page.get_by_role("link", name="Ask to join").click()
    check_page(page, "ask to join")
    page.get_by_label("Message to the facilitators (optional)").fill("I finished DBT in the spring.")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_text("Your request is sent.").wait_for()
    check_page(page, "group page request waiting")
    sign_out(page)

    assert mail.outbox[-1].to == ["lead@example.org"]
    sign_in(page, "lead@example.org")
    page.goto("/groups/manage/")
    page.get_by_text("1 join request is waiting for an answer.").wait_for()
    page.get_by_role("link", name="Requests and members (Quiet Harbour Group)").click()
    check_page(page, "join requests")
    page.get_by_role("button", name="Welcome Sam").click()
    page.get_by_text("Sam is now a member").wait_for()
    sign_out(page)

    sign_in(page, "sam@example.org")
    page.goto("/groups/manage/")
    page.get_by_text("99 Secret Lane").wait_for()
    check_page(page, "my groups member")
    page.get_by_role("link", name="Quiet Harbour Group").first.click()
    page.get_by_text("You are a member of this group.").wait_for()
    assert page.get_by_text("99 Secret Lane").count() == 1
