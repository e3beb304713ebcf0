""" "My groups": the lines that say what needs doing, one state of a listing at a time, with their
singular and plural forms and the reminder's threshold (LISTING_REMIND_DAYS, 60 days by default)."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import FacilitatorInvitation, JoinRequest
from tests.conftest import make_group, make_user


def todo(client):
    """The "needs doing" panel's heading and its lines, as words."""
    body = client.get(reverse("group_manage")).content.decode()
    panel = re.search(r'<section class="panel todo-panel".*?</section>', body, flags=re.S)
    assert panel, "no to-do panel"
    words = lambda fragment: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())  # noqa: E731
    heading = words(re.search(r"<h2.*?</h2>", panel.group(0), flags=re.S).group(0))
    return heading, [words(li) for li in re.findall(r"<li>.*?</li>", panel.group(0), flags=re.S)]


@pytest.fixture
def fran(client, facilitator):
    client.force_login(facilitator)
    return facilitator


def test_a_listing_confirmed_recently_needs_nothing(client, fran):
    make_group(fran, last_confirmed_at=timezone.now() - timedelta(days=59))
    heading, lines = todo(client)
    assert heading == "Nothing needs doing"
    assert lines == []
    assert (
        "No requests are waiting and every listing is up to date."
        in client.get(reverse("group_manage")).content.decode()
    )


def test_at_sixty_days_the_listing_asks_to_be_confirmed(client, fran):
    make_group(fran, last_confirmed_at=timezone.now() - timedelta(days=60, minutes=1))
    heading, lines = todo(client)
    assert heading == "1 thing needs doing"
    line = "Not confirmed for 60 days: is the listing still correct? Yes, still correct (Harlem Skills Circle)"
    assert lines == [f"Harlem Skills Circle: {line}"]


def test_confirming_from_my_groups_clears_the_line(client, fran):
    group = make_group(fran, last_confirmed_at=timezone.now() - timedelta(days=75))
    response = client.post(reverse("group_confirm", args=[group.slug]), {"next": "manage"})
    assert response.status_code == 302
    assert todo(client) == ("Nothing needs doing", [])


def test_one_waiting_request_is_said_in_the_singular(client, fran):
    group = make_group(fran)
    JoinRequest.objects.create(group=group, user=make_user("asker@example.org", "Asker"))
    JoinRequest.objects.create(group=group, user=make_user("old@example.org", "Old"), status="declined")
    heading, lines = todo(client)
    assert heading == "1 thing needs doing"
    assert lines == [
        "Harlem Skills Circle: 1 join request is waiting for an answer. Answer them (Harlem Skills Circle)"
    ]


def test_a_draft_asks_to_be_submitted(client, fran):
    make_group(fran, name="Not Yet Sent", status="draft")
    _heading, lines = todo(client)
    assert lines == [
        "Not Yet Sent: The listing is a draft: nobody else sees it until a moderator approves it. "
        "Check it and submit it for review (Not Yet Sent)"
    ]


def test_an_archived_listing_says_it_is_no_longer_public(client, fran):
    make_group(fran, name="Old Circle", status="archived", last_confirmed_at=timezone.now() - timedelta(days=400))
    heading, lines = todo(client)
    # Archived: one line, and no reminder to confirm a listing nobody sees.
    assert heading == "1 thing needs doing"
    assert lines == [
        "Old Circle: The listing is archived and no longer public. Edit it and submit it again (Old Circle)"
    ]


def test_a_rejection_without_a_reason_still_says_so(client, fran):
    make_group(fran, name="Turned Down", status="rejected", rejection_reason="")
    _heading, lines = todo(client)
    assert lines == ["Turned Down: A moderator did not approve the listing. Edit it and submit it again (Turned Down)"]


def test_a_listing_in_review_needs_nothing_from_the_facilitator(client, fran):
    make_group(fran, name="In Review", status="pending", last_confirmed_at=timezone.now() - timedelta(days=200))
    assert todo(client) == ("Nothing needs doing", [])


def test_two_open_invitations_are_said_in_the_plural(client, fran):
    group = make_group(fran)
    FacilitatorInvitation.objects.create(group=group, email="co1@example.org", invited_by=fran)
    FacilitatorInvitation.objects.create(group=group, email="co2@example.org", invited_by=fran)
    accepted = FacilitatorInvitation.objects.create(group=group, email="co3@example.org", invited_by=fran)
    FacilitatorInvitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    _heading, lines = todo(client)
    assert lines == [
        "Harlem Skills Circle: 2 invitations to co-facilitate are not accepted yet. See the invitations "
        "(Harlem Skills Circle)"
    ]


def test_lines_of_several_groups_add_up_in_the_heading(client, fran):
    first = make_group(fran, name="A Circle", last_confirmed_at=timezone.now() - timedelta(days=61))
    JoinRequest.objects.create(group=first, user=make_user("x@example.org", "X"))
    make_group(fran, name="B Draft", status="draft")
    heading, lines = todo(client)
    assert heading == "3 things need doing"
    assert [line.split(":")[0] for line in lines] == ["A Circle", "A Circle", "B Draft"]
    assert lines[0].startswith("A Circle: 1 join request is waiting")  # requests come first
    assert lines[1].startswith("A Circle: Not confirmed for 61 days")


def test_a_member_who_facilitates_nothing_sees_no_panel(client, member):
    client.force_login(member)
    body = client.get(reverse("group_manage")).content.decode()
    assert "todo-panel" not in body
    assert "You do not facilitate any groups yet." in body
