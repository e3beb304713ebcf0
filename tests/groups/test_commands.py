"""The scheduled and one-off commands not run elsewhere: `sweep_waiting` (daily) and
`place_private_groups` (after changing PRIVATE_LOCATION_CELL_KM)."""

import io
from datetime import UTC, datetime, timedelta
from math import asin, cos, radians, sin, sqrt

from django.core.management import call_command

from groups.models import PeerGroup, WaitingRequest
from tests.conftest import PRIVATE_GROUP, make_group
from tests.groups.test_waiting import ask

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def km(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    h = (
        sin(radians(lat2 - lat1) / 2) ** 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * asin(sqrt(h))


def run(name):
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_sweep_waiting_erases_what_was_never_confirmed_and_says_what_it_did(client, db, time_machine):
    time_machine.move_to(NOW, tick=False)
    ask(client)
    ask(client, email="robin@example.org")
    assert WaitingRequest.objects.count() == 2
    time_machine.move_to(NOW + timedelta(hours=47), tick=False)
    assert run("sweep_waiting") == "erased: 0, reminded: 0, ended: 0, digests: 0, caught_up: 0\n"
    time_machine.move_to(NOW + timedelta(hours=49), tick=False)
    assert run("sweep_waiting") == "erased: 2, reminded: 0, ended: 0, digests: 0, caught_up: 0\n"
    assert not WaitingRequest.objects.exists()


def test_place_private_groups_moves_private_points_to_the_new_grid(db, settings):
    settings.PRIVATE_LOCATION_CELL_KM = 2.5
    private = make_group(**PRIVATE_GROUP)
    public = make_group(name="Open Door Group", latitude=40.75, longitude=-73.99)
    venue = (private.latitude, private.longitude)
    before = (private.public_latitude, private.public_longitude)
    assert km(venue, before) <= 1.8  # half the diagonal of a 2.5 km cell

    assert run("place_private_groups") == "0 public points moved.\n"  # nothing changed yet

    settings.PRIVATE_LOCATION_CELL_KM = 10
    assert run("place_private_groups") == "1 public points moved.\n"
    private.refresh_from_db()
    after = (private.public_latitude, private.public_longitude)
    assert after != before
    assert km(venue, after) <= 7.1  # half the diagonal of a 10 km cell
    assert (private.latitude, private.longitude) == venue  # the real point is kept as it was
    public.refresh_from_db()
    assert (public.public_latitude, public.public_longitude) == (40.75, -73.99)  # public groups show their own

    assert run("place_private_groups") == "0 public points moved.\n"


def test_place_private_groups_leaves_groups_without_a_place_alone(db):
    make_group(
        name="Online Only", format="online", meeting_url="https://meet.example.org/x", latitude=None, longitude=None
    )
    assert run("place_private_groups") == "0 public points moved.\n"
    assert PeerGroup.objects.get().public_latitude is None
