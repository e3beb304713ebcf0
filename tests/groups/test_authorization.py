"""Every groups view against every persona: anonymous, member, the wrong facilitator, the
group's own facilitator, and a moderator. 404 where one may not know a listing exists,
403 where one may see it but not change it, a login redirect for the anonymous."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from groups.models import PeerGroup, Report
from tests.conftest import make_group, make_user

LOGIN = "login"
PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]

# (name, method, {persona: expected status}) for a published group.
PUBLISHED_MATRIX = [
    ("group_detail", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    ("group_edit", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403)),
    ("group_submit", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=302, moderator=403)),
    ("group_confirm", "post", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=302, moderator=403)),
    ("group_notices", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403)),
    (
        "group_facilitators",
        "get",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403),
    ),
    ("group_report", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    (
        "moderation_group",
        "get",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=200),
    ),
    ("group_join", "get", dict(anonymous=LOGIN, member=200, other_facilitator=200, facilitator=302, moderator=200)),
    ("group_join", "post", dict(anonymous=LOGIN, member=302, other_facilitator=302, facilitator=302, moderator=302)),
    ("group_requests", "get", dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=200, moderator=403)),
    ("group_calendar", "get", dict(anonymous=200, member=200, other_facilitator=200, facilitator=200, moderator=200)),
    (
        "group_join_withdraw",
        "post",
        dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=404, moderator=404),
    ),
    ("group_leave", "post", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=404, moderator=404)),
    (
        "moderation_approve",
        "post",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=302),
    ),
    (
        "moderation_reject",
        "post",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=302),
    ),
    (
        "moderation_unpublish",
        "post",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=302),
    ),
    (
        "moderation_archive",
        "post",
        dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=302),
    ),
]

# The same views for a draft: outsiders may not know it exists.
DRAFT_MATRIX = [
    ("group_detail", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=200, moderator=200)),
    ("group_edit", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403)),
    ("group_submit", "post", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=302, moderator=403)),
    ("group_notices", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403)),
    (
        "group_facilitators",
        "get",
        dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403),
    ),
    ("group_report", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=200, moderator=200)),
    ("group_join", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=302, moderator=302)),
    ("group_requests", "get", dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=200, moderator=403)),
    ("group_calendar", "get", dict(anonymous=404, member=404, other_facilitator=404, facilitator=404, moderator=404)),
]


def _asked(email):
    return {"requests": ([], [(email, "pending")]), "emails": ([], ["join_request_received"])}


# What each allowed post changes; every other (view, persona) pair above changes nothing at all,
# including the refused ones and those that answer 302 with "nothing to do" (submitting a listing
# that is not a draft, rejecting one that is not pending, a facilitator asking to join their own group).
PUBLISHED_CHANGES = {
    ("group_confirm", "post", "facilitator"): {"last_confirmed_at": "later", "events": ([], ["confirmed"])},
    ("group_join", "post", "member"): _asked("alice@example.org"),
    ("group_join", "post", "other_facilitator"): _asked("otto@example.org"),
    ("group_join", "post", "moderator"): _asked("mo@example.org"),
    ("moderation_approve", "post", "moderator"): {"events": ([], ["changes_reviewed"])},
    ("moderation_unpublish", "post", "moderator"): {
        "status": ("published", "draft"),
        "events": ([], ["unpublished"]),
        "emails": ([], ["listing_unpublished"]),
    },
    ("moderation_archive", "post", "moderator"): {
        "status": ("published", "archived"),
        "events": ([], ["archived"]),
        "emails": ([], ["group_changed"]),
    },
}
DRAFT_CHANGES = {
    ("group_submit", "post", "facilitator"): {"status": ("draft", "pending"), "events": ([], ["submitted"])}
}

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


def state(group):
    """What a person could see change after a post: the listing's status, when it was last
    confirmed, its history, its join requests, and the e-mail queued."""
    from groups.models import JoinRequest
    from outbox.models import OutgoingEmail

    group.refresh_from_db()
    return {
        "status": group.status,
        "last_confirmed_at": group.last_confirmed_at,
        "events": list(group.events.order_by("pk").values_list("action", flat=True)),
        "requests": sorted(JoinRequest.objects.filter(group=group).values_list("user__email", "status")),
        "emails": sorted(OutgoingEmail.objects.values_list("template", flat=True)),
    }


def changes(before, after):
    """What changed, with a newer confirmation date written "later"."""
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if "last_confirmed_at" in changed and after["last_confirmed_at"] > before["last_confirmed_at"]:
        changed["last_confirmed_at"] = "later"
    return changed


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
    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=group.last_confirmed_at - timedelta(days=1))
    data = {"reject-reason": "r", "unpublish-reason": "r"} if method == "post" else None
    client = as_persona(persona)
    before = state(group)
    check(getattr(client, method)(reverse(name, args=[group.slug]), data), expected[persona])
    assert changes(before, state(group)) == PUBLISHED_CHANGES.get((name, method, persona), {})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "expected"), DRAFT_MATRIX, ids=[r[0] for r in DRAFT_MATRIX])
def test_draft_group_views(as_persona, facilitator, other_group, persona, name, method, expected):
    group = make_group(facilitator, status="draft")
    client = as_persona(persona)
    before = state(group)
    check(getattr(client, method)(reverse(name, args=[group.slug])), expected[persona])
    assert changes(before, state(group)) == DRAFT_CHANGES.get((name, method, persona), {})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(as_persona, facilitator, other_group, persona, name, expected):
    check(as_persona(persona).get(reverse(name)), expected[persona])


FACILITATOR_ONLY = dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=302, moderator=403)
MODERATOR_ONLY = dict(anonymous=LOGIN, member=403, other_facilitator=403, facilitator=403, moderator=302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_groups_facilitator_deletes_a_notice(as_persona, group, facilitator, other_group, persona):
    from groups.models import Notice

    notice = Notice.objects.create(group=group, date=date(2099, 1, 1), text="n")
    check(as_persona(persona).post(reverse("notice_delete", args=[group.slug, notice.pk])), FACILITATOR_ONLY[persona])
    assert Notice.objects.filter(pk=notice.pk).exists() is (FACILITATOR_ONLY[persona] != 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_groups_facilitator_removes_a_co_facilitator(as_persona, group, facilitator, other_group, persona):
    from groups.models import GroupFacilitator

    co = GroupFacilitator.objects.create(group=group, user=make_user("co@example.org", "Co"), role="co")
    check(as_persona(persona).post(reverse("facilitator_remove", args=[group.slug, co.pk])), FACILITATOR_ONLY[persona])
    assert GroupFacilitator.objects.filter(pk=co.pk).exists() is (FACILITATOR_ONLY[persona] != 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_groups_facilitator_cancels_an_invitation(as_persona, group, facilitator, other_group, persona):
    from groups.models import FacilitatorInvitation

    invitation = FacilitatorInvitation.objects.create(group=group, email="new@example.org")
    url = reverse("invitation_cancel", args=[group.slug, invitation.pk])
    check(as_persona(persona).post(url), FACILITATOR_ONLY[persona])
    assert FacilitatorInvitation.objects.filter(pk=invitation.pk).exists() is (FACILITATOR_ONLY[persona] != 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_moderator_asks_a_reports_facilitators(as_persona, group, facilitator, other_group, member, persona):
    report = Report.objects.create(group=group, reporter=member, reason="wrong")
    url = reverse("moderation_report_ask", args=[report.pk])
    check(as_persona(persona).post(url, {f"ask-{report.pk}-question": "Still on?"}), MODERATOR_ONLY[persona])
    asked = group.events.filter(action="facilitators_asked", note="Still on?").exists()
    assert asked is (MODERATOR_ONLY[persona] == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_moderator_closes_a_report(as_persona, group, facilitator, other_group, member, persona):
    report = Report.objects.create(group=group, reporter=member, reason="wrong")
    check(as_persona(persona).post(reverse("moderation_report_close", args=[report.pk])), MODERATOR_ONLY[persona])
    report.refresh_from_db()
    assert (report.status == Report.Status.OPEN) is (MODERATOR_ONLY[persona] != 302)


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


@pytest.mark.parametrize("persona", ["member", "other_facilitator", "facilitator", "moderator"])
def test_calendar_reset_gives_the_signed_in_person_a_new_address(as_persona, request, member, persona):
    from groups.models import MemberCalendar

    person = request.getfixturevalue(persona)
    old = MemberCalendar.objects.create(user=person).token
    others = MemberCalendar.objects.create(user=make_user("sam@example.org", "Sam")).token
    check(as_persona(persona).post(reverse("member_calendar_reset")), 302)
    assert MemberCalendar.objects.get(user=person).token != old
    assert not MemberCalendar.objects.filter(token=old).exists()
    assert set(MemberCalendar.objects.values_list("token", flat=True)) >= {others}


def test_calendar_reset_sends_the_anonymous_to_log_in_and_changes_nothing(client, member):
    from groups.models import MemberCalendar

    token = MemberCalendar.objects.create(user=member).token
    check(client.post(reverse("member_calendar_reset")), LOGIN)
    assert list(MemberCalendar.objects.values_list("token", flat=True)) == [token]


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
    [
        "group_submit",
        "group_confirm",
        "moderation_approve",
        "moderation_reject",
        "moderation_unpublish",
        "moderation_archive",
    ],
)
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


# --- Advisers: a facilitator asks a verified professional; only that professional answers ----------


@pytest.fixture
def dana(db):
    """A verified professional in the group's region (NY), open to being asked."""
    from tests.accounts.test_professionals import make_professional

    return make_professional("dana@example.org", licence_region="NY").user


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_groups_facilitator_asks_a_professional_to_advise(
    as_persona, group, facilitator, other_group, dana, persona
):
    from groups.models import GroupAdviser
    from outbox.models import OutgoingEmail

    check(as_persona(persona).post(reverse("adviser_invite", args=[group.slug, dana.pk])), FACILITATOR_ONLY[persona])
    asked = list(GroupAdviser.objects.values_list("group__slug", "user__email", "status", "invited_by__email"))
    emails = list(OutgoingEmail.objects.values_list("to", "template"))
    if_asked = (
        [(group.slug, "dana@example.org", "invited", "fran@example.org")],
        [("dana@example.org", "adviser_invitation")],
    )
    assert (asked, emails) == (if_asked if FACILITATOR_ONLY[persona] == 302 else ([], []))


ANSWERERS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator", "dana"]
ANSWER = dict(anonymous=LOGIN, member=404, other_facilitator=404, facilitator=404, moderator=404, dana=302)


@pytest.mark.parametrize("persona", ANSWERERS)
@pytest.mark.parametrize(("name", "answered"), [("adviser_accept", "accepted"), ("adviser_decline", "declined")])
def test_only_the_invited_professional_answers_an_adviser_invitation(
    as_persona, group, facilitator, other_group, dana, persona, name, answered
):
    from groups.models import GroupAdviser

    invitation = GroupAdviser.objects.create(group=group, user=dana, invited_by=facilitator)
    check(as_persona(persona).post(reverse(name, args=[invitation.pk])), ANSWER[persona])
    invitation.refresh_from_db()
    assert invitation.status == (answered if ANSWER[persona] == 302 else "invited")
    assert (invitation.responded_at is None) is (ANSWER[persona] != 302)
