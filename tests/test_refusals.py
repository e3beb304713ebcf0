"""dbtselfhelp.errors: the one place a service's refusal becomes what the person sees."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from dbtselfhelp.errors import ActionRefused, LimitReached, WrongState, refusals_shown


def post():
    request = RequestFactory().post("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def refusing(error):
    def view(request, slug):
        raise error

    return view


@pytest.mark.django_db
def test_without_a_redirect_a_refusal_is_a_page_with_its_message_and_status():
    view = refusals_shown()(refusing(WrongState("This request has already been answered.")))
    response = view(post(), slug="harlem")
    assert response.status_code == 409
    assert "This request has already been answered." in response.content.decode()


@pytest.mark.django_db
def test_with_a_redirect_a_refusal_is_an_error_message_and_a_redirect():
    request = post()
    view = refusals_shown(redirect_to=lambda request, slug: f"/groups/{slug}/")(refusing(LimitReached("Too many")))
    response = view(request, slug="harlem")
    assert (response.status_code, response["Location"]) == (302, "/groups/harlem/")
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "Too many")]


def test_a_refusal_carries_the_status_it_is_given_over_its_kinds():
    assert ActionRefused("No").status == 403
    assert WrongState("No").status == 409
    assert ActionRefused("Gone", 404).status == 404
