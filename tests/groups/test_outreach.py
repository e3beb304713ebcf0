"""Outreach in print: the printable list of groups near a place, the one-page flyer, their PDFs,
and the endorser's "groups near your practice". Paper shows what a group's public page shows a
visitor, whoever prints it."""

import io
import os
import re
import socket
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from groups import printing
from groups.geocoding import normalise
from groups.models import JoinRequest, PeerGroup, Place
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_group, make_user

PRINTED_AT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")
PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]


def text_of(response):
    return response.content.decode()


def needs_pdf():
    """PDF tests need WeasyPrint's system libraries (Pango), which `make install` and CI install."""
    if printing.pdf_engine() is None:
        message = "WeasyPrint cannot load Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)


def pdf_text(response):
    needs_pdf()
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join((page.extract_text() or "") for page in reader.pages)


@pytest.fixture
def as_persona(client, request):
    def login(persona):
        if persona == "anonymous":
            client.logout()
        else:
            client.force_login(request.getfixturevalue(persona))
        return client

    return login


@pytest.fixture
def approved_member(private_group, facilitator):
    member = make_user("abe@example.org", "Abe")
    JoinRequest.objects.create(
        group=private_group, user=member, message="hi", status="approved", decided_by=facilitator
    )
    return member


# --- The list -----------------------------------------------------------------------------------


def test_it_lists_the_groups_near_a_place_nearest_first_laid_out_for_paper(client, facilitator):
    make_group(
        facilitator,
        name="Morningside Circle",
        latitude=40.835,
        longitude=-73.94,
        venue="Hall B",
        address="500 West 160th Street",
        meetings=[{"weekday": 3, "start": time(9), "end": time(10, 30)}],
    )
    make_group(facilitator)  # Harlem Skills Circle, at the ZIP code's own point
    make_group(
        facilitator,
        name="Boston Wise Mind",
        town="Boston",
        region="MA",
        postal_code="02108",
        latitude=42.3588,
        longitude=-71.0707,
    )
    with time_machine.travel(PRINTED_AT, tick=False):
        response = client.get(reverse("group_print"), {"near": "10027"})
    body = text_of(response)
    assert response.status_code == 200
    assert body.index("Harlem Skills Circle") < body.index("Morningside Circle")
    assert "Boston Wise Mind" not in body
    assert "2 groups within 25 mi, nearest first." in body
    assert "Every Tuesday, 7:00 PM to 8:30 PM" in body and "Every Thursday, 9:00 AM to 10:30 AM" in body
    assert "(Eastern Time)" in body
    assert "Riverside Library, Room 2<br>127 West 125th Street<br>New York, NY 10027" in body
    assert "http://testserver/groups/harlem-skills-circle/" in body
    assert 'class="qr"' in body and "<title>QR code: the up-to-date list on the web</title>" in body
    assert "Printed on 1 December 2026." in body
    assert "call or text 988" in body and "http://testserver/crisis/" in body
    assert "Taking new members." in body


def test_the_printed_date_is_the_date_where_the_list_will_be_used(client, group):
    # 02:00 on 2 December in London is still 1 December in New York.
    with time_machine.travel(datetime(2026, 12, 2, 2, 0, tzinfo=UTC), tick=False):
        body = text_of(client.get(reverse("group_print"), {"near": "10027"}))
    assert "Printed on 1 December 2026." in body


def test_a_private_group_prints_its_town_and_how_to_get_the_address_never_the_address(client, private_group):
    response = client.get(reverse("group_print"), {"lat": "40.8116", "lng": "-73.955", "units": "km"})
    body = text_of(response)
    assert "Quiet Harbour Group" in body
    assert "New York, NY<br>" in body
    assert "Address shared with members who ask to join." in body
    assert "Online: the meeting link is shared with members who ask to join." in body
    assert re.search(r"· <span class=\"visually-hidden\">Distance: </span>about \d+ km</p>", body)
    for secret in (*SECRETS, "10027"):
        assert secret not in body, secret


