"""A clinic prints the groups near it from the search, and a facilitator prints a flyer: both pages
pass axe at both widths, print without the site's menus, and download as PDFs."""

from datetime import time

import pytest

from groups.printing import pdf_engine
from tests.conftest import make_group, make_user
from tests.e2e.conftest import SCREENSHOT_DIR, check_page
from tests.e2e.test_listing_flow import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")


def printed_screenshot(page, name):
    """The page as paper shows it: print media, a sheet's width. Returns to screen media after."""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-print.png"), full_page=True)
    hidden = page.locator(".site-header").is_hidden() and page.locator(".print-tools").is_hidden()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    return hidden


def test_a_clinic_prints_the_groups_near_it_and_a_facilitator_prints_a_flyer(page):
    facilitator = make_user("fran@example.org", "Fran")
    make_group(
        facilitator, name="Harlem Evening Skills", meetings=[{"weekday": 1, "start": time(19), "end": time(20, 30)}]
    )
    make_group(
        facilitator,
        name="Morningside Morning Circle",
        latitude=40.81,
        longitude=-73.96,
        venue="Hall B",
        address="500 West 116th Street",
        meetings=[{"weekday": 3, "start": time(9), "end": time(10)}],
    )
    private = make_group(
        facilitator,
        name="Quiet Harbour Group",
        latitude=40.80,
        longitude=-73.94,
        location_privacy="members",
        format="hybrid",
        venue="St Brigid's Parish Hall",
        address="99 Secret Lane",
        meeting_url="https://meet.example.org/quiet-harbour-secret",
        meetings=[{"weekday": 4, "start": time(18), "end": time(19)}],
    )

    page.goto("/groups/?near=10027")
    page.get_by_role("heading", name="3 groups within 25 mi of New York, NY 10027").wait_for()
    check_page(page, "search results with the print link")
    page.get_by_role("link", name="Print this list").click()
    page.get_by_role("heading", name="Print the groups near New York, NY 10027", level=1).wait_for()
    sheet = page.locator(".print-sheet")
    assert sheet.get_by_role("heading", level=3).all_inner_texts() == [
        "Harlem Evening Skills",
        "Morningside Morning Circle",
        "Quiet Harbour Group",
    ]
    assert "Address shared with members who ask to join." in sheet.inner_text()
    assert sheet.get_by_role("img", name="QR code: the up-to-date list on the web").count() == 1
    assert page.get_by_role("button", name="Print").is_visible()  # the script found the button
    check_page(page, "print list")
    body = page.content()
    for secret in SECRETS:
        assert secret not in body
    assert printed_screenshot(page, "print-list"), "the site's menus and the print tools show on paper"

    if pdf_engine() is None:  # WeasyPrint's Pango is missing here: the page says to use the browser's Print
        assert page.get_by_role("link", name="Download a PDF").count() == 0
    else:
        download_the_pdf(page)

    # The facilitator, signed in, prints a flyer of the private group: it says no more than its public page.
    sign_in(page, "fran@example.org")
    page.goto(private.get_absolute_url())
    assert page.get_by_text("99 Secret Lane").count() == 1  # they see the address on the page...
    check_page(page, "group page with the flyer link")
    page.get_by_role("link", name="Print a flyer").click()
    page.get_by_role("heading", name="Quiet Harbour Group", level=1).wait_for()
    flyer = page.locator(".flyer")
    assert "Every Friday, 6:00 PM to 7:00 PM" in flyer.inner_text()
    assert flyer.get_by_role("img", name="QR code: this group's page on the web").count() == 1
    check_page(page, "flyer")
    body = page.content()
    for secret in SECRETS:
        assert secret not in body  # ...and not on the flyer
    assert printed_screenshot(page, "flyer")


def download_the_pdf(page):
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a PDF").click()
    pdf = download.value
    assert pdf.suggested_filename == "dbt-groups-near-new-york-ny-10027.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_an_endorser_prints_the_groups_near_their_practice(page):
    from groups.geocoding import normalise
    from groups.models import Place
    from tests.accounts.test_professionals import make_professional

    Place.objects.create(
        geonameid=1,
        name="New York City",
        search_name=normalise("New York City"),
        region_code="NY",
        region_name="New York",
        country_code="US",
        latitude=40.7143,
        longitude=-74.006,
        population=8804190,
        time_zone="America/New_York",
    )
    make_group(make_user("fran@example.org", "Fran"), name="Harlem Evening Skills")
    profile = make_professional(licence_region="NY")

    page.goto("/professionals/")
    check_page(page, "endorsers with the print link")
    page.get_by_role("link", name="Groups near this practice, to print (Dr Dana Rivera)").click()
    page.get_by_role("heading", name="Print the groups near New York City, NY", level=1).wait_for()
    assert "Harlem Evening Skills" in page.locator(".print-sheet").inner_text()

    sign_in(page, profile.user.email)
    page.goto("/professionals/me/")
    check_page(page, "endorser's own page with the practice form")
    page.get_by_label("Your practice's town, ZIP code or postcode").fill("10027")
    page.get_by_role("button", name="Show the list to print").click()
    page.get_by_role("heading", name="Print the groups near New York, NY 10027", level=1).wait_for()
    assert "Harlem Evening Skills" in page.locator(".print-sheet").inner_text()
