"""What a listing always has, whatever is posted: at least one meeting time (the management form
cannot talk the server out of it), checked again when the listing is submitted and approved; and
a pin the facilitator placed by hand is never moved by an edit of the address without their say."""

import pytest
from django.urls import reverse

from groups import services
from groups.models import ListingEvent, MeetingTime, PeerGroup
from tests.conftest import make_group
from tests.groups.forms import listing_data

EMPTY_ROW = {"weekday": "", "start": "", "end": "", "recurrence": "weekly"}
ONE_ROW = {"weekday": "2", "start": "18:30", "end": "20:00"}


@pytest.fixture
def post(client, facilitator):
    client.force_login(facilitator)
    return lambda data, url=None: client.post(url or reverse("group_create"), data)


def management(data, *, total, initial):
    data["meetings-TOTAL_FORMS"], data["meetings-INITIAL_FORMS"] = str(total), str(initial)
    return data


# --- At least one meeting time --------------------------------------------------------------------


@pytest.mark.parametrize("initial", [-1, -5, 3, 1000])
def test_a_new_listing_with_a_false_initial_forms_count_is_never_saved_without_meetings(post, initial):
    """A filled row and the browser's empty extra row, with INITIAL_FORMS made up: saved with
    its meeting, or refused, never saved with none."""
    response = post(management(listing_data(meetings=[ONE_ROW, EMPTY_ROW]), total=2, initial=initial))
    if response.status_code == 302:
        group = PeerGroup.objects.get()
        assert group.meeting_times.count() == 1
    else:
        assert response.status_code == 400
        assert not PeerGroup.objects.exists() and not MeetingTime.objects.exists()


def test_initial_forms_of_minus_one_saves_the_meeting_it_was_given(post):
    response = post(management(listing_data(meetings=[ONE_ROW, EMPTY_ROW]), total=2, initial=-1))
    assert response.status_code == 302
    (meeting,) = PeerGroup.objects.get().meeting_times.all()
    assert (meeting.weekday, meeting.start.strftime("%H:%M")) == (2, "18:30")


def test_a_listing_with_only_empty_rows_is_refused(post):
    response = post(management(listing_data(meetings=[EMPTY_ROW, EMPTY_ROW]), total=2, initial=-1))
    assert response.status_code == 400
    assert "Give at least one meeting time." in response.content.decode()
    assert not PeerGroup.objects.exists()


@pytest.mark.parametrize("initial", [-1, 0, 1, 2])
def test_an_edit_cannot_remove_the_last_meeting_time(post, group, initial):
    (meeting,) = group.meeting_times.all()
    row = {"id": str(meeting.pk), "weekday": "1", "start": "19:00", "end": "20:30", "DELETE": "on"}
    data = management(listing_data(name=group.name, meetings=[row, EMPTY_ROW]), total=2, initial=initial)
    response = post(data, reverse("group_edit", args=[group.slug]))
    assert response.status_code == 400
    assert list(group.meeting_times.values_list("pk", flat=True)) == [meeting.pk]


def test_an_edit_with_a_false_initial_count_does_not_lose_the_meeting(post, group):
    (meeting,) = group.meeting_times.all()
    row = {"id": str(meeting.pk), "weekday": "1", "start": "19:00", "end": "20:30"}
    data = management(listing_data(name=group.name, meetings=[row]), total=1, initial=-1)
    post(data, reverse("group_edit", args=[group.slug]))
    assert group.meeting_times.count() >= 1


def test_submitting_a_listing_without_meeting_times_is_refused(client, facilitator):
    group = make_group(facilitator, status=PeerGroup.Status.DRAFT, meetings=[])
    client.force_login(facilitator)
    response = client.post(reverse("group_submit", args=[group.slug]), follow=True)
    assert "needs at least one meeting time" in response.content.decode()
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.DRAFT
    assert not group.events.filter(action=ListingEvent.Action.SUBMITTED).exists()


