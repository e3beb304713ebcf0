"""A visitor in San Francisco looks at an online group that meets in Edinburgh: its page shows
the meeting in their own time, and the evening filter means their evening, not Edinburgh's."""

from datetime import UTC, datetime, time

import pytest

from tests.conftest import make_group
from tests.e2e.conftest import DESKTOP, check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_san_francisco(browser, live_server):
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="en-US", timezone_id="America/Los_Angeles"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_online_group_in_the_viewers_own_time(in_san_francisco, time_machine):
    page = in_san_francisco
    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC), tick=True)  # Tuesday 1 December
    group = make_group(
        name="Edinburgh Evening Skills",
        format="online",
        latitude=None,
        longitude=None,
        meeting_url="https://meet.example.org/edinburgh",
        time_zone="Europe/London",
        meetings=[{"weekday": 2, "start": time(20), "end": time(21)}],
    )

    page.goto(group.get_absolute_url())
    page.get_by_text("Wednesday 2 December 2026, 8:00 PM").wait_for()
    yours = page.locator(".your-time")
    yours.wait_for()
    assert "Your time:" in yours.inner_text()
    assert "Wednesday" in yours.inner_text() and "12:00 PM" in yours.inner_text()  # in the browser's own format
    assert "Pacific" in yours.inner_text()
    check_page(page, "online group in your time")

    page.goto("/groups/?format=online")
    page.get_by_role("link", name="Edinburgh Evening Skills").wait_for()
    page.get_by_text("More filters").click()
    page.get_by_label("Evening (after 5 pm)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**time=evening**")
    assert "tz=America%2FLos_Angeles" in page.url  # the browser told the search its zone
    assert page.get_by_role("link", name="Edinburgh Evening Skills").count() == 0
    page.get_by_label("Evening (after 5 pm)").uncheck()
    page.get_by_label("Afternoon (noon to 5 pm)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Edinburgh Evening Skills").wait_for()
    assert "Your time: Wednesday 2 December, 12:00 PM (Pacific Time)" in page.content()
    check_page(page, "online groups in your afternoon")
