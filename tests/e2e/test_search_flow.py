"""A visitor searches by ZIP from the home page, filters to evenings, opens a result and comes back."""

from datetime import time

import pytest

from tests.conftest import make_group
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_filter_open_and_come_back(page):
    make_group(name="Harlem Evening Skills", meetings=[{"weekday": 1, "start": time(19), "end": time(20, 30)}])
    make_group(
        name="Morningside Morning Circle",
        latitude=40.81,
        longitude=-73.96,
        meetings=[{"weekday": 3, "start": time(9), "end": time(10)}],
    )
    make_group(
        name="Quiet Harbour",
        latitude=40.80,
        longitude=-73.94,
        location_privacy="members",
        address="99 Secret Lane",
        meetings=[{"weekday": 4, "start": time(18), "end": time(19)}],
    )

    page.goto("/")
    page.get_by_label("ZIP code, postcode or town").fill("10027")
    page.get_by_role("button", name="Find groups").click()
    page.get_by_role("heading", name="3 groups within 25 mi of New York, NY 10027").wait_for()
    check_page(page, "search results")
    assert page.get_by_text("99 Secret Lane").count() == 0

    page.get_by_text("More filters").click()
    page.get_by_label("Evening (after 5 pm)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="2 groups within 25 mi of New York, NY 10027").wait_for()
    check_page(page, "search filtered")
    assert "time=evening" in page.url
    assert page.get_by_role("link", name="Morningside Morning Circle").count() == 0

    page.get_by_role("link", name="Harlem Evening Skills").click()
    page.get_by_role("heading", name="Harlem Evening Skills", level=1).wait_for()
    page.go_back()
    page.get_by_role("heading", name="2 groups within 25 mi of New York, NY 10027").wait_for()
    assert page.get_by_label("Evening (after 5 pm)").is_checked()
    assert page.get_by_label("ZIP code, postcode or town").input_value() == "10027"


def test_search_pages_without_a_place_and_with_an_unknown_one(page):
    make_group(
        name="Anywhere Online",
        format="online",
        meeting_url="https://meet.example.org/a",
        latitude=None,
        longitude=None,
        time_zone="UTC",
    )
    page.goto("/groups/")
    page.get_by_role("heading", name="Groups that meet online").wait_for()
    check_page(page, "search start")
    page.goto("/groups/?near=Qwxzyville")
    page.get_by_role("heading", name="We couldn't find that place.").wait_for()
    check_page(page, "search unknown place")
