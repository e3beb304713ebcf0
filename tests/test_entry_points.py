"""The two ways a server runs the site, called as a server would call them: gunicorn the WSGI
application (dbtselfhelp.wsgi, what `make serve` runs) and an ASGI server dbtselfhelp.asgi."""

import asyncio
import io
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_started
from django.db import close_old_connections

ROBOTS = (
    "User-agent: *\nDisallow: /account/\nDisallow: /accounts/\nDisallow: /moderation/\nDisallow: /admin/\n"
    "Disallow: /groups/manage/\nDisallow: /es/account/\nDisallow: /es/accounts/\nDisallow: /es/moderation/\n"
    "Disallow: /es/admin/\nDisallow: /es/groups/manage/\nSitemap: http://localhost/sitemap.xml\n"
)


@contextmanager
def in_the_tests_transaction():
    """A server's handler closes stale connections when a request starts; in a test that would close
    the test's own transaction, so that one receiver is off meanwhile (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)


def test_the_wsgi_application_answers_a_request(db):
    from dbtselfhelp.wsgi import application

    environ = {"PATH_INFO": "/robots.txt", "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    with in_the_tests_transaction():
        body = b"".join(application(environ, start_response)).decode()
    assert started["status"] == "200 OK"
    assert started["headers"]["Content-Type"] == "text/plain; charset=utf-8"
    assert body == ROBOTS


def test_the_asgi_application_answers_a_request(db):
    from dbtselfhelp.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/robots.txt",
        "raw_path": b"/robots.txt",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 5000),
    }
    sent, requested = [], []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the response is sent

    async def send(message):
        sent.append(message)

    with in_the_tests_transaction():
        asyncio.run(application(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 200
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    assert body == ROBOTS
