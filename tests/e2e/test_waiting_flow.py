"""Where there is no group yet: a visitor asks to be told, confirms from the e-mail; a facilitator
sees that people wait there and lists a group; a moderator publishes it; the visitor hears of it
and stops the e-mails with one click."""

import re

import pytest

from groups import alerts
from groups.models import PeerGroup
from groups.waiting import WaitingRequest
from outbox.models import OutgoingEmail
from tests.conftest import make_user
from tests.e2e.conftest import check_page
from tests.e2e.test_listing_flow import fill_new_listing, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def link_in(template, path):
    email = OutgoingEmail.objects.filter(template=template).latest("pk")
    return re.search(rf"https?://[^\s]+{path}[\w-]+/", email.body).group(0)


def test_from_an_empty_search_to_the_day_a_group_opens(page, live_server):
    make_user("lead@example.org", "Lee")
    make_user("mod@example.org", "Morgan", moderator=True)

    page.goto("/groups/?near=10027")
    page.get_by_role("heading", name=re.compile("0 groups within 25 mi")).wait_for()
    page.get_by_role("heading", name="Tell me when a group starts near New York, NY 10027").wait_for()
    check_page(page, "search with nothing near")
    page.get_by_label("Your e-mail address").fill("wren@example.org")
    page.get_by_role("button", name="Tell me when a group starts").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert not WaitingRequest.objects.get().is_active

    page.goto(link_in("waiting_confirm", "/groups/waiting/confirm/"))
    check_page(page, "confirm waiting")
    page.get_by_role("button", name="Yes, tell me when a group starts").click()
    page.get_by_role("heading", name="You are on the list").wait_for()
    request = WaitingRequest.objects.get()
    assert request.is_active
    for n in range(4):  # four neighbours ask too
        other = alerts.waiting_request_create(
            user=None,
            email=f"n{n}@example.org",
            latitude=40.81,
            longitude=-73.95,
            radius_km=40,
            format="either",
            language="en",
            now=request.created_at,
        )
        alerts.waiting_request_confirm(token=other.confirm_token, now=request.created_at)

    sign_in(page, "lead@example.org")
    page.goto("/groups/start/")
    page.get_by_text("5 or more").wait_for()
    check_page(page, "start a group")
    page.get_by_role("link", name="List a new group").click()
    fill_new_listing(page)
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("About 5 people within 25 mi are waiting for a group").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Status: Waiting for review.").wait_for()
    sign_out(page)

    sign_in(page, "mod@example.org")
    page.goto("/moderation/")
    page.get_by_role("link", name="Harlem Evening Skills").click()
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("The listing is public").wait_for()
    sign_out(page)
    assert PeerGroup.objects.get().status == "published"

    alert = OutgoingEmail.objects.filter(template="waiting_alert", to="wren@example.org").get()
    assert "Harlem Evening Skills" in alert.subject and "/groups/harlem-evening-skills/" in alert.body
    unsubscribe = alert.headers["List-Unsubscribe"].strip("<>")
    assert alert.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = page.request.post(
        unsubscribe, data="List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 200
    request.refresh_from_db()
    assert request.ended_reason == "unsubscribed"
    page.goto(unsubscribe)
    page.get_by_text("This request is already stopped").wait_for()
    check_page(page, "unsubscribed")
