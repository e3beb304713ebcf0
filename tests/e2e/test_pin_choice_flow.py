"""A facilitator who placed the pin by hand changes the address: the form asks what to do with the
pin, and does what they choose."""

import pytest

from groups.models import PeerGroup
from tests.conftest import PRIVATE_GROUP, make_group, make_user
from tests.e2e.conftest import SCREENSHOT_DIR, check_page
from tests.e2e.test_listing_flow import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_changing_the_address_under_a_hand_placed_pin_asks_and_keeps_the_pin(page):
    lead = make_user("lead@example.org", "Lee")
    group = make_group(
        lead, **{**PRIVATE_GROUP, "location_source": "facilitator", "latitude": 40.80441, "longitude": -73.96573}
    )
    sign_in(page, "lead@example.org")
    page.goto(f"/groups/{group.slug}/edit/")
    page.locator("#id_group-address").fill("3000 Broadway")
    page.locator("#id_group-postal_code").fill("10025")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Choose whether to keep your pin or move it to the new address.", exact=True).wait_for()
    check_page(page, "listing form pin choice")
    for width in (390, 1280):  # the question up close, at a phone's width and a desktop's
        page.set_viewport_size({"width": width, "height": 900})
        where = page.locator("fieldset", has_text="Where it meets")
        where.screenshot(path=str(SCREENSHOT_DIR / f"listing-form-pin-choice-close-{width}.png"))
    page.get_by_label("Keep the pin where I placed it").check()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    group = PeerGroup.objects.get(pk=group.pk)
    assert (group.latitude, group.longitude, group.address) == (40.80441, -73.96573, "3000 Broadway")
