import json
import re

from django.urls import reverse

from tests.conftest import make_group, make_user

SECRETS = ["99 Secret Lane", "St Brigid", "10027", "meet.example.org", "quiet-harbour-secret"]


def jsonld(body):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def test_group_page_shows_what_a_visitor_needs(client, group):
    response = client.get(group.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert group.name in body
    assert "In person" in body
    assert "Every Tuesday, 7:00 PM–8:30 PM" in body
    next_meeting = re.search(r'<p class="next-meeting">(.*?)</p>', body, re.S).group(1)
    assert "Tuesday" in next_meeting and "7:00 PM" in next_meeting  # in the group's zone, not UTC
    assert "127 West 125th Street" in body  # a public group's address is public
    assert "Riverside Library, Room 2" in body
    assert "Fran" in body  # the facilitator's display name
    assert "fran@example.org" not in body  # never an e-mail address
    assert "Details last confirmed today" in body
    assert reverse("group_report", args=[group.slug]) in body
    assert "<p>Newcomers who have finished" in body  # paragraphs from plain text


def test_private_group_details_appear_nowhere_in_the_public_page(client, private_group):
    body = client.get(private_group.get_absolute_url()).content.decode()
    for secret in SECRETS:
        assert secret not in body, secret
    assert "New York, NY" in body
    assert "The exact address is shared with approved members." in body
    assert "The meeting link is shared with approved members." in body


def test_private_group_details_are_hidden_from_other_members_and_moderators(client, private_group, member, moderator):
    for user in (member, moderator, make_user("z@example.org", "Zed")):
        client.force_login(user)
        body = client.get(private_group.get_absolute_url()).content.decode()
        for secret in ("99 Secret Lane", "St Brigid", "quiet-harbour-secret"):
            assert secret not in body, (user, secret)


def test_the_groups_facilitator_sees_the_private_details(client, private_group, facilitator):
    client.force_login(facilitator)
    body = client.get(private_group.get_absolute_url()).content.decode()
    assert "99 Secret Lane" in body
    assert "https://meet.example.org/quiet-harbour-secret" in body


def test_jsonld_uses_public_fields_only(client, private_group):
    data = jsonld(client.get(private_group.get_absolute_url()).content.decode())
    assert data["@type"] == "EventSeries"
    assert data["name"] == "Quiet Harbour Group"
    text = json.dumps(data)
    for secret in SECRETS:
        assert secret not in text, secret
    place = data["location"][0]
    assert place["address"]["addressLocality"] == "New York"
    assert place["geo"]["latitude"] == private_group.public_latitude
    assert place["geo"]["latitude"] != private_group.latitude
    assert data["eventSchedule"][0]["byDay"] == "https://schema.org/Tuesday"
    assert data["eventSchedule"][0]["scheduleTimezone"] == "America/New_York"


def test_jsonld_of_a_public_group_has_its_address(client, group):
    data = jsonld(client.get(group.get_absolute_url()).content.decode())
    assert data["location"]["address"]["streetAddress"] == "127 West 125th Street"


def test_jsonld_cannot_be_broken_out_of(client, facilitator):

    group = make_group(facilitator, name="</script><script>alert(1)</script>")
    body = client.get(group.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body


def test_description_markdown_is_sanitised(client, facilitator):

    group = make_group(
        facilitator,
        description='Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))',
    )
    body = client.get(group.get_absolute_url()).content.decode()
    main = body[body.index("<main") :]
    assert "<script>alert" not in main
    assert "onerror" not in main
    assert "javascript:" not in main


def test_a_private_point_is_its_cells_middle_and_stays_put(private_group):
    """The default grid's cell holding 40.8116, -73.955 (Harlem) spans 40.79476-40.81722 N,
    73.95533-73.92566 W: the public point is its middle, whatever the group's own details."""
    assert (private_group.public_latitude, private_group.public_longitude) == (40.80599, -73.94049)
    private_group.save()
    private_group.refresh_from_db()
    assert (private_group.public_latitude, private_group.public_longitude) == (40.80599, -73.94049)


def test_notices_show_until_their_date_passes(client, group):
    from datetime import timedelta

    from django.utils import timezone

    from groups.models import Notice

    today = timezone.now().date()
    Notice.objects.create(group=group, date=today + timedelta(days=3), text="No meeting: holiday", cancels_meeting=True)
    Notice.objects.create(group=group, date=today - timedelta(days=3), text="Old news")
    body = client.get(group.get_absolute_url()).content.decode()
    assert "No meeting: holiday" in body
    assert "Old news" not in body


def test_group_page_query_count_is_fixed(client, group, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(group.get_absolute_url()).status_code == 200


def test_unknown_group_is_404(client, db):
    assert client.get(reverse("group_detail", args=["no-such-group"])).status_code == 404


def test_group_cards_show_the_next_meeting_in_the_groups_zone(client, group):
    body = client.get(reverse("group_list"), {"near": "10027"}).content.decode()
    card = re.search(r'<p class="group-card__next">(.*?)</p>', body, re.S).group(1)
    assert "Tuesday" in card and "7:00 PM" in card and "(Eastern Time)" in card


def test_moderators_do_not_see_a_private_groups_address_or_link(client, moderator, private_group):
    from groups.models import PeerGroup

    PeerGroup.objects.filter(pk=private_group.pk).update(address="100 Other Street", has_unreviewed_changes=True)
    client.force_login(moderator)
    body = client.get(reverse("moderation_group", args=[private_group.slug])).content.decode()
    for secret in ("99 Secret Lane", "100 Other Street", "St Brigid", "quiet-harbour-secret"):
        assert secret not in body, secret
    assert "A link on meet.example.org" in body
    # the address changed, said by its label, without saying to what
    assert re.search(r"Street address</th>\s*<td[^>]*>Changed\. Private, so not shown here\.</td>", body)


# --- Structured data, as search engines' event rules read it ---------------------------------


def meets_event_rules(data):
    """The required and recommended properties of an event in search engines' structured-data
    rules: a name, a start date with its offset, a location (a place with an address, or a
    virtual location with a URL), an organizer with a name and URL, a status."""
    from datetime import datetime as dt

    assert data["name"]
    assert dt.fromisoformat(data["startDate"]).utcoffset() is not None
    assert dt.fromisoformat(data["endDate"]) > dt.fromisoformat(data["startDate"])
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["organizer"]["name"] and data["organizer"]["url"].startswith("http")
    locations = data["location"] if isinstance(data["location"], list) else [data["location"]]
    for location in locations:
        if location["@type"] == "VirtualLocation":
            assert location["url"].startswith("http")
        else:
            assert location["address"]["addressLocality"]
    return True


def test_an_online_groups_jsonld_has_a_start_and_a_url_to_join(client, db, time_machine):
    from datetime import UTC, datetime, time

    time_machine.move_to(datetime(2026, 11, 23, 12, tzinfo=UTC))  # a Monday
    online = make_group(
        name="Evening Online",
        format="online",
        meeting_url="https://meet.example.org/secret-x",
        latitude=None,
        longitude=None,
        time_zone="Europe/London",
        meetings=[{"weekday": 1, "start": time(19), "end": time(20)}],
    )
    text = client.get(online.get_absolute_url()).content.decode()
    data = jsonld(text)
    assert meets_event_rules(data)
    assert data["startDate"] == "2026-11-24T19:00:00+00:00"
    assert data["location"]["url"] == f"http://testserver{reverse('group_join', args=[online.slug])}"
    assert "secret-x" not in json.dumps(data)


def test_monthly_and_fortnightly_schedules_say_which_weeks(client, db):
    from datetime import date, time

    group = make_group(
        meetings=[
            {"weekday": 1, "start": time(19), "end": time(20), "recurrence": "monthly", "week_of_month": 2},
            {"weekday": 3, "start": time(19), "end": time(20), "recurrence": "monthly", "week_of_month": -1},
            {
                "weekday": 5,
                "start": time(10),
                "end": time(11),
                "recurrence": "biweekly",
                "starts_on": date(2026, 11, 7),
            },
        ]
    )
    from groups.models import MeetingTime

    MeetingTime.objects.filter(group=group).update(created_at="2026-11-01T12:00:00Z")
    data = jsonld(client.get(group.get_absolute_url()).content.decode())
    assert meets_event_rules(data)
    by_day = {s["byDay"].rsplit("/", 1)[1]: s for s in data["eventSchedule"]}
    assert by_day["Tuesday"]["repeatFrequency"] == "P1M" and by_day["Tuesday"]["byMonthWeek"] == 2
    assert "byMonthWeek" not in by_day["Thursday"] and "last Thursday" in by_day["Thursday"]["description"]
    assert by_day["Saturday"]["repeatFrequency"] == "P2W" and by_day["Saturday"]["startDate"] == "2026-11-07"


def test_a_private_groups_jsonld_meets_the_rules_with_public_fields_only(client, private_group):
    data = jsonld(client.get(private_group.get_absolute_url()).content.decode())
    assert meets_event_rules(data)
    for secret in SECRETS:
        assert secret not in json.dumps(data), secret


def test_an_online_groups_page_shows_the_members_own_time(client, member, time_machine):
    from datetime import UTC, datetime, time

    time_machine.move_to(datetime(2026, 12, 1, 6, tzinfo=UTC))
    london = make_group(
        name="London Online",
        format="online",
        meeting_url="https://meet.example.org/l",
        latitude=None,
        longitude=None,
        time_zone="Europe/London",
        meetings=[{"weekday": 1, "start": time(19), "end": time(20)}],
    )
    body = client.get(london.get_absolute_url()).content.decode()
    assert "Tuesday 1 December 2026, 7:00 PM" in body and "(British Time)" in body
    assert 'class="your-time js-your-time" hidden' in body  # the browser fills it in, if its zone differs
    member.time_zone = "America/New_York"
    member.save()
    client.force_login(member)
    body = client.get(london.get_absolute_url()).content.decode()
    assert "Your time: <strong><time" in body and "Tuesday 1 December 2026, 2:00 PM" in body
    assert "(Eastern Time)" in body
    assert "js-your-time" not in body


def test_an_in_person_group_page_has_no_your_time_line(client, member, group):
    member.time_zone = "Europe/London"
    member.save()
    client.force_login(member)
    assert "Your time:" not in client.get(group.get_absolute_url()).content.decode()
