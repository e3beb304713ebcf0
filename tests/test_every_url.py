"""Walk the whole URL configuration as each kind of user: no page answers 500, and no page
shows a private group's address or link to someone who may not see it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from groups.models import FacilitatorInvitation, JoinRequest, Notice, Report
from lessons.models import Testimonial
from tests.accounts.test_professionals import make_professional

SECRETS = ("99 Secret Lane", "St Brigid", "quiet-harbour-secret")
SKIP_PREFIXES = ("admin/", "static/", "media/")


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def fill(route, values):
    """A concrete path for a route, with each converter filled from `values`."""
    import re

    def value(match):
        name = match.group("name")
        return str(values.get(name, "1"))

    path = re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_facilitator", "facilitator", "moderator"])
def test_no_url_answers_500_or_leaks_a_private_address(client, request, persona, private_group, member, facilitator):
    notice = Notice.objects.create(group=private_group, date=private_group.created_at.date(), text="n")
    JoinRequest.objects.create(group=private_group, user=member, message="hello")
    invitation = FacilitatorInvitation.objects.create(group=private_group, email="x@example.org")
    report = Report.objects.create(group=private_group, reporter=member, reason="wrong")
    professional = make_professional(status="pending")
    testimonial = Testimonial.objects.create(text="t", consent=True, user=member)
    values = {"slug": private_group.slug, "pk": notice.pk, "token": invitation.token, "user_id": professional.user.pk,
              "section": "groups"}  # fmt: skip
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    allowed_to_see = persona == "facilitator"
    checked = 0
    for route, _pattern in patterns():
        if route.startswith(SKIP_PREFIXES) or "logout" in route:
            continue
        path = fill(route, values)
        response = client.get(path)
        assert response.status_code < 500, (persona, path, response.status_code)
        checked += 1
        if not allowed_to_see and response.status_code == 200 and "calendar/" not in path:
            body = response.content.decode(errors="replace")
            for secret in SECRETS:
                assert secret not in body, (persona, path, secret)
    assert checked > 60
    assert report.pk and testimonial.pk
