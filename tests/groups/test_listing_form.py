"""Bad input in the listing form gives the form back with messages, and saves nothing."""

import re

import pytest
from django.urls import reverse

from groups.models import MeetingTime, PeerGroup
from tests.groups.forms import listing_data


@pytest.fixture
def post(client, facilitator):
    client.force_login(facilitator)

    def send(data):
        return client.post(reverse("group_create"), data)

    return send


def invalid_fields(body):
    """The names of the inputs the form marks aria-invalid="true"."""
    tags = re.findall(r'<(?:input|select|textarea)\b[^>]*\baria-invalid="true"[^>]*>', body)
    return {re.search(r'\bname="([^"]+)"', tag).group(1) for tag in tags}


def assert_refused(response, text, *, invalid=(), nonform=False):
    """Refused with `text` shown; each input named in `invalid` is marked invalid, or (nonform)
    the error stands above the meeting times, which no single input owns."""
    assert response.status_code == 400
    body = response.content.decode()
    assert text in body, body[body.find("errorlist") - 200 : body.find("errorlist") + 400]
    assert invalid or nonform
    assert set(invalid) <= invalid_fields(body), invalid_fields(body)
    if nonform:
        assert '<ul class="errorlist nonform">' in body
    assert not PeerGroup.objects.exists()
    assert not MeetingTime.objects.exists()


def test_the_form_page_renders(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("group_create"))
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("group-name", "group-postal_code", "meetings-0-weekday", "group-meeting_url"):
        assert f'name="{field}"' in body


def test_missing_name(post):
    assert_refused(post(listing_data(name="")), "This field is required.", invalid=["group-name"])


def test_end_before_start(post):
    assert_refused(
        post(listing_data(meetings=[{"weekday": "1", "start": "20:00", "end": "19:00"}])),
        "The meeting must end after it starts.",
        invalid=["meetings-0-end"],
    )


def test_no_meeting_time(post):
    data = listing_data(meetings=[])
    assert_refused(post(data), "Give at least one meeting time.", nonform=True)


def test_every_other_week_needs_a_matching_start_date(post):
    data = listing_data(
        meetings=[
            {"weekday": "1", "start": "19:00", "end": "20:00", "recurrence": "biweekly", "starts_on": "2026-11-25"}
        ]
    )
    assert_refused(post(data), "That date is a Wednesday, not a Tuesday.", invalid=["meetings-0-starts_on"])


def test_monthly_needs_a_week(post):
    data = listing_data(meetings=[{"weekday": "1", "start": "19:00", "end": "20:00", "recurrence": "monthly"}])
    assert_refused(post(data), "Choose which week of the month.", invalid=["meetings-0-week_of_month"])


def test_unknown_place(post):
    data = listing_data(postal_code="", town="Nowhereville Zzyzx", region="", address="")
    assert_refused(post(data), "We could not find this place on the map.", invalid=["group-postal_code"])


def test_online_group_needs_a_link_and_a_time_zone(post):
    response = post(listing_data(format="online", town="", postal_code="", address="", venue=""))
    assert_refused(
        response, "Online and hybrid groups need a meeting link.", invalid=["group-meeting_url", "group-time_zone"]
    )
    assert "Online groups need a time zone" in response.content.decode()


def test_meeting_link_must_be_https(post):
    data = listing_data(format="online", meeting_url="http://meet.example.org/x", time_zone="Europe/London")
    assert_refused(post(data), "Meeting links must start with https://.", invalid=["group-meeting_url"])


def test_javascript_link_is_refused(post):
    data = listing_data(format="online", meeting_url="javascript:alert(1)", time_zone="Europe/London")
    assert_refused(post(data), "Enter a valid URL.", invalid=["group-meeting_url"])


def test_latitude_out_of_range(post):
    assert_refused(
        post(listing_data(latitude="91", longitude="0")), "less than or equal to 90", invalid=["group-latitude"]
    )


def test_latitude_without_longitude(post):
    assert_refused(post(listing_data(latitude="40.1")), "Give both latitude and longitude", invalid=["group-latitude"])


def test_not_a_number(post):
    assert_refused(
        post(listing_data(latitude="NaN", longitude="abc")),
        "Enter a number.",
        invalid=["group-latitude", "group-longitude"],
    )


def test_unknown_time_zone(post):
    assert_refused(
        post(listing_data(time_zone="Mars/Olympus")), "is not a time zone we know", invalid=["group-time_zone"]
    )


def test_unknown_choices(post):
    assert_refused(
        post(listing_data(format="teleport", language="xx")),
        "Select a valid choice.",
        invalid=["group-format", "group-language"],
    )


def test_huge_values(post):
    assert_refused(
        post(listing_data(name="x" * 10_000, description="y" * 100_000)),
        "at most",
        invalid=["group-name", "group-description"],
    )


def test_capacity_must_be_sensible(post):
    assert_refused(post(listing_data(capacity="-3")), "greater than or equal to", invalid=["group-capacity"])


def test_a_corrupt_formset_management_form(post):
    data = listing_data()
    data["meetings-TOTAL_FORMS"] = "not-a-number"
    response = post(data)
    assert response.status_code == 400
    assert not PeerGroup.objects.exists()


def test_facilitator_can_set_the_pin_and_time_zone_themselves(post):
    response = post(
        listing_data(
            latitude="51.5",
            longitude="-0.12",
            time_zone="Europe/London",
            country="GB",
            postal_code="",
            town="London",
            region="",
        )
    )
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert (group.latitude, group.longitude, group.time_zone) == (51.5, -0.12, "Europe/London")


def test_an_online_group_is_saved_without_an_address(post):
    response = post(
        listing_data(
            format="online",
            meeting_url="https://meet.example.org/abc",
            time_zone="America/Chicago",
            town="",
            postal_code="",
            address="",
        )
    )
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert group.public_latitude is None
    assert group.meeting_url == "https://meet.example.org/abc"


def test_a_private_group_gets_an_approximate_point(post):
    response = post(listing_data(location_privacy="members"))
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert group.public_latitude is not None
    assert (group.public_latitude, group.public_longitude) != (group.latitude, group.longitude)


def test_the_zone_picker_offers_the_common_zones_first_and_no_aliases(client, facilitator):
    client.force_login(facilitator)
    body = client.get(reverse("group_create")).content.decode()
    common, everything = body.index('label="Common time zones"'), body.index('label="All time zones"')
    assert common < body.index('value="America/Vancouver"') < everything
    assert (
        "Pacific Time — Vancouver" in body
        and "Australian Eastern Time — Sydney" in body
        and "Hawaii Time — Honolulu" in body
    )
    assert everything < body.index('value="Asia/Kolkata"')
    picker = body[
        body.index('id="id_group-time_zone"') : body.index("</select>", body.index('id="id_group-time_zone"'))
    ]
    for alias in ("US/Pacific", "GB", "Canada/Eastern", "Australia/NSW"):
        assert f'value="{alias}"' not in picker


def test_a_stored_old_zone_name_is_kept_when_editing(client, facilitator):
    from tests.conftest import make_group

    group = make_group(facilitator, status="draft", time_zone="US/Eastern")
    client.force_login(facilitator)
    body = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert '<option value="US/Eastern" selected>' in body
