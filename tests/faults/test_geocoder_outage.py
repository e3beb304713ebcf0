"""The online geocoder times out, is unavailable or hangs: searches fall back to the offline data
(US ZIP codes, the gazetteer), and a place only the geocoder would know gets a clear message."""

import socket
import time

import pytest
from django.urls import reverse

from tests.conftest import make_group
from tests.fakes import FakeAnswer, FakeGeocoder
from tests.groups.test_geocoding import PLACES, make_place

pytestmark = pytest.mark.faults

NOT_FOUND = "We couldn&#x27;t find that place"


@pytest.fixture
def groups_in_leeds_and_harlem(db, facilitator):
    for row in PLACES:
        make_place(*row)
    make_group(facilitator, name="Harlem Skills Circle")  # ZIP 10027
    make_group(
        facilitator,
        name="Leeds Wise Mind Group",
        town="Leeds",
        region="West Yorkshire",
        postal_code="LS1 4AP",
        country="GB",
        latitude=53.7997,
        longitude=-1.5492,
        time_zone="Europe/London",
    )


@pytest.fixture(params=["timeout", "unavailable", "error", "socket"])
def failing_geocoder(request, settings):
    """A configured geocoder that would know Gotham, but fails every request in one of geopy's ways."""
    settings.GEOCODER = "tests.fakes.FakeGeocoder"
    FakeGeocoder.reset()
    FakeGeocoder.answers["Gotham"] = FakeAnswer(40.7, -74.0, "Gotham, New Jersey, United States")
    FakeGeocoder.mode = request.param
    yield FakeGeocoder
    FakeGeocoder.reset()


@pytest.fixture
def hanging_geocoder(settings):
    """Nominatim itself, pointed at a loopback port that accepts the connection and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        settings.GEOCODER, settings.GEOCODER_USER_AGENT = "nominatim", "dbtselfhelp-tests/1.0 (ops@example.org)"
        settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.getsockname()[1]}"
        settings.GEOCODER_TIMEOUT = 0.3
        yield


def search(client, near):
    return client.get(reverse("group_list"), {"near": near})


@pytest.mark.parametrize(
    ("near", "found", "place"),
    [
        ("Leeds, UK", "Leeds Wise Mind Group", "Leeds, England"),
        ("10027", "Harlem Skills Circle", "New York, NY 10027"),
    ],
)
def test_a_town_or_zip_is_found_offline_while_the_geocoder_fails(
    client, groups_in_leeds_and_harlem, failing_geocoder, near, found, place
):
    response = search(client, near)
    body = response.content.decode()
    assert response.status_code == 200
    assert found in body and "1 group within 25" in body and place in body
    assert failing_geocoder.calls == [], "the offline data answers first"


def test_a_place_only_the_geocoder_knows_gets_a_clear_message(client, groups_in_leeds_and_harlem, failing_geocoder):
    response = search(client, "Gotham")
    body = response.content.decode()
    assert response.status_code == 200
    assert NOT_FOUND in body and "Try a US ZIP code" in body
    assert failing_geocoder.queries() == ["Gotham"]

    # The geocoder rests after a failure: the next search does not wait for it, and still works offline.
    assert NOT_FOUND in search(client, "Gotham").content.decode()
    assert "Leeds Wise Mind Group" in search(client, "Leeds, UK").content.decode()
    assert failing_geocoder.queries() == ["Gotham"]


def test_a_geocoder_that_hangs_is_given_up_after_its_timeout(client, groups_in_leeds_and_harlem, hanging_geocoder):
    started = time.monotonic()
    response = search(client, "Gotham")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()
    assert "Leeds Wise Mind Group" in search(client, "Leeds, UK").content.decode()


def test_the_place_typed_never_reaches_the_logs_when_the_geocoder_fails(
    client, groups_in_leeds_and_harlem, failing_geocoder, caplog
):
    with caplog.at_level("DEBUG"):
        client.get(reverse("group_list"), {"near": "42 Juniper Close, Gotham"})
    assert "The geocoder failed" in caplog.text
    assert "Juniper" not in caplog.text