@pytest.mark.parametrize("persona", ["facilitator", "approved_member", "moderator"])
def test_those_who_may_see_the_address_still_print_only_the_public_page(client, request, private_group, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("group_print") + "?near=10027", reverse("group_flyer", args=[private_group.slug])):
        body = text_of(client.get(url))
        assert "Quiet Harbour Group" in body
        for secret in SECRETS:
            assert secret not in body, (persona, url, secret)


def test_it_keeps_the_searchs_filters_and_prints_what_the_search_showed(client, facilitator):
    make_group(facilitator, name="Evening Group", meetings=[{"weekday": 1, "start": time(19), "end": time(20)}])
    make_group(facilitator, name="Morning Group", meetings=[{"weekday": 1, "start": time(9), "end": time(10)}])
    search = client.get(reverse("group_list"), {"near": "10027", "time": "evening"})
    assert 'href="/groups/print/?near=10027&amp;time=evening"' in text_of(search)
    body = text_of(client.get("/groups/print/?near=10027&time=evening"))
    assert "Evening Group" in body and "Morning Group" not in body
    assert '<input type="hidden" name="time" value="evening">' in body
    assert "http://testserver/groups/?near=10027&amp;time=evening" in body  # the QR code's address


def test_it_says_how_many_more_there_are_than_it_prints(client, facilitator, monkeypatch):
    from groups.views import outreach

    monkeypatch.setattr(outreach, "PRINT_LIMIT", 2)
    for n in range(3):
        make_group(facilitator, name=f"Group {n}", latitude=40.8116 + n / 1000)
    body = text_of(client.get(reverse("group_print"), {"near": "10027"}))
    assert "The nearest 2 groups within 25 mi; there are more on the web." in body
    assert "Group 2" not in body


def test_a_place_with_no_group_prints_a_sheet_that_says_so(client, group):
    body = text_of(client.get(reverse("group_print"), {"near": "02108"}))
    assert "No group meets in person within 25 mi yet." in body
    assert "Harlem Skills Circle" not in body


def test_drafts_and_archived_groups_are_not_printed(client, facilitator):
    make_group(facilitator, name="Draft Group", status="draft")
    make_group(facilitator, name="Old Group", status="archived")
    body = text_of(client.get(reverse("group_print"), {"near": "10027"}))
    assert "Draft Group" not in body and "Old Group" not in body


def test_full_and_closed_groups_say_so(client, facilitator, member):
    full = make_group(facilitator, name="Full Group", capacity=1)
    JoinRequest.objects.create(group=full, user=member, message="m", status="approved")
    make_group(facilitator, name="Closed Group", accepting_new_members=False)
    body = text_of(client.get(reverse("group_print"), {"near": "10027"}))
    assert "Full at the moment." in body and "Not taking new members at the moment." in body


def test_without_a_place_it_asks_for_one(client):
    response = client.get(reverse("group_print"))
    assert response.status_code == 200
    assert 'name="near"' in text_of(response)
    assert "print-sheet" not in text_of(response)


def test_the_list_costs_a_fixed_number_of_queries(client, facilitator, django_assert_num_queries):
    for n in range(5):
        make_group(facilitator, name=f"Group {n}", latitude=40.8116 + n / 1000)
    with django_assert_num_queries(4):  # the capped count, the page, its meeting times, its notices
        response = client.get(reverse("group_print"), {"near": "10027"})
    assert text_of(response).count('class="print-group"') == 5


# --- Bad input ----------------------------------------------------------------------------------

BAD_QUERIES = [
    ({"near": "Qwxzyville"}, 200, "We couldn&#x27;t find that place."),
    ({"near": "10027", "radius": "100000"}, 400, "Ensure this value is less than or equal to 250."),
    ({"near": "10027", "radius": "nan"}, 400, "Enter a number."),
    (
        {"near": "100\x0027"},
        400,
        "Something in that request was not right",
    ),  # the unreadable-input middleware, before any view
    ({"near": "100\x0727"}, 400, "Please type a town or a ZIP code."),
    ({"near": "10027", "q": "a\x00b"}, 400, "Something in that request was not right"),
    ({"near": "10027", "format": "teleport"}, 400, "Select a valid choice."),
    ({"lat": "40.8"}, 400, "Both latitude and longitude are needed."),
    ({"lat": "91", "lng": "0"}, 400, "Ensure this value is less than or equal to 90."),
    ({"near": "x" * 300}, 400, "Ensure this value has at most 200 characters"),
    ({"endorser": "abc"}, 404, "We couldn't find that endorser."),
    ({"endorser": "\x00"}, 400, "Something in that request was not right"),
    ({"endorser": "99999"}, 404, "We couldn't find that endorser."),
]


