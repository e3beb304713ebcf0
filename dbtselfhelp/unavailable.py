"""When the database goes away: a friendly 503 that itself needs no database, instead of a 500.

Django reconnects by itself: a broken connection is closed at the end of the request and the
next one opens a new connection (CONN_HEALTH_CHECKS), so once the database is back the site
works again with no restart. Until then, pages say so and ask to try again in a minute.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def unavailable_response():
    """The 503 page: static (no request context, so no user, session or query), never cached."""
    response = HttpResponse(render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that loses the database answers 503, logged on one line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            first_line = (str(exception).strip().splitlines() or [""])[0]
            logger.warning("The database is unavailable: %s: %s", type(exception).__name__, first_line)
            return unavailable_response()
        return None


def server_error(request):
    """handler500: the database lost outside a view (in a middleware, saving the session) is still a 503."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return unavailable_response()
    return defaults.server_error(request)
