"""Walk the whole URL configuration as each kind of user: every route filled with an object of
the kind it names (the page reached is the view meant, not a 404 fallback), no page answers 500,
and no response shows a private group's address or link to someone who may not see it."""

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from accounts.models import ContactMessage, ProfessionalProfile
from groups import notifications
from groups.models import (
    FacilitatorInvitation,
    GroupAdviser,
    GroupFacilitator,
    JoinRequest,
    MemberCalendar,
    Notice,
    Report,
)
from groups.waiting import WaitingRequest
from lessons.models import Lesson, Skill, SkillModule, Testimonial
from lessons.toolkit import TOOLKIT_PAGES
from tests.accounts.test_professionals import APPLICATION, make_professional
from tests.conftest import make_user

SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")
SKIP_PREFIXES = ("admin/", "static/", "media/")
# A route's parameter: a path converter (<slug:slug>) or a regular expression's group ((?P<key>…)).
PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def fill(route, values):
    """A concrete path for a route, each parameter filled from `values` ("1" when it is not there),
    and a regular expression's anchors dropped."""

    def value(match):
        return str(values.get(match.group("name") or match.group("group"), "1"))

    return "/" + PARAMETER.sub(value, route).replace("^", "").replace("$", "")


def test_fill_gives_paths_that_reach_allauths_regular_expression_routes():
    assert fill(r"accounts/^confirm-email/(?P<key>[-:\w]+)/$", {"key": "abc:def"}) == "/accounts/confirm-email/abc:def/"
    path = fill(r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$", {"uidb36": "2", "key": "x-y"})
    assert path == "/accounts/password/reset/key/2-x-y/"
    assert resolve(path).url_name == "account_reset_password_from_key"


@pytest.fixture
def world(private_group, other_group, member, facilitator, other_facilitator):
    """One object of each kind a route names. The member owns what a member can own (a join
    request, membership of another group, a waiting request, a calendar, a testimonial, a
    report, a contact message, an adviser invitation as a professional), so their requests
    reach the page rather than a refusal."""
    now = timezone.now()
    group = private_group
    notice = Notice.objects.create(group=group, date=group.created_at.date(), text="n")
    asked = JoinRequest.objects.create(group=group, user=member, message="hello")
    JoinRequest.objects.create(group=other_group, user=member, status="approved", decided_at=now)
    co = GroupFacilitator.objects.create(group=group, user=make_user("co@example.org", "Co"), role="co")
    invitation = FacilitatorInvitation.objects.create(group=group, email=member.email)
    report = Report.objects.create(group=group, reporter=member, reason="wrong")
    application = {k: v for k, v in APPLICATION.items() if k not in ("open_to_contact", "consent")}
    professional = ProfessionalProfile.objects.create(user=member, status="verified", verified_at=now, **application)
    adviser = GroupAdviser.objects.create(group=other_group, user=member, invited_by=other_facilitator)
    candidate = make_professional(email="dana@example.org", status="verified")
    testimonial = Testimonial.objects.create(text="t", consent=True, user=member)
    message = ContactMessage.objects.create(name="Robin", email="robin@example.org", topic="other", message="Hi")
    waiting = WaitingRequest.objects.create(
        user=member,
        email=member.email,
        cell_latitude=40.8,
        cell_longitude=-73.95,
        cell_key="k",
        area_key="a",
        radius_km=10,
        created_at=now,
        expires_at=now + timedelta(days=365),
    )
    calendar = MemberCalendar.objects.create(user=member)
    lesson = Lesson.objects.published().first()
    common = {"slug": group.slug, "section": "groups", "key": "abc"}
    per_view = {
        "notice_delete": {"pk": notice.pk},
        "group_approve": {"pk": asked.pk},
        "group_decline": {"pk": asked.pk},
        "group_remove": {"pk": asked.pk},
        "facilitator_remove": {"pk": co.pk},
        "invitation_cancel": {"pk": invitation.pk},
        "invitation_accept": {"token": invitation.token},
        "adviser_accept": {"pk": adviser.pk},
        "adviser_decline": {"pk": adviser.pk},
        "adviser_invite": {"user_id": candidate.user.pk},
        "member_calendar": {"token": calendar.token},
        "waiting_confirm": {"token": waiting.confirm_token},
        "waiting_unsubscribe": {"token": waiting.unsubscribe_token},
        "waiting_renew": {"token": waiting.unsubscribe_token},
        "waiting_stop": {"pk": waiting.pk},
        "change_emails_stop": {"token": notifications.stop_token(other_group, member)},
        "moderation_report_close": {"pk": report.pk},
        "moderation_report_ask": {"pk": report.pk},
        "professional_detail": {"pk": professional.pk},
        "moderation_professional": {"pk": professional.pk},
        "moderation_professional_verify": {"pk": professional.pk},
        "moderation_professional_reject": {"pk": professional.pk},
        "moderation_message_handled": {"pk": message.pk},
        "moderation_testimonial_approve": {"pk": testimonial.pk},
        "moderation_testimonial_reject": {"pk": testimonial.pk},
        "lesson_detail": {"slug": lesson.slug},
        "lesson_module": {"slug": lesson.slug},
        "toolkit_page": {"slug": TOOLKIT_PAGES[0]},
        "skill_detail": {"slug": Skill.objects.first().slug},
        "account_reset_password_from_key": {"uidb36": "1", "key": "set-abc"},
    }
    assert SkillModule.objects.exists()
    return {"common": common, "per_view": per_view}


def paths(world):
    """(path, pattern) for every route, filled for its view, each checked to reach that view."""
    for route, pattern in patterns():
        if route.startswith(SKIP_PREFIXES) or "logout" in route:
            continue
        path = fill(route, {**world["common"], **world["per_view"].get(pattern.name, {})})
        match = resolve(path)
        assert match.func == pattern.callback, (path, match.url_name, pattern.name)
        yield path, pattern


def test_every_route_with_a_parameter_is_given_an_object_of_its_own_kind(world):
    """Each route naming an id or a token, and each lesson, toolkit or skill route, has its own
    object; only a group's slug, the sitemap's section and allauth's key are shared."""
    for route, pattern in patterns():
        names = {m.group("name") or m.group("group") for m in PARAMETER.finditer(route)}
        content = route.startswith(("lessons/", "toolkit/", "skills/"))
        if content and names:
            assert world["per_view"][pattern.name]["slug"] != world["common"]["slug"], route
        if names & {"pk", "user_id", "token", "uidb36"}:
            assert names - {"slug"} <= set(world["per_view"].get(pattern.name, {})), (route, pattern.name)


# At least this many pages answer 200 to each persona (measured: 50, 59, 60, 64 and 67 of 118
# routes, 34 of which take only a post).
PAGES_SHOWN = {"anonymous": 50, "member": 59, "other_facilitator": 60, "facilitator": 64, "moderator": 67}


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_no_url_answers_500_or_leaks_a_private_address(client, request, persona, world):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    statuses = {}
    for path, _pattern in paths(world):
        response = client.get(path)
        assert response.status_code < 500, (persona, path, response.status_code)
        statuses[path] = response.status_code
        if persona != "facilitator":
            body = response.content.decode(errors="replace")
            for secret in SECRETS:
                assert secret not in body, (persona, path, secret)
    assert len(statuses) > 100
    answered = [status for status in statuses.values() if status != 405]  # 405: a view that only takes a post
    assert sum(status == 200 for status in answered) >= PAGES_SHOWN[persona], statuses
    if persona == "member":  # a member owning the objects reaches most pages a get can reach
        assert sum(status == 200 for status in answered) > 0.66 * len(answered), statuses
