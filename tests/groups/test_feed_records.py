"""The Meeting Guide feed record by record: which groups are left out (online-only ones, whose link is
never public), the type codes for wheelchair access, language and audiences, the notes for meetings
that are not weekly, and `manage.py build_feed`, which cron runs so that no visitor builds the feed.

The codes are the specification's (code4recovery/spec): X wheelchair access, EN English, KOR Korean,
POC People of Color, M Men, SEN Seniors, W Women; it has none for adults, veterans or parents."""

import gzip
import io
import json
import re
from datetime import date, time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from groups.models import Audience
from tests.conftest import make_group

NOT_WEEKLY = {
    "biweekly": "Meets every other week; see the group's page for the dates.",
    "monthly": "Meets once a month; see the group's page for the dates.",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://groups.example.org"


def feed(client):
    response = client.get(reverse("meeting_guide_feed"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_an_online_only_group_is_left_out_whatever_it_offers(client, db):
    online = make_group(
        name="Evening Online Circle",
        format="online",
        meeting_url="https://meet.example.org/eoc",
        latitude=None,
        longitude=None,
        venue="",
        address="",
        postal_code="",
        wheelchair_accessible=True,
    )
    online.audiences.set(Audience.objects.filter(slug="women"))
    assert feed(client) == []
    make_group(name="Open Door Group")
    cache.clear()  # the next request builds the feed again rather than serving the kept copy
    assert [r["group"] for r in feed(client)] == ["Open Door Group"]


def test_a_group_that_turns_online_only_leaves_the_feed(client, db):
    group = make_group(name="Open Door Group")
    assert len(feed(client)) == 1
    cache.clear()  # the next request builds the feed again rather than serving the kept copy
    group.format = "online"
    group.meeting_url = "https://meet.example.org/odg"
    group.save()
    assert feed(client) == []


def test_wheelchair_access_comes_first_then_the_language(client, db):
    make_group(wheelchair_accessible=True, language="ko")
    assert feed(client)[0]["types"] == ["X", "KOR"]


def test_no_wheelchair_code_without_step_free_access(client, db):
    make_group(wheelchair_accessible=False)
    assert feed(client)[0]["types"] == ["EN"]


def test_audiences_become_their_codes_and_those_the_spec_lacks_are_dropped(client, db):
    group = make_group()
    group.audiences.set(
        Audience.objects.filter(slug__in=["women", "men", "older-adults", "bipoc", "adults", "veterans", "parents"])
    )
    # In the order of the audiences' slugs: bipoc, men, older-adults, women.
    assert feed(client)[0]["types"] == ["EN", "POC", "M", "SEN", "W"]


def test_a_language_the_spec_has_no_code_for_is_left_out_of_the_types(client, db):
    make_group(language="nl", wheelchair_accessible=True)  # Dutch: the spec's list has no code for it
    assert feed(client)[0]["types"] == ["X"]


def test_each_meeting_time_gets_its_own_note(client, db):
    make_group(
        name="Wise Mind Circle",
        meetings=[
            {"weekday": 0, "start": time(18), "end": time(19, 30)},
            {
                "weekday": 2,
                "start": time(18),
                "end": time(19, 30),
                "recurrence": "biweekly",
                "starts_on": date(2026, 11, 4),
            },
            {"weekday": 5, "start": time(10), "end": time(11), "recurrence": "monthly", "week_of_month": 1},
        ],
    )
    by_day = {r["day"]: r for r in feed(client)}
    assert sorted(by_day) == [1, 3, 6]  # Monday, Wednesday, Saturday counted from Sunday = 0
    assert "notes" not in by_day[1]  # weekly: nothing to say
    assert by_day[3]["notes"] == NOT_WEEKLY["biweekly"]
    assert by_day[6]["notes"] == NOT_WEEKLY["monthly"]
    assert (by_day[6]["time"], by_day[6]["end_time"]) == ("10:00", "11:00")


def test_a_hybrid_fortnightly_meeting_has_both_notes_one_a_line(client, db):
    group = make_group(
        name="Hybrid Skills",
        format="hybrid",
        meeting_url="https://meet.example.org/secret-hs",
        meetings=[
            {"weekday": 3, "start": time(19), "end": time(20), "recurrence": "biweekly", "starts_on": date(2026, 11, 5)}
        ],
    )
    (record,) = feed(client)
    assert record["notes"] == (
        "Also online: the video link is shared with members who ask to join at "
        f"https://groups.example.org/groups/{group.slug}/join/\n"
        "Meets every other week; see the group's page for the dates."
    )
    assert record["url"] == f"https://groups.example.org/groups/{group.slug}/"
    assert "secret-hs" not in json.dumps(record)


def test_build_feed_keeps_the_feed_that_requests_are_served(client, db):
    make_group(name="Harlem Skills Circle")
    out = io.StringIO()
    call_command("build_feed", stdout=out)
    assert re.fullmatch(r"Built the Meeting Guide feed \(\d+\.\d MB gzipped\) in \d+\.\d s\.\n", out.getvalue())
    _built_at, body = cache.get("feed:meeting-guide")
    assert [r["group"] for r in json.loads(gzip.decompress(body))] == ["Harlem Skills Circle"]

    # A group listed after the build is not served until the next build: requests use the kept copy.
    make_group(name="Brooklyn Wise Mind", town="Brooklyn")
    assert [r["group"] for r in feed(client)] == ["Harlem Skills Circle"]
    call_command("build_feed", stdout=io.StringIO())
    assert sorted(r["group"] for r in feed(client)) == ["Brooklyn Wise Mind", "Harlem Skills Circle"]


def test_build_feed_with_no_group_keeps_an_empty_list(client, db):
    call_command("build_feed", stdout=io.StringIO())
    _built_at, body = cache.get("feed:meeting-guide")
    assert gzip.decompress(body) == b"[]"
    assert feed(client) == []
