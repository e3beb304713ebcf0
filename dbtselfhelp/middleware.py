import logging
import time

from django.conf import settings

logger = logging.getLogger("dbtselfhelp.requests")


class RequestLogMiddleware:
    """One line per request: method, route, status, duration. The route is the URL pattern
    ("groups/calendar/<str:token>.ics"), never the path or query string, so secret calendar
    tokens, typed places, e-mail addresses and messages never reach the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = f"/{match.route}"
        elif request.path.startswith(settings.STATIC_URL):
            route = settings.STATIC_URL  # served by WhiteNoise before URL resolution
        else:
            route = "(no route)"
        logger.info(
            "%s %s %s %.1fms", request.method, route, response.status_code, (time.perf_counter() - started) * 1000
        )
        return response
