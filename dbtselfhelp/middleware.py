import logging
import time

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .logs import route_of

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
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            route_of(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


class SecondFactorRequiredMiddleware:
    """The moderation console and the admin open only to accounts with an authenticator app.

    A moderator, staff member or superuser without one who opens anything under /moderation/
    or /admin/ is sent to set one up, with the reason. Once it is active, allauth asks for
    a code at every sign-in, so here only its presence is checked, never the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith((reverse("moderation"), reverse("admin:index"))):
            user = request.user
            if user.is_authenticated and user.must_use_two_factor and not user.has_authenticator_app:
                messages.warning(
                    request,
                    _(
                        "Moderators and administrators must use two-factor authentication. Set up an "
                        "authenticator app to open the moderation console and the admin."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
