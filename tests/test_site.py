from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse


def test_home_page_starts_with_the_find_a_group_form(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    main = body[body.index('<main id="main"') :]
    first_form = main.index("<form")
    assert main.index('action="/groups/"') > first_form
    assert first_form < main.index("<h1")
    assert 'name="near"' in main
    assert 'method="get"' in main[first_form : first_form + 200]


def test_every_page_links_to_crisis_resources(client, db):
    for url in [reverse("home"), reverse("account_login"), reverse("page_about")]:
        body = client.get(url).content.decode()
        assert "call or text" in body and 'href="tel:988"' in body, url
        assert reverse("page_crisis") in body, url


@pytest.mark.parametrize("slug", ["about", "privacy", "terms", "crisis"])
def test_information_pages_render(client, db, slug):
    response = client.get(reverse(f"page_{slug}"))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_unknown_page_is_404(client, db):
    assert client.get("/no-such-page/").status_code == 404


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_responses_carry_a_strict_csp_and_security_headers(client, db):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client, db):
    body = client.get(reverse("home")).content.decode()
    assert "<style" not in body
    assert " style=" not in body
    assert "<script>" not in body


def test_each_request_is_logged_by_route_without_secrets(client, member, caplog):
    from groups.models import MemberCalendar

    calendar = MemberCalendar.objects.create(user=member)
    with caplog.at_level("INFO", logger="dbtselfhelp.requests"):
        client.get(reverse("member_calendar", args=[calendar.token]))
        client.get(reverse("group_list"), {"near": "10027", "q": "alice@example.org"})
        client.get("/")
    lines = [r.getMessage() for r in caplog.records if r.name == "dbtselfhelp.requests"]
    assert lines[0].startswith("GET /groups/calendar/<str:token>.ics 200 ")
    assert lines[1].startswith("GET /groups/ 200 ")
    assert lines[2].startswith("GET / 200 ")
    assert calendar.token not in caplog.text and "10027" not in caplog.text and "alice@example.org" not in caplog.text


def test_an_expired_form_gets_a_page_in_the_site_layout(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "That form has expired" in body and 'href="#main"' in body and "988" in body
