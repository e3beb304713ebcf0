"""PostgreSQL stops for a few seconds under the real server: pages say so with a friendly 503, and
once the database is back everything works again, with the same processes and nothing lost.

The slow test starts its own throwaway cluster in a temporary directory on a free loopback port
(the machine's own PostgreSQL is never touched), migrates a database there, and serves the site
from it as production does: gunicorn, two sync workers, debug off, persistent connections.
"""

import uuid

import pytest
from django.db import InterfaceError, OperationalError
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.urls import path

from dbtselfhelp import unavailable
from dbtselfhelp.urls import urlpatterns as site_urlpatterns
from tests.faults.servers import Browser, Site, contact_fields, poll, site_environment, throwaway_cluster

pytestmark = pytest.mark.faults

FRIENDLY = "The site is briefly unavailable"
RECOVERY_SECONDS = 20


# --- The page, without a cluster -----------------------------------------------------------


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def connection_closed(request):
    raise InterfaceError("the connection is closed")


def template_needs_database(request):
    """A lazily evaluated value that reaches the database only when the template renders (after the view)."""

    class Lazy:
        def __str__(self):
            raise OperationalError("server closed the connection unexpectedly")

    return TemplateResponse(request, engines["django"].from_string("{{ value }}"), {"value": Lazy()})


def other_bug(request):
    raise ValueError("not a database problem")


urlpatterns = [
    path("faults/database-gone/", database_gone),
    path("faults/connection-closed/", connection_closed),
    path("faults/template/", template_needs_database),
    path("faults/other/", other_bug),
    *site_urlpatterns,
]
handler500 = "dbtselfhelp.unavailable.server_error"


def assert_friendly_503(response, body=None):
    body = body if body is not None else response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert FRIENDLY in body and "try again in a minute" in body
    assert 'href="tel:988"' in body and 'href="/crisis/"' in body, "the crisis line stays visible"
    assert "Traceback" not in body and "OperationalError" not in body
    assert "<script" not in body and "<style" not in body and "style=" not in body, "the CSP forbids inline code"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/faults/database-gone/", "/faults/connection-closed/", "/faults/template/"])
def test_a_view_that_loses_the_database_gives_the_friendly_503(url, db):
    response = Client().get(url)
    assert_friendly_503(response)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Content-Security-Policy" in response


@pytest.mark.urls(__name__)
def test_any_other_error_is_still_the_500_page(db):
    response = Client(raise_request_exception=False).get("/faults/other/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_site_sends_a_database_lost_outside_a_view_to_the_503_page(rf):
    from dbtselfhelp import urls

    assert urls.handler500 == "dbtselfhelp.unavailable.server_error"
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = unavailable.server_error(rf.get("/groups/"))
    assert_friendly_503(response)


def test_the_503_page_needs_no_database(django_assert_max_num_queries, db):
    with django_assert_max_num_queries(0):
        response = unavailable.unavailable_response()
    assert_friendly_503(response)


# --- A throwaway PostgreSQL cluster and the real server --------------------------------------


@pytest.fixture
def served_from_a_throwaway_cluster():
    with throwaway_cluster() as (cluster, directory):
        site = Site(directory, site_environment(cluster.url))
        try:
            site.start()
            yield cluster, site
        finally:
            site.stop()


def send_contact_message(browser, form, text):
    return browser.post("/contact/", contact_fields(form, text=text))


PAGES = ["/groups/", "/lessons/"]


def test_a_database_outage_is_a_friendly_503_and_the_site_recovers_by_itself(served_from_a_throwaway_cluster):
    cluster, site = served_from_a_throwaway_cluster
    master, workers = site.process.pid, site.workers()

    # Before: pages work, and a contact message is saved.
    for url in PAGES * 3:
        assert site.status(url) == 200, url
    browser = Browser(site)
    words = f"Saved before the outage {uuid.uuid4()}"
    status, _, body = send_contact_message(browser, browser.open_form("/contact/"), words)
    second_form = browser.open_form("/contact/")
    assert status == 302, body
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage WHERE message = %s", words) == [(1,)]

    # The database stops. Every worker's persistent connection is now broken.
    cluster.stop(mode="fast")
    for _ in range(4):
        status, response, body = site.request("GET", "/healthz")
        assert status == 503, body
        for url in PAGES:
            status, response, body = site.request("GET", url)
            assert status == 503, (url, status, body[:500])
            assert response.getheader("Retry-After") == "60"
            assert FRIENDLY in body and 'href="tel:988"' in body and "Traceback" not in body
    status, _, body = send_contact_message(browser, second_form, "Sent during the outage")
    assert status == 503 and FRIENDLY in body

    # It comes back: within seconds every page works again, with no restart.
    cluster.start()
    assert poll(lambda: site.status("/healthz") == 200, seconds=RECOVERY_SECONDS), "healthz did not recover"
    for url in ["/healthz", *PAGES] * 4:
        assert site.status(url) == 200, url
    assert site.process.poll() is None and site.process.pid == master
    assert site.workers() == workers, "a worker was restarted"
    assert site.log.read_text().count("Booting worker") == 2, site.log.read_text()

    # Nothing was lost.
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage WHERE message = %s", words) == [(1,)]
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail WHERE template = 'contact_message'") == [(1,)]
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage") == [(1,)], "nothing half-saved"