def test_approving_a_listing_without_meeting_times_is_refused(client, facilitator, moderator):
    group = make_group(facilitator, status=PeerGroup.Status.PENDING, meetings=[])
    client.force_login(moderator)
    response = client.post(reverse("moderation_approve", args=[group.slug]), follow=True)
    assert "needs at least one meeting time" in response.content.decode()
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PENDING


def test_the_services_refuse_too_whoever_calls_them(facilitator, moderator):
    draft = make_group(facilitator, status=PeerGroup.Status.DRAFT, meetings=[], name="Draft Without Times")
    pending = make_group(facilitator, status=PeerGroup.Status.PENDING, meetings=[], name="Pending Without Times")
    with pytest.raises(services.ListingIncomplete):
        services.group_submit(group=draft, by=facilitator)
    with pytest.raises(services.ListingIncomplete):
        services.group_approve(group=pending, by=moderator)
    assert PeerGroup.objects.get(pk=pending.pk).status == PeerGroup.Status.PENDING


# --- A pin placed by hand ---------------------------------------------------------------------------


@pytest.fixture
def pinned(post):
    """A listing whose facilitator placed the pin by hand at the library, not the ZIP's centre."""
    data = listing_data(latitude="40.80441", longitude="-73.96573", time_zone="America/New_York")
    assert post(data).status_code == 302
    group = PeerGroup.objects.get()
    assert group.location_source == "facilitator"
    return group


def edit_address(post, group, **fields):
    rows = [
        {"id": str(m.pk), "weekday": str(m.weekday), "start": m.start.strftime("%H:%M"), "end": m.end.strftime("%H:%M")}
        for m in group.meeting_times.all()
    ]
    data = management(listing_data(name=group.name, meetings=rows), total=len(rows), initial=len(rows))
    data.update({f"group-{k}": v for k, v in fields.items()})
    data["group-latitude"], data["group-longitude"] = str(group.latitude), str(group.longitude)
    data["group-time_zone"] = group.time_zone
    return post(data, reverse("group_edit", args=[group.slug]))


def test_changing_the_address_under_a_hand_placed_pin_asks_first(post, pinned):
    response = edit_address(post, pinned, address="3000 Broadway", postal_code="10025")
    body = response.content.decode()
    assert response.status_code == 400
    assert "you placed the pin yourself" in body.lower()
    assert "Keep the pin where I placed it" in body and "Move the pin to the new address" in body
    pinned.refresh_from_db()
    assert (pinned.latitude, pinned.longitude, pinned.address) == (40.80441, -73.96573, "2900 Broadway")


def test_the_facilitator_can_keep_their_pin(post, pinned):
    response = edit_address(post, pinned, address="3000 Broadway", postal_code="10025", pin="keep")
    assert response.status_code == 302
    pinned.refresh_from_db()
    assert (pinned.latitude, pinned.longitude, pinned.address) == (40.80441, -73.96573, "3000 Broadway")


def test_the_facilitator_can_move_the_pin_to_the_new_address(post, pinned):
    """10025's centre in the zipcodes data is 40.7985, -73.9681."""
    response = edit_address(post, pinned, address="3000 Broadway", postal_code="10025", pin="address")
    assert response.status_code == 302
    pinned.refresh_from_db()
    assert (pinned.latitude, pinned.longitude) == pytest.approx((40.7985, -73.9681), abs=1e-3)
    assert pinned.location_source == "zip"


def test_a_pin_the_site_placed_follows_the_address_and_the_form_says_so(post, client, facilitator):
    assert post(listing_data()).status_code == 302  # no pin given: placed at 10027's centre
    group = PeerGroup.objects.get()
    assert group.location_source == "zip"
    form = client.get(reverse("group_edit", args=[group.slug])).content.decode()
    assert "A pin you place yourself never moves without your say" in form
    response = edit_address(post, group, postal_code="10025")
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.latitude, group.longitude) == pytest.approx((40.7985, -73.9681), abs=1e-3)
