"""The logs of a run with a database outage hold no secret: no calendar token, no place someone
typed, no e-mail address. Django's own `django.request` logger names the path of every 5xx, and
`django.security.csrf` of every refused form; here they name the route instead.

The run: the site as `make serve` runs it (gunicorn, the task worker, request log on), on a
throwaway PostgreSQL cluster stopped for a few seconds in the middle.
"""

import io
import logging
import re
import secrets
from urllib.parse import quote_plus

import pytest
from django.urls import path

from dbtselfhelp.logs import AccessRedactFilter, RedactFilter
from dbtselfhelp.urls import urlpatterns as site_urlpatterns
from tests.faults.servers import Browser, MailServer, Site, contact_fields, poll, site_environment, throwaway_cluster

pytestmark = pytest.mark.faults

PLACE = "Little Secretby Marsh"
ADDRESS = "hidden.person@example.org"
AN_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def visit(site, token):
    """Every kind of request that can carry a secret: a calendar token, a typed place, a form with an address."""
    statuses = [
        site.status(f"/groups/calendar/{token}.ics"),
        site.status(f"/groups/?near={quote_plus(PLACE)}"),
        site.status(f"/groups/?near={quote_plus(PLACE)}&day=2&page=2"),
        site.request("POST", f"/groups/calendar/{token}.ics", body="email=" + quote_plus(ADDRESS))[0],  # no CSRF
    ]
    browser = Browser(site)
    try:
        form = browser.open_form("/contact/")
    except AssertionError:  # the database is away: post what a page opened earlier would have
        form = {"csrfmiddlewaretoken": "x" * 32}
    fields = contact_fields(form, text=f"Is there a group in {PLACE}?", email=ADDRESS)
    statuses.append(browser.post("/contact/", fields)[0])
    return statuses


def test_the_logs_of_a_run_with_an_outage_hold_no_token_place_or_address():
    mail = MailServer()
    try:
        with throwaway_cluster() as (cluster, directory):
            environment = site_environment(cluster.url, EMAIL_URL=mail.url, REQUEST_LOG_LEVEL="INFO", LOG_LEVEL="INFO")
            site = Site(directory, environment)
            try:
                site.start()
                site.start_worker(sweep_seconds=1)
                token = secrets.token_urlsafe(24)
                before = visit(site, token)
                assert poll(lambda: len(mail.delivered()) == 2, seconds=30), "the contact message's e-mails went"

                cluster.stop(mode="fast")
                during = visit(site, token) + visit(site, token)
                cluster.start()
                assert poll(lambda: site.status("/healthz") == 200, seconds=20)
                after = visit(site, token)
                assert poll(lambda: len(mail.delivered()) == 4, seconds=30)
            finally:
                site.stop()
            logs = site.logs()
    finally:
        mail.close()

    assert 503 in during and 403 in during and 302 in before + after, (before, during, after)
    # The logs recorded these requests, by route: the scan below has something to find.
    assert "/groups/calendar/<str:token>.ics" in logs and " 503 " in logs, logs[-3000:]
    assert "The database is unavailable" in logs

    assert token not in logs
    for word in PLACE.split():
        if len(word) > 6:
            assert word.lower() not in logs.lower(), word
    assert quote_plus(PLACE) not in logs
    assert not AN_ADDRESS.findall(logs), AN_ADDRESS.findall(logs)[:5]


# --- The filter itself ------------------------------------------------------------------------


def calendar_that_breaks(request, token):
    raise ValueError(f"no calendar {token} for {ADDRESS}")  # as an exception's message can quote data


urlpatterns = [path("groups/calendar/<str:token>.ics", calendar_that_breaks), *site_urlpatterns]


@pytest.fixture
def logged():
    """What the site's console handler would print for django.request and gunicorn's error log."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("django.request", "gunicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield out.getvalue
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_by_its_route_with_the_exception_type_alone(client, db, logged):
    token = secrets.token_urlsafe(24)
    client.raise_request_exception = False
    assert client.get(f"/groups/calendar/{token}.ics?near=Leeds").status_code == 500
    text = logged()
    assert "ERROR django.request Internal Server Error: /groups/calendar/<str:token>.ics" in text
    assert "builtins.ValueError (message withheld)" in text and "calendar_that_breaks" in text, "the frames stay"
    assert token not in text and ADDRESS not in text and "Leeds" not in text


def test_gunicorns_error_log_names_the_route(logged):
    token = secrets.token_urlsafe(24)
    try:
        raise OSError(f"reset while sending /groups/calendar/{token}.ics")
    except OSError:
        logging.getLogger("gunicorn.error").exception("Error handling request %s", f"/groups/calendar/{token}.ics?a=b")
    text = logged()
    assert "Error handling request /groups/calendar/<str:token>.ics" in text
    assert token not in text


def test_gunicorns_access_log_names_the_route():
    token = secrets.token_urlsafe(24)
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": f"/groups/calendar/{token}.ics",
        "q": "near=Leeds",
        "r": f"GET /groups/calendar/{token}.ics?near=Leeds HTTP/1.1",
        "H": "HTTP/1.1",
        "s": "200",
        "f": f"https://example.org/groups/?near=Leeds&t={token}",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s "%(f)s"', (), None)
    record.args = atoms
    AccessRedactFilter().filter(record)
    assert record.getMessage() == '127.0.0.1 "GET /groups/calendar/<str:token>.ics HTTP/1.1" 200 "-"'