@pytest.mark.parametrize("name", ["group_print", "group_print_pdf"])
@pytest.mark.parametrize(("query", "status", "message"), BAD_QUERIES)
def test_bad_input_gives_the_page_with_a_clear_message(client, group, name, query, status, message):
    response = client.get(reverse(name), query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert message in text_of(response)
    assert "print-sheet" not in text_of(response)


def test_an_ambiguous_place_offers_its_candidates_as_print_links(client, group):
    for name, region, region_name, lat, lng, population in (
        ("Springfield", "MO", "Missouri", 37.2, -93.3, 170188),
        ("Springfield", "MA", "Massachusetts", 42.1, -72.6, 154341),
    ):
        Place.objects.create(
            geonameid=population,
            name=name,
            search_name=normalise(name),
            region_code=region,
            region_name=region_name,
            country_code="US",
            latitude=lat,
            longitude=lng,
            population=population,
            time_zone="America/Chicago",
        )
    body = text_of(client.get(reverse("group_print"), {"near": "Springfield"}))
    assert "Which one did you mean?" in body
    assert "?near=Springfield%2C+MO&amp;lat=37.2&amp;lng=-93.3" in body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(
                ["near", "radius", "units", "lat", "lng", "endorser", "q", "day", "time", "format", "page"]
            ),
            st.text(max_size=30),
        ),
        max_size=4,
    )
)
def test_no_query_string_makes_the_print_pages_fail(client, group, query):
    from urllib.parse import urlencode

    for name in ("group_print", "group_print_pdf"):
        response = client.get(reverse(name) + "?" + urlencode(query))
        assert response.status_code < 500, (name, query)


# --- The flyer ----------------------------------------------------------------------------------


def test_the_flyer_shows_the_group_with_a_qr_code_to_its_page(client, group):
    with time_machine.travel(PRINTED_AT, tick=False):
        response = client.get(reverse("group_flyer", args=[group.slug]))
    body = text_of(response)
    assert response.status_code == 200
    assert '<h1 id="flyer-title">Harlem Skills Circle</h1>' in body
    assert "<title>QR code: this group&#x27;s page on the web</title>" in body
    assert "http://testserver/groups/harlem-skills-circle/" in body
    assert "Every Tuesday, 7:00 PM to 8:30 PM" in body and "Times are Eastern Time." in body
    assert "127 West 125th Street" in body
    assert "We practise one skill a week. Newcomers who have finished a DBT program are welcome." in body
    assert "Contact: Fran." in body and "call or text 988" in body
    assert "Printed on 1 December 2026." in body


def test_the_flyer_of_a_private_group_shows_its_town_only(client, private_group, facilitator):
    client.force_login(facilitator)
    body = text_of(client.get(reverse("group_flyer", args=[private_group.slug])))
    assert "Address shared with members who ask to join." in body
    for secret in SECRETS:
        assert secret not in body


def test_the_group_page_links_to_its_flyer(client, group):
    body = text_of(client.get(group.get_absolute_url()))
    assert f'href="/groups/{group.slug}/flyer/">Print a flyer</a>' in body


def test_a_group_called_print_does_not_lose_its_page_to_the_print_list(facilitator):
    group = make_group(facilitator, name="Print")
    assert group.slug == "print-2"


# --- PDFs ---------------------------------------------------------------------------------------


def test_the_list_downloads_as_a_pdf_on_us_letter_paper(client, group, private_group):
    response = client.get(reverse("group_print_pdf"), {"near": "10027"})
    reader, text = pdf_text(response)
    assert response["Content-Disposition"] == 'attachment; filename="dbt-groups-near-new-york-ny-10027.pdf"'
    assert "Harlem Skills Circle" in text and "Quiet Harbour Group" in text
    assert "988" in text and "Address shared with members who ask to join." in text
    for secret in SECRETS:
        assert secret not in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in


