"""A group following the skills rotation: which week it is (in the group's zone, from the `now`
it is given), pinning, unpinning and skipping, the group page's "This week's skill", and who may
change it. The expected weeks come from lessons/content/rotation.json and the calendar, counted
by hand: week 1 began on Tuesday 21 July 2026, and Tuesday 1 December 2026 is 133 days (19
weeks) later, so week 20: DEAR MAN."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dbtselfhelp.errors import NotAllowed
from groups import rotation
from groups.models import GroupFacilitator, JoinRequest, PeerGroup
from tests.conftest import make_group, make_user
from tests.test_form_fuzz import FUZZ, BrowserClient, junk

WEEK_1 = date(2026, 7, 21)  # a Tuesday
TUESDAY_NOON_IN_NEW_YORK = datetime(2026, 12, 1, 17, tzinfo=UTC)  # week 20
MONDAY_NIGHT_IN_NEW_YORK = datetime(2026, 12, 1, 3, tzinfo=UTC)  # still 30 November there: week 19


def following(group, starts_on=WEEK_1, **fields):
    PeerGroup.objects.filter(pk=group.pk).update(rotation_starts_on=starts_on, **fields)
    group.refresh_from_db()
    return group


def week_number(group, now):
    week = group.rotation_week(now)
    return week.number if week else None


# --- Which week ---------------------------------------------------------------------------


def test_a_group_that_does_not_follow_the_rotation_has_no_week(group):
    assert group.rotation_week(TUESDAY_NOON_IN_NEW_YORK) is None


def test_the_week_counts_from_week_1_in_the_groups_own_zone(group):
    following(group)
    week = group.rotation_week(TUESDAY_NOON_IN_NEW_YORK)
    assert (week.number, week.skill_name, week.lesson_url) == (20, "DEAR MAN", "/lessons/asking-with-dear-man/")
    assert group.rotation_week(MONDAY_NIGHT_IN_NEW_YORK).number == 19
    assert week_number(group, datetime(2026, 7, 21, 4, 30, tzinfo=UTC)) == 1  # 00:30 in New York
    assert week_number(group, datetime(2026, 7, 21, 3, 30, tzinfo=UTC)) is None  # 23:30 the evening before


def test_the_same_moment_is_another_week_in_another_zone(facilitator):
    sydney = following(make_group(facilitator, name="Bondi", time_zone="Australia/Sydney"))
    new_york = following(make_group(facilitator, name="Harlem"))
    monday_evening_in_utc = datetime(2026, 11, 30, 20, tzinfo=UTC)
    assert week_number(sydney, monday_evening_in_utc) == 20  # already Tuesday morning in Sydney
    assert week_number(new_york, monday_evening_in_utc) == 19


def test_after_week_24_the_rotation_starts_again(group):
    following(group, starts_on=date(2026, 1, 6))
    assert week_number(group, datetime(2026, 6, 22, 17, tzinfo=UTC)) == 24
    assert week_number(group, datetime(2026, 6, 23, 17, tzinfo=UTC)) == 1  # 168 days on


def test_before_week_1_begins_there_is_no_week_yet(group):
    following(group, starts_on=date(2026, 12, 8))
    assert group.rotation_week(TUESDAY_NOON_IN_NEW_YORK) is None


def test_a_pinned_week_stays_until_unpinned_and_the_rotation_carries_on_from_it(group, facilitator):
    following(group)
    rotation.rotation_pin(group=group, by=facilitator, week=20, now=TUESDAY_NOON_IN_NEW_YORK)
    three_weeks_on = TUESDAY_NOON_IN_NEW_YORK + timedelta(weeks=3)
    assert week_number(group, three_weeks_on) == 20
    rotation.rotation_unpin(group=group, by=facilitator, now=three_weeks_on)
    group.refresh_from_db()
    assert group.rotation_pinned_week is None
    assert week_number(group, three_weeks_on) == 20
    assert week_number(group, three_weeks_on + timedelta(weeks=1)) == 21


def test_any_week_can_be_pinned(group, facilitator):
    following(group)
    rotation.rotation_pin(group=group, by=facilitator, week=3, now=TUESDAY_NOON_IN_NEW_YORK)
    group.refresh_from_db()
    assert group.rotation_week(TUESDAY_NOON_IN_NEW_YORK).skill_name == "STOP"


def test_skipping_moves_on_by_one_this_week_and_after(group, facilitator):
    following(group)
    rotation.rotation_skip(group=group, by=facilitator, now=TUESDAY_NOON_IN_NEW_YORK)
    group.refresh_from_db()
    assert week_number(group, TUESDAY_NOON_IN_NEW_YORK) == 21
    assert week_number(group, TUESDAY_NOON_IN_NEW_YORK + timedelta(weeks=1)) == 22


def test_skipping_a_pinned_week_pins_the_next(group, facilitator):
    following(group, rotation_pinned_week=24)
    rotation.rotation_skip(group=group, by=facilitator, now=TUESDAY_NOON_IN_NEW_YORK)
    group.refresh_from_db()
    assert group.rotation_pinned_week == 1
    assert week_number(group, TUESDAY_NOON_IN_NEW_YORK + timedelta(weeks=5)) == 1


def test_skipping_from_week_24_goes_to_week_1(group, facilitator):
    following(group, starts_on=date(2026, 1, 6))
    june_22 = datetime(2026, 6, 22, 17, tzinfo=UTC)
    rotation.rotation_skip(group=group, by=facilitator, now=june_22)
    group.refresh_from_db()
    assert week_number(group, june_22) == 1


def test_following_again_from_a_new_date_clears_pins_and_skips(group, facilitator):
    following(group, rotation_pinned_week=5, rotation_shift=3)
    rotation.rotation_follow(group=group, by=facilitator, starts_on=date(2026, 12, 1))
    group.refresh_from_db()
    assert (group.rotation_pinned_week, group.rotation_shift) == (None, 0)
    assert week_number(group, TUESDAY_NOON_IN_NEW_YORK) == 1


def test_a_week_outside_the_rotation_cannot_be_pinned(group, facilitator):
    following(group)
    for week in (0, 25, -1):
        with pytest.raises(rotation.RotationError):
            rotation.rotation_pin(group=group, by=facilitator, week=week, now=TUESDAY_NOON_IN_NEW_YORK)
    group.refresh_from_db()
    assert group.rotation_pinned_week is None


def test_a_group_not_following_the_rotation_cannot_pin_skip_or_unpin(group, facilitator):
    for change in (
        lambda: rotation.rotation_pin(group=group, by=facilitator, week=3, now=TUESDAY_NOON_IN_NEW_YORK),
        lambda: rotation.rotation_skip(group=group, by=facilitator, now=TUESDAY_NOON_IN_NEW_YORK),
        lambda: rotation.rotation_unpin(group=group, by=facilitator, now=TUESDAY_NOON_IN_NEW_YORK),
    ):
        with pytest.raises(rotation.RotationError):
            change()


@pytest.mark.parametrize("who", ["member", "other_facilitator", "moderator"])
def test_only_the_groups_facilitators_may_change_it_in_the_service_too(request, group, who):
    following(group)
    person = request.getfixturevalue(who)
    JoinRequest.objects.create(group=group, user=request.getfixturevalue("member"), status="approved")
    with pytest.raises(NotAllowed):
        rotation.rotation_skip(group=group, by=person, now=TUESDAY_NOON_IN_NEW_YORK)
    with pytest.raises(NotAllowed):
        rotation.rotation_stop(group=group, by=person)
    group.refresh_from_db()
    assert (group.rotation_starts_on, group.rotation_shift) == (WEEK_1, 0)


def test_a_co_facilitator_may_change_it(group):
    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role=GroupFacilitator.Role.CO)
    following(group)
    rotation.rotation_pin(group=group, by=cora, week=7, now=TUESDAY_NOON_IN_NEW_YORK)
    group.refresh_from_db()
    assert group.rotation_pinned_week == 7


# --- The group page -----------------------------------------------------------------------


def test_the_group_page_shows_this_weeks_skill_linked_to_its_lesson(client, group, time_machine):
    following(group)
    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "This week's skill:" in page
    assert '<a href="/lessons/asking-with-dear-man/">DEAR MAN</a>' in page
    assert 'week 20 of the <a href="/toolkit/skills-rotation/">skills rotation</a>' in page


def test_the_group_page_of_a_group_not_following_it_says_nothing_of_it(client, group):
    assert "This week's skill" not in client.get(group.get_absolute_url()).content.decode()


def test_the_week_costs_the_group_page_no_query(client, group, time_machine):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    client.get(group.get_absolute_url())  # warm
    with CaptureQueriesContext(connection) as without:
        client.get(group.get_absolute_url())
    following(group)
    with CaptureQueriesContext(connection) as with_week:
        assert "DEAR MAN" in client.get(group.get_absolute_url()).content.decode()
    assert len(with_week) == len(without) <= 7


# --- The facilitator's page ---------------------------------------------------------------


def url(group, action=None):
    return reverse(f"group_rotation_{action}" if action else "group_rotation", args=[group.slug])


def test_the_facilitator_follows_the_rotation_from_their_page(client, facilitator, group, time_machine):
    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    client.force_login(facilitator)
    page = client.get(url(group)).content.decode()
    assert "Follow the rotation" in page
    assert 'value="2026-12-01"' in page  # the next meeting, Tuesday, offered as week 1
    response = client.post(url(group, "follow"), {"starts_on": "2026-07-21"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.rotation_starts_on == WEEK_1
    page = client.get(url(group)).content.decode()
    assert "Week 20:" in page and "DEAR MAN" in page


def test_pin_unpin_and_skip_from_the_page(client, facilitator, group, time_machine):
    following(group)
    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    client.force_login(facilitator)
    assert client.post(url(group, "pin"), {"week": "12"}).status_code == 302
    group.refresh_from_db()
    assert group.rotation_pinned_week == 12
    assert "Pinned" in client.get(url(group)).content.decode()
    assert client.post(url(group, "skip")).status_code == 302
    group.refresh_from_db()
    assert group.rotation_pinned_week == 13
    assert client.post(url(group, "unpin")).status_code == 302
    group.refresh_from_db()
    assert group.rotation_pinned_week is None and week_number(group, TUESDAY_NOON_IN_NEW_YORK) == 13
    assert client.post(url(group, "stop")).status_code == 302
    group.refresh_from_db()
    assert group.rotation_starts_on is None


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("follow", {"starts_on": "not a date"}),
        ("follow", {"starts_on": "1900-01-01"}),
        ("follow", {"starts_on": "2099-01-01"}),
        ("follow", {}),
        ("pin", {"week": "0"}),
        ("pin", {"week": "25"}),
        ("pin", {"week": "three"}),
        ("pin", {"week": "9" * 40}),
        ("pin", {}),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, facilitator, group, action, data, time_machine):
    following(group, rotation_shift=2)
    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    client.force_login(facilitator)
    response = client.post(url(group, action), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    group.refresh_from_db()
    assert (group.rotation_starts_on, group.rotation_shift, group.rotation_pinned_week) == (WEEK_1, 2, None)


def test_unpinning_when_nothing_is_pinned_says_so(client, facilitator, group):
    following(group)
    client.force_login(facilitator)
    response = client.post(url(group, "unpin"))
    assert response.status_code == 400
    assert "No week is pinned." in response.content.decode()


def test_the_actions_take_only_post(client, facilitator, group):
    following(group)
    client.force_login(facilitator)
    for action in ("follow", "stop", "pin", "unpin", "skip"):
        assert client.get(url(group, action)).status_code == 405
    group.refresh_from_db()
    assert group.rotation_starts_on == WEEK_1


LOGIN = "login"
PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]
PUBLISHED = dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=None, moderator=403)
DRAFT = dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=None, moderator=403)
ACTIONS = [
    (None, "get", {}, 200),
    ("follow", "post", {"starts_on": "2026-11-03"}, 302),
    ("stop", "post", {}, 302),
    ("pin", "post", {"week": "4"}, 302),
    ("unpin", "post", {}, 302),
    ("skip", "post", {}, 302),
]


@pytest.mark.parametrize("status", ["published", "draft"])
@pytest.mark.parametrize(("action", "method", "data", "allowed"), ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_and_change_the_rotation(client, request, persona, status, action, method, data, allowed):
    facilitator = request.getfixturevalue("facilitator")
    group = make_group(facilitator, status=status)
    JoinRequest.objects.create(group=group, user=request.getfixturevalue("member"), status="approved")
    request.getfixturevalue("other_group")
    following(group, rotation_pinned_week=9)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url(group, action), data)
    expected = (PUBLISHED if status == "published" else DRAFT)[persona] or allowed
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected
    group.refresh_from_db()
    changed = (group.rotation_starts_on, group.rotation_pinned_week) != (WEEK_1, 9)
    assert changed == (persona == "facilitator" and method == "post")


# --- Fuzzed -------------------------------------------------------------------------------


@FUZZ
@given(action=st.sampled_from(["follow", "pin", "unpin", "skip", "stop"]), value=junk)
def test_the_rotation_forms_fuzzed_never_fail_and_change_only_when_valid(facilitator, group, action, value):
    client = BrowserClient()
    client.force_login(facilitator)
    following(group, rotation_pinned_week=None, rotation_shift=0)
    response = client.post(url(group, action), {"starts_on": value, "week": value})
    assert response.status_code in (302, 400), response.status_code
    group.refresh_from_db()
    if response.status_code == 400:
        assert (group.rotation_starts_on, group.rotation_shift, group.rotation_pinned_week) == (WEEK_1, 0, None)


def test_the_page_says_when_week_1_is_still_ahead(client, facilitator, group, time_machine):
    following(group, starts_on=date(2026, 12, 8))
    time_machine.move_to(TUESDAY_NOON_IN_NEW_YORK, tick=False)
    client.force_login(facilitator)
    page = client.get(url(group)).content.decode()
    assert "Week 1 begins on Tuesday 8 December 2026." in page
    assert "Week 1 began" not in page
    assert "This week's skill" not in client.get(group.get_absolute_url()).content.decode()
