"""On a phone, a visitor types a UK postcode, sees the groups near it on the map drawn by the site,
follows a numbered marker to its group, and every request stays on the site."""

from datetime import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import make_group
from tests.e2e.conftest import PHONE, check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leeds(db):
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("load_places", countries="GB", min_population=15000, **quiet)
    call_command("load_postcodes", countries="GB", areas="LS", **quiet)
    common = {"town": "Leeds", "region": "England", "country": "GB", "postal_code": "", "time_zone": "Europe/London"}
    make_group(
        name="Leeds Wise Mind Circle",
        latitude=53.7997,
        longitude=-1.5492,
        **common,
        meetings=[{"weekday": 2, "start": time(18, 30), "end": time(20)}],
    )
    make_group(
        name="Headingley Skills Practice",
        latitude=53.8196,
        longitude=-1.5776,
        **common,
        meetings=[{"weekday": 4, "start": time(10), "end": time(11, 30)}],
    )


def test_a_uk_postcode_on_a_phone_shows_the_map_and_a_marker_opens_its_group(page, leeds, live_server):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if urlsplit(request.url).netloc != urlsplit(live_server.url).netloc else None
        ),
    )
    page.set_viewport_size(PHONE)
    page.goto("/")
    placeholder = page.get_by_label("ZIP code, postcode or town")
    assert placeholder.evaluate(
        "el => { const c = document.createElement('canvas').getContext('2d'); const s = getComputedStyle(el);"
        " c.font = s.font; return c.measureText(el.placeholder).width"
        " <= el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
    ), "the placeholder fits the box at phone width"
    placeholder.fill("LS1 4AP")
    page.get_by_role("button", name="Find groups").click()
    page.get_by_role("heading", name="2 groups within 25 mi of LS1 4AP (Leeds city centre)").wait_for()

    drawn = page.locator("svg.svg-map")
    drawn.wait_for()
    assert drawn.bounding_box()["width"] > 300  # the map fills the phone's width
    assert page.locator("svg.svg-map title").first.text_content().startswith("Map of groups 1 to 2 near LS1 4AP")
    numbers = page.locator(".result-card__number").all_inner_texts()
    assert numbers == ["1", "2"]
    check_page(page, "search by UK postcode with map")

    page.emulate_media(media="print")
    assert drawn.is_visible(), "the map prints"
    page.emulate_media(media="screen")

    page.set_viewport_size(PHONE)
    marker = page.locator("a.svg-map__marker", has=page.locator("text", has_text="2"))
    name = page.locator(".result-card").nth(1).locator("h3 a").inner_text()
    marker.click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    assert outside == [], f"requests left the site: {outside}"


def test_use_my_location_is_offered_only_where_it_can_work(browser, live_server, leeds):
    from tests.e2e.conftest import DESKTOP

    for javascript, shown in ((False, False), (True, True)):
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=javascript)
        page = context.new_page()
        page.goto("/groups/?near=LS1")
        page.get_by_role("button", name="Search").wait_for()
        assert page.get_by_role("button", name="Use my location").is_visible() is shown, f"javascript={javascript}"
        context.close()