def test_a_flyer_pdf_is_one_page_even_with_a_long_description_and_many_meetings(client, facilitator):
    meetings = [{"weekday": day, "start": time(18), "end": time(19, 30)} for day in range(5)]
    group = make_group(
        facilitator,
        name="Leeds Skills Circle",
        town="Leeds",
        region="England",
        country="GB",
        postal_code="LS1 1UR",
        latitude=53.7965,
        longitude=-1.5478,
        time_zone="Europe/London",
        description="We meet to practise. " * 200,
        meetings=meetings,
    )
    response = client.get(reverse("group_flyer_pdf", args=[group.slug]))
    reader, text = pdf_text(response)
    assert len(reader.pages) == 1
    assert "Leeds Skills Circle" in text and "Every Friday" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_a_private_groups_flyer_pdf_keeps_its_secrets(client, private_group, facilitator):
    client.force_login(facilitator)
    _, text = pdf_text(client.get(reverse("group_flyer_pdf", args=[private_group.slug])))
    assert "Quiet Harbour Group" in text
    for secret in SECRETS:
        assert secret not in text


def test_without_weasyprint_the_pages_still_print_and_the_pdf_says_why(client, group, monkeypatch):
    monkeypatch.setattr(printing, "pdf_engine", lambda: None)
    page = client.get(reverse("group_flyer", args=[group.slug]))
    assert page.status_code == 200 and "Download a PDF" not in text_of(page)
    response = client.get(reverse("group_flyer_pdf", args=[group.slug]))
    assert response.status_code == 404
    assert "This server cannot make PDF files at the moment." in text_of(response)


def test_pdfs_are_rate_limited_per_visitor(client, group, monkeypatch):
    from groups.views import outreach

    needs_pdf()
    monkeypatch.setattr(outreach, "PDF_RATE", "2/h")
    url = reverse("group_flyer_pdf", args=[group.slug])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(reverse("group_flyer", args=[group.slug])).status_code == 200  # the page itself is not


def test_a_pdf_never_opens_a_connection(client, facilitator, monkeypatch):
    """A description with an image from elsewhere: WeasyPrint may read only the site's static files."""
    needs_pdf()
    group = make_group(facilitator, description="![x](http://tracker.example.org/pixel.png) Hello")
    attempts = []
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(OSError("no network in tests")),
    )
    response = client.get(reverse("group_flyer_pdf", args=[group.slug]))
    assert response.status_code == 200
    assert attempts == []


def test_the_pdf_reads_the_sites_stylesheets_and_nothing_else():
    needs_pdf()
    from weasyprint.urls import URLFetchingError

    fetcher = printing._static_fetcher()
    css = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@media print" in css.read()
    for url in (
        "http://tracker.example.org/pixel.png",
        "http://testserver/groups/",
        "file:///etc/passwd",
        "http://testserver/static/../settings.py",
    ):
        with pytest.raises((URLFetchingError, ValueError)):
            fetcher.fetch(url)


# --- Endorsers ----------------------------------------------------------------------------------


@pytest.fixture
def places(db):
    rows = [
        ("New York City", "NY", "New York", "US", 40.7143, -74.006, 8804190, "America/New_York"),
        ("Buffalo", "NY", "New York", "US", 42.8865, -78.8784, 278349, "America/New_York"),
        ("Chicago", "IL", "Illinois", "US", 41.85, -87.65, 2746388, "America/Chicago"),
        ("Il", "", "", "KE", 0.5, 37.9, 300000, "Africa/Nairobi"),
        ("London", "ENG", "England", "GB", 51.50853, -0.12574, 8961989, "Europe/London"),
        ("England", "AR", "Arkansas", "US", 34.54, -91.97, 2825, "America/Chicago"),
    ]
    for n, (name, code, region, country, lat, lng, population, zone) in enumerate(rows, 1):
        Place.objects.create(
            geonameid=n,
            name=name,
            search_name=normalise(name),
            region_code=code,
            region_name=region,
            country_code=country,
            latitude=lat,
            longitude=lng,
            population=population,
            time_zone=zone,
        )


