"""A facilitator reads the toolkit (on screen and as printed), sets the group on the skills rotation
and pins a week; a member sees this week's skill, gets the e-mail about a cancelled meeting and
stops those e-mails from its link, signed out."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import ChangeEmailOptOut, JoinRequest
from tests.conftest import make_group, make_user
from tests.e2e.conftest import SCREENSHOT_DIR, check_page
from tests.e2e.test_listing_flow import sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_toolkit_reads_on_screen_and_prints_without_the_site_around_it(page):
    page.goto("/toolkit/")
    page.get_by_role("heading", name="A facilitator's toolkit", level=1).wait_for()
    check_page(page, "toolkit index")
    page.get_by_role("link", name="The skills rotation").click()
    page.get_by_role("heading", name="The skills rotation", level=1).wait_for()
    check_page(page, "toolkit skills rotation")
    assert page.get_by_role("button", name="Print this page").is_visible()  # shown where scripts run
    page.locator("article").get_by_role("link", name="Meeting format").click()
    page.get_by_role("heading", name="Meeting format", level=1).wait_for()
    check_page(page, "toolkit meeting format")

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator(".toolkit-print-footer").is_visible()
    assert "call or text 988" in page.locator(".toolkit-print-footer").inner_text()
    page.screenshot(path=str(SCREENSHOT_DIR / "toolkit-meeting-format-print.png"), full_page=True)
    page.emulate_media(media="screen")


def test_a_group_on_the_rotation_and_its_members_emails(page):
    lead = make_user("lead@example.org", "Lee")
    member = make_user("member@example.org", "Mina")
    group = make_group(lead, name="Harlem Evening Skills")
    JoinRequest.objects.create(group=group, user=member, status="approved")
    today = timezone.now().astimezone(group.tz).date()

    sign_in(page, "lead@example.org")
    page.goto(group.get_absolute_url())
    page.get_by_role("navigation", name="Facilitator tools").get_by_role("link", name="Skills rotation").click()
    page.get_by_role("heading", name="Skills rotation", level=1).wait_for()
    check_page(page, "rotation not followed")
    page.get_by_label("Week 1 begins on").fill(today.isoformat())
    page.get_by_role("button", name="Follow the rotation").click()
    page.get_by_text("The group follows the skills rotation.").wait_for()
    assert page.locator(".week-skill").inner_text().startswith("Week 1: Wise Mind")
    page.get_by_label("Week to pin").select_option("20")
    page.get_by_role("button", name="Pin this week").click()
    page.get_by_text("Week 20 is pinned until you unpin it.").wait_for()
    check_page(page, "rotation pinned")

    page.goto("/groups/manage/")
    check_page(page, "my groups with change e-mails")
    page.goto(f"/groups/{group.slug}/notices/")
    mail.outbox.clear()
    day = today + timedelta(days=7)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_text").fill("No meeting: the library is closed")
    page.get_by_label("There is no meeting on this date").check()
    page.get_by_role("button", name="Post notice").click()
    page.get_by_text("The notice is posted on the group page.").wait_for()
    sign_out(page)

    page.goto(group.get_absolute_url())
    week = page.locator(".week-skill")
    assert week.inner_text().startswith("This week's skill: DEAR MAN")
    assert week.get_by_role("link", name="DEAR MAN").get_attribute("href") == "/lessons/asking-with-dear-man/"
    check_page(page, "group page with the week's skill")

    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    body = mail.outbox[0].body
    assert "This week's skill: DEAR MAN" in body
    link = re.search(r"https?://\S+/groups/change-emails/stop/\S+/", body)[0]
    page.goto("/" + link.split("/", 3)[3])
    check_page(page, "stop change e-mails")
    page.get_by_role("button", name="Stop e-mails about Harlem Evening Skills").click()
    page.get_by_role("heading", name="No more e-mails about changes").wait_for()
    check_page(page, "change e-mails stopped")
    assert ChangeEmailOptOut.objects.filter(group=group, user=member).exists()

    sign_in(page, "member@example.org")
    page.goto("/groups/manage/")
    page.get_by_role("button", name="Send me e-mails (Harlem Evening Skills)").click()
    page.get_by_text("You will get an e-mail when Harlem Evening Skills changes.").wait_for()
    assert not ChangeEmailOptOut.objects.exists()
    check_page(page, "my groups as a member")
