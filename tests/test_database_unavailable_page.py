"""A page whose database goes away mid-view answers 503 with the static "briefly unavailable" page
(no database needed to draw it), logged on one line; any other error stays a 500. The servers
actually stopped are in tests/faults; here the error is raised by a view of this module's own."""

import logging

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.urls import path

from dbtselfhelp import urls as site
from dbtselfhelp.unavailable import server_error


def lost(request):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server died")


def interface_lost(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ZeroDivisionError("a bug, not an outage")


urlpatterns = [path("lost/", lost), path("interface/", interface_lost), path("broken/", broken), *site.urlpatterns]
handler500 = "dbtselfhelp.unavailable.server_error"


@pytest.fixture
def this_urlconf(settings, client):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", ["/lost/", "/interface/"])
def test_a_lost_database_gives_the_503_page(this_urlconf, url, caplog):
    with caplog.at_level(logging.WARNING, logger="dbtselfhelp.unavailable"):
        response = this_urlconf.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "We cannot reach our database for a moment. Please try again in a minute." in body
    assert "call or text 988" in body
    assert "The database is unavailable:" in caplog.text
    assert "This probably means" not in caplog.text  # the first line of the error only


def test_any_other_error_is_a_500(this_urlconf):
    response = this_urlconf.get("/broken/")
    assert response.status_code == 500
    assert "We cannot reach our database" not in response.content.decode()


def test_the_500_handler_answers_503_when_the_database_was_lost_outside_a_view(db):
    request = RequestFactory().get("/")
    try:
        raise OperationalError("lost while saving the session")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "60"
