"""Input no page can use is refused in one place, before any view, session or query: a NUL byte in
a path, parameter, form field or cookie (PostgreSQL cannot store one, so it was a 500 wherever it
reached a query) and a control character in a path answer 400 with the site's error page."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import ContactMessage
from groups.models import FacilitatorInvitation
from tests.test_every_url import fill, patterns

CONTROLS = ["\x00", "abc\x00def", "\x01", "\x1b[31m", "\x7f", "a\rb", "a\nb", "\t"]
CRISIS = "call or text"


def assert_refused(response):
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert "Something in that request was not right" in body
    assert CRISIS in body


def test_a_nul_byte_in_a_calendar_address_is_a_400_for_anyone(client, db):
    assert_refused(client.get("/groups/calendar/abc%00def.ics"))


def test_a_nul_byte_in_an_invitation_address_is_a_400_when_signed_in(client, member):
    client.force_login(member)
    assert_refused(client.get("/groups/invitations/abc%00def/"))


def test_a_real_invitation_still_opens(client, member, group):
    invitation = FacilitatorInvitation.objects.create(group=group, email=member.email)
    client.force_login(member)
    assert client.get(reverse("invitation_accept", args=[invitation.token])).status_code == 200


def routes_with_parameters():
    """Every route of ours with a converter in it, and allauth's routes with a key (as regular expressions)."""
    ours = {route for route, _ in patterns() if "<" in route and "(?P" not in route}
    allauth = {"accounts/confirm-email/<key>/", "accounts/password/reset/key/<key>/"}
    return sorted(route for route in ours | allauth if not route.startswith(("admin/", "static/")))


@pytest.mark.parametrize("route", routes_with_parameters())
@pytest.mark.parametrize("junk", CONTROLS)
def test_a_control_character_in_any_path_parameter_is_a_400(client, member, route, junk):
    client.force_login(member)
    # The junk in every parameter (where a converter would not match it, it is refused all the same).
    path = fill(
        route,
        {
            "slug": f"x{junk}y",
            "token": f"x{junk}y",
            "pk": f"1{junk}",
            "user_id": f"1{junk}",
            "section": f"groups{junk}",
            "key": f"k{junk}",
        },
    )
    assert_refused(client.get(quote(path, safe="/.")))


@pytest.mark.parametrize("url", ["/", "/groups/", "/lessons/", "/professionals/", "/contact/"])
def test_a_nul_byte_in_a_query_parameter_is_a_400(client, db, url):
    assert_refused(client.get(url, {"q": "x\x00y"}))
    assert_refused(client.get(url, {"near\x00": "10027"}))


def test_a_nul_byte_in_a_form_field_is_a_400_and_nothing_is_saved(client, db):
    data = {"name": "Sam", "email": "sam@example.org", "topic": "press", "message": "Hi\x00there", "website": ""}
    assert_refused(client.post(reverse("contact"), data))
    assert not ContactMessage.objects.exists()


def test_a_cookie_with_a_nul_byte_is_dropped_and_the_page_served(client, db):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("group_list"))
    assert response.status_code == 200


def test_ordinary_text_with_newlines_still_passes(client, member, group):
    """Only NUL is refused in form fields: a message over several lines is fine."""
    client.force_login(member)
    response = client.post(reverse("group_join", args=[group.slug]), {"message": "Hello,\r\nI finished in May."})
    assert response.status_code == 302


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_text_in_any_path_parameter_is_never_a_500(client, member, data):
    route = data.draw(st.sampled_from(routes_with_parameters()))
    text = data.draw(st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(CONTROLS)))
    value = quote(text, safe="")
    path = fill(route, {"slug": value, "token": value, "pk": value, "user_id": value, "section": value, "key": value})
    client.force_login(member)
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