@pytest.mark.parametrize(
    ("region", "centre"),
    [
        ("NY", "New York City, NY"),
        ("Illinois", "Chicago, IL"),
        ("IL", "Chicago, IL"),
        ("England", "London, England"),
        ("United Kingdom", "London, England"),
        ("GB", "London, England"),
    ],
)
def test_a_region_is_centred_on_its_biggest_town_not_a_town_of_that_name(places, region, centre):
    assert printing.region_centre(region) == centre


def test_the_endorsers_entry_offers_the_groups_near_their_practice(client, places, group):
    profile = make_professional(licence_region="NY")
    listing = text_of(client.get(reverse("professional_list")))
    link = f"/groups/print/?endorser={profile.user_id}"
    assert f'href="{link}">Groups near this practice, to print' in listing
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/groups/print/?near=New+York+City%2C+NY&radius=50"
    body = text_of(client.get(response["Location"]))
    assert "Peer-led DBT skills groups near New York City, NY" in body
    assert "Harlem Skills Circle" in body  # 11 km from City Hall


def test_an_endorser_not_verified_has_no_print_list(client, places):
    profile = make_professional(status="pending", licence_region="NY")
    response = client.get(reverse("group_print"), {"endorser": profile.user_id})
    assert response.status_code == 404
    assert "We couldn't find that endorser." in text_of(response)


def test_a_region_the_gazetteer_does_not_know_asks_for_the_practices_town(client, places):
    profile = make_professional(licence_region="Atlantis")
    response = client.get(reverse("group_print"), {"endorser": profile.user_id})
    assert response.status_code == 200
    assert "We couldn't place the region “Atlantis” on the map." in text_of(response)


def test_a_verified_endorser_gets_a_form_for_the_groups_near_their_practice(client, db):
    profile = make_professional(licence_region="NY")
    client.force_login(profile.user)
    body = text_of(client.get(reverse("professional_me")))
    assert "Groups near your practice" in body
    assert 'action="/groups/print/"' in body and 'name="near"' in body
    pending = make_professional("pat@example.org", status="pending")
    client.force_login(pending.user)
    assert "Groups near your practice" not in text_of(client.get(reverse("professional_me")))


# --- Who may print what -------------------------------------------------------------------------

MATRIX = [
    ("group_print", dict.fromkeys(PERSONAS, 200)),
    ("group_print_pdf", dict.fromkeys(PERSONAS, 200)),
    ("group_flyer", dict.fromkeys(PERSONAS, 200)),
    ("group_flyer_pdf", dict.fromkeys(PERSONAS, 200)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_everyone_may_print_a_published_group_and_nobody_a_draft(
    as_persona, facilitator, other_facilitator, persona, name, expected
):
    published = make_group(facilitator, name="Published Group")
    draft = make_group(facilitator, name="Draft Group", status="draft", latitude=40.812)
    client = as_persona(persona)
    if name.endswith("_pdf"):
        needs_pdf()
    if name.startswith("group_flyer"):
        assert client.get(reverse(name, args=[published.slug])).status_code == expected[persona]
        assert client.get(reverse(name, args=[draft.slug])).status_code == 404  # its own facilitator too
    else:
        response = client.get(reverse(name), {"near": "10027"})
        assert response.status_code == expected[persona]
        content = response.content if name == "group_print" else pdf_text(response)[1].encode()
        assert b"Published Group" in content and b"Draft Group" not in content


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_print_pages_change_nothing_and_answer_only_reading(client, group, method):
    for url in (reverse("group_print"), reverse("group_flyer", args=[group.slug])):
        response = getattr(client, method)(url)
        assert response.status_code == 405
    assert PeerGroup.objects.get(pk=group.pk).name == "Harlem Skills Circle"


def test_with_the_cache_away_the_pages_print_and_pdfs_wait(client, group, redis_down):
    """The PDF limit fails closed like every other limit; the pages themselves need no cache."""
    needs_pdf()
    assert client.get(reverse("group_print"), {"near": "10027"}).status_code == 200
    assert client.get(reverse("group_flyer", args=[group.slug])).status_code == 200
    assert client.get(reverse("group_flyer_pdf", args=[group.slug])).status_code == 429
