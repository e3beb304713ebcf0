"""Every groups view against every persona: anonymous, member, the wrong facilitator, the
group's own facilitator, and a moderator. 404 where one may not know a listing exists,
403 where one may see it but not change it, a login redirect for the anonymous."""

import pytest
from django.urls import reverse

from groups.models import PeerGroup, Report
from tests.conftest import make_group

LOGIN = "login"
PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]

# (name, method, {persona: expected status}) for a published group.
PUBLISHED_MATRIX = [
    ("group_detail", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("group_edit", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403)),
    ("group_submit", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=302, moderator=403)),
    ("group_confirm", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=302, moderator=403)),
    ("group_notices", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403)),
    ("group_facilitators", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200,
                                       moderator=403)),
    ("group_report", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("moderation_group", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403,
                                     moderator=200)),
    ("group_join", "get", dict(anonymous=LOGIN, member=200, other_facilitator=200, facilitator=302, moderator=200)),
    ("group_join", "post", dict(anonymous=LOGIN, member=302, other_facilitator=302, facilitator=302, moderator=302)),
    ("group_requests", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200,
                                   moderator=403)),
    ("group_calendar", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("group_join_withdraw", "post", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=404,
                                         moderator=404)),
    ("group_leave", "post", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=404,
                                 moderator=404)),
    ("moderation_approve", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403,
                                        moderator=302)),
    ("moderation_reject", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403,
                                       moderator=302)),
    ("moderation_unpublish", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403,
                                          moderator=302)),
    ("moderation_archive", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403,
                                        moderator=302)),
]  # fmt: skip

# The same views for a draft: outsiders may not know it exists.
DRAFT_MATRIX = [
    ("group_detail", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=200, moderator=200)),
    ("group_edit", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403)),
    ("group_submit", "post", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=302, moderator=403)),
    ("group_notices", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403)),
    ("group_facilitators", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200,
                                       moderator=403)),
    ("group_report", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=200, moderator=200)),
    ("group_join", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=302, moderator=302)),
    ("group_requests", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200,
                                   moderator=403)),
    ("group_calendar", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=404, moderator=404)),
]  # fmt: skip

PAGES = [
    ("group_list", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("group_create", dict(anonymous=LOGIN, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("group_manage", dict(anonymous=LOGIN, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("moderation", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=200)),
    ("meeting_guide_feed", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("feed_about", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
]


@pytest.fixture
def as_persona(client, request):
    def login(persona, group=None):
        if persona == "anonymous":
            client.logout()
            return client
        client.force_login(request.getfixturevalue(persona))
        return client

    return login


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "expected"), PUBLISHED_MATRIX, ids=[r[0] for r in PUBLISHED_MATRIX])
def test_published_group_views(as_persona, facilitator, other_group, persona, name, method, expected):
    group = make_group(facilitator, status="published")
    data = {"reject-reason": "r", "unpublish-reason": "r"} if method == "post" else None
    client = as_persona(persona)
    check(getattr(client, method)(reverse(name, args=[group.slug]), data), expected[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "expected"), DRAFT_MATRIX, ids=[r[0] for r in DRAFT_MATRIX])
def test_draft_group_views(as_persona, facilitator, other_group, persona, name, method, expected):
    group = make_group(facilitator, status="draft")
    client = as_persona(persona)
    check(getattr(client, method)(reverse(name, args=[group.slug])), expected[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(as_persona, facilitator, other_group, persona, name, expected):
    check(as_persona(persona).get(reverse(name)), expected[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_object_actions(as_persona, group, facilitator, other_group, member, persona):
    """Notices, co-facilitators, invitations and reports of one group, by each persona."""
    from datetime import date

    from groups.models import FacilitatorInvitation, GroupFacilitator, Notice
    from tests.conftest import make_user

    notice = Notice.objects.create(group=group, date=date(2099, 1, 1), text="n")
    co = GroupFacilitator.objects.create(group=group, user=make_user("co@example.org", "Co"), role="co")
    invitation = FacilitatorInvitation.objects.create(group=group, email="new@example.org")
    report = Report.objects.create(group=group, reporter=member, reason="wrong")
    client = as_persona(persona)
    allowed = persona == "facilitator"
    outsider = 403
    check(client.post(reverse("notice_delete", args=[group.slug, notice.pk])), 302 if allowed else
          (LOGIN if persona == "anonymous" else outsider))  # fmt: skip
    check(client.post(reverse("facilitator_remove", args=[group.slug, co.pk])), 302 if allowed else
          (LOGIN if persona == "anonymous" else outsider))  # fmt: skip
    check(client.post(reverse("invitation_cancel", args=[group.slug, invitation.pk])), 302 if allowed else
          (LOGIN if persona == "anonymous" else outsider))  # fmt: skip
    asked = client.post(reverse("moderation_report_ask", args=[report.pk]), {f"ask-{report.pk}-question": "Still on?"})
    check(asked, 302 if persona == "moderator" else (LOGIN if persona == "anonymous" else 403))
    assert group.events.filter(action="facilitators_asked", note="Still on?").exists() is (persona == "moderator")
    check(client.post(reverse("moderation_report_close", args=[report.pk])), 302 if persona == "moderator" else
          (LOGIN if persona == "anonymous" else 403))  # fmt: skip
    assert Notice.objects.filter(pk=notice.pk).exists() is not allowed
    assert GroupFacilitator.objects.filter(pk=co.pk).exists() is not allowed


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["approve", "decline", "remove"])
def test_only_the_groups_facilitators_decide_requests(as_persona, group, facilitator, other_group, persona, action):
    from groups.models import JoinRequest
    from tests.conftest import make_user

    status = "approved" if action == "remove" else "pending"
    request = JoinRequest.objects.create(group=group, user=make_user("asker@example.org", "Asker"), status=status)
    client = as_persona(persona)
    expected = {"anonymous": LOGIN, "facilitator": 302}.get(persona, 403)
    check(client.post(reverse(f"group_{action}", args=[group.slug, request.pk])), expected)
    request.refresh_from_db()
    assert (request.status == status) is (persona != "facilitator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_calendar_reset(as_persona, facilitator, other_group, persona):
    response = as_persona(persona).post(reverse("member_calendar_reset"))
    check(response, LOGIN if persona == "anonymous" else 302)


def test_the_wrong_facilitator_cannot_touch_another_groups_objects(client, group, other_group, other_facilitator):
    """Ids of one group's objects under another group's address are 404."""
    from datetime import date

    from groups.models import Notice

    notice = Notice.objects.create(group=group, date=date(2099, 1, 1), text="n")
    client.force_login(other_facilitator)
    assert client.post(reverse("notice_delete", args=[other_group.slug, notice.pk])).status_code == 404
    assert Notice.objects.filter(pk=notice.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["group_submit", "group_confirm", "moderation_approve", "moderation_reject", "moderation_unpublish",
     "moderation_archive"],
)  # fmt: skip
def test_changes_need_post(client, moderator, facilitator, name):
    group = make_group(facilitator, status=PeerGroup.Status.PENDING)
    client.force_login(facilitator if name.startswith("group") else moderator)
    assert client.get(reverse(name, args=[group.slug])).status_code == 405
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PENDING


def test_an_unverified_member_cannot_list_a_group(client, unverified):
    client.force_login(unverified)
    response = client.get(reverse("group_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")
